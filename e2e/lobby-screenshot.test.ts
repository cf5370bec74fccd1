/**
 * The demo lobby on a real (virtual) screen: Godot with Mesa's software renderer under xvfb-run
 * renders the lobby in each stage (idle, an error, hosting, the game), saves a picture of each and
 * reports what it holds where the lobby put its parts (ci/provision-render.sh provides xvfb and
 * the renderer). The README shows those pictures: `SHP_LOBBY_SHOTS=docs/lobby` keeps them there.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { godotPath, importProject, ROOT } from '../ci/harness/godot.ts';
import { startServer, Watched } from '../ci/harness/processes.ts';

/** What the screenshot script reports of each picture (godot-demo/lobby/screenshot.gd). */
interface Shot {
  stage: string; png: string; saved: boolean; width: number; height: number; hash: number; ink: number;
  error: string; error_red: number; buttons: string[]; labels: string[]; rows: string[]; status: string;
  code: string; squares: Record<string, [number, number]>; arena_ink: number;
}

/** Godot's default window, which the project keeps. */
const SIZE = [1152, 648];
const STAGES = ['idle', 'error', 'hosting', 'game'];
const FIELDS = ['Server key', 'Your name', 'Session code', 'Password', 'Player cap'];

const temp = mkdtempSync(join(tmpdir(), 'shp-lobby-'));
const dir = process.env.SHP_LOBBY_SHOTS ? resolve(ROOT, process.env.SHP_LOBBY_SHOTS) : temp;
const shots = new Map<string, Shot>();
let renderer = '';
beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  rmSync(resolve(dir, 'leave'), { force: true }); // The host leaves when the test writes it.
  renderer = execFileSync('bash', [resolve(ROOT, 'ci/provision-render.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 280_000 }).trim();
  importProject('godot-demo');
}, 300_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function shotsIn(lines: readonly string[]): Shot[] {
  return lines.filter((l) => l.startsWith('SHP_SHOT ')).map((l) => JSON.parse(l.slice('SHP_SHOT '.length)) as Shot);
}

/** The picture is a real PNG of the size reported. */
function expectPng(shot: Shot): void {
  expect(shot.saved).toBe(true);
  expect([shot.width, shot.height]).toEqual(SIZE);
  const bytes = readFileSync(shot.png);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual(SIZE);
  expect(shot.ink, `${shot.stage}: something drawn`).toBeGreaterThan(20_000);
}

function lobby(args: string[], label: string, rendered: boolean): Watched {
  const command = rendered ? renderer : godotPath();
  const head = rendered ? [] : ['--headless'];
  const godot = new Watched(spawn(command, [...head, '--path', resolve(ROOT, 'godot-demo'), '-s', 'res://lobby/screenshot.gd', '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], detached: rendered,
  }), label);
  return godot;
}

describe('the demo lobby', () => {
  it('idle: every field labelled, filled in; an error: in words, in red, with the same buttons', async () => {
    const godot = lobby([`--shots=${dir}`], 'lobby', true);
    expect(await godot.exited, godot.tail()).toBe(0);
    const [idle, error] = shotsIn(godot.lines);
    expect(idle).toMatchObject({ stage: 'idle', labels: FIELDS, buttons: ['Host', 'Join', 'Random'], rows: [], error: '', squares: {} });
    expect(error).toMatchObject({ stage: 'error', labels: FIELDS, buttons: ['Host', 'Join', 'Random'] });
    expect(error!.error, 'a sentence, not a key').not.toMatch(/^[A-Z_]+(: |$)/);
    expect(error!.error_red, 'red text where the error label is').toBeGreaterThan(200);
    for (const shot of [idle!, error!]) {
      expectPng(shot);
      shots.set(shot.stage, shot);
    }
    expect(godot.lines.filter((l) => /SCRIPT ERROR/.test(l))).toEqual([]);
  });

  it('hosts a real session: the host in its list, a copyable grouped code, Start game before the start only, one square per peer moved by RPC, late joiners, the host leaving', async () => {
    // Given a server, and the lobby hosting with a password on a (virtual) screen
    const server = await startServer();
    const host = lobby([`--shots=${dir}`, `--server-key=${server.key}`, '--role=host', '--password=swordfish', '--expect-refusal'], 'lobby host', true);
    const players: Watched[] = [];
    const join = (alias: string, password: string, code: string): Watched => {
      const player = lobby([`--server-key=${server.key}`, '--role=join', `--code=${code}`, `--alias=${alias}`, `--password=${password}`], `lobby ${alias}`, false);
      players.push(player);
      return player;
    };
    try {
      const code = (await host.waitForLine(/^SHP_CODE ([a-z]+)$/, 30_000))[1]!;
      // When a player joins with the password (and, where the node checks it, one without)
      const bob = join('bob', 'swordfish', code);
      await bob.waitForLine(/^SHP_ROWS \[.*hana {2}· {2}host/, 30_000);
      const eve = join('eve', 'guess', code);
      const refusedSaid = (await eve.waitForLine(/^SHP_ERROR (.+)$/, 30_000))[1]!;
      expect(refusedSaid, 'a sentence, not a key').not.toMatch(/^[A-Z_]+(: |$)/);
      // Then the host's lobby lists itself and the player, offers Start game and the code to copy
      const hosting = shotsIn([(await host.waitForLine(/^SHP_SHOT .*"stage":"hosting"/, 40_000)).input!])[0]!;
      expect(hosting.buttons).toEqual(['Start game', 'Leave', 'Copy', 'Remove']);
      expect(hosting.code).toBe(code.toUpperCase().match(/.{1,4}/g)!.join('-'));
      expect(hosting.rows).toEqual(['hana  ·  you, host', expect.stringMatching(/^bob {2}· {2}(local|public) {2}· {2}ping -$/)]);
      expect(hosting.status).toBe('Turned eve away: wrong password');
      expect((await host.waitForLine(/^SHP_CLIPBOARD (.*)$/, 10_000))[1], 'Copy puts the grouped code on the clipboard').toBe(hosting.code);
      // And once the game started, a square per peer, bob's moved by bob, pings, and no Start game
      const game = shotsIn([(await host.waitForLine(/^SHP_SHOT .*"stage":"game"/, 40_000)).input!])[0]!;
      expect(game.buttons).toEqual(['Stop taking players', 'Leave', 'Copy', 'Remove']);
      expect(game.rows).toEqual(['hana  ·  you, host', expect.stringMatching(/^bob {2}· {2}(local|public) {2}· {2}ping \d+ ms$/)]);
      expect(game.squares).toEqual({ hana: [24, 48], bob: [224, 168] });
      expect(game.arena_ink, 'two coloured squares drawn').toBeGreaterThan(2 * 28 * 28 * 0.9);
      expect(game.status).toMatch(/^In the game/);
      for (const shot of [hosting, game]) {
        expectPng(shot);
        shots.set(shot.stage, shot);
      }
      // And the password holds for a player who joins the running game too
      const malSaid = (await join('mal', 'guess', code).waitForLine(/^SHP_ERROR (.+)$/, 30_000))[1]!;
      expect(malSaid, 'a sentence, not a key').not.toMatch(/^[A-Z_]+(: |$)/);
      // And a player who joins the running game shows in bob's lobby beside the host
      join('kim', 'swordfish', code);
      const rows = JSON.parse((await bob.waitForLine(/^SHP_ROWS (\[.*kim {2}· {2}(local|public) {2}· {2}ping \d+ ms.*\])$/, 40_000))[1]!) as string[];
      expect(rows).toEqual(expect.arrayContaining(['bob  ·  you', expect.stringMatching(/^hana {2}· {2}host {2}· {2}(local|public) {2}· {2}ping \d+ ms$/)]));
      expect(rows.filter((r) => /^(eve|mal) /.test(r)), 'turned away, never listed').toEqual([]);
      writeFileSync(resolve(dir, 'leave'), '');
      // When the host leaves, bob's lobby says so in words and is back at the start
      await host.waitForLine(/^SHP_LEFT$/, 40_000);
      rmSync(resolve(dir, 'leave'), { force: true });
      const leftSaid = (await bob.waitForLine(/^SHP_ERROR (.+)$/, 30_000))[1]!;
      expect(leftSaid).not.toMatch(/^[A-Z_]+(: |$)/);
      await bob.waitForLine(/^SHP_ROWS \[\]$/, 30_000);
      // No error raised from the lobby's scripts: a script error, or an engine error with a GDScript backtrace
      expect([host, ...players].flatMap((p) => p.lines.filter((l) => /SCRIPT ERROR|GDScript backtrace/.test(l)))).toEqual([]);
    } finally {
      host.kill();
      for (const player of players) player.kill();
      server.process.kill();
    }
  }, 180_000);

  it('gives each stage a picture of its own, and the README shows each', () => {
    expect([...shots.keys()].sort()).toEqual([...STAGES].sort());
    expect(new Set([...shots.values()].map((s) => s.hash)).size, 'no two stages look alike').toBe(STAGES.length);
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    for (const stage of STAGES) {
      expect(readme.includes(`(docs/lobby/${stage}.png)`), `README.md shows docs/lobby/${stage}.png`).toBe(true);
      const bytes = readFileSync(resolve(ROOT, 'docs/lobby', `${stage}.png`));
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], `docs/lobby/${stage}.png`).toEqual(SIZE);
    }
  });
});
