/**
 * The demo lobby on a real (virtual) screen: Godot with Mesa's software renderer under xvfb-run
 * renders the lobby as a host sees it, saves a screenshot, and reports what the picture holds
 * where the lobby put its parts (ci/provision-render.sh provides xvfb and the renderer).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { godotPath, importProject, ROOT } from '../ci/harness/godot.ts';
import { startServer, Watched } from '../ci/harness/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'shp-lobby-'));
let renderer = '';
beforeAll(() => {
  renderer = execFileSync('bash', [resolve(ROOT, 'ci/provision-render.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 280_000 }).trim();
  importProject('godot-demo');
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo lobby', () => {
  it('renders the host\'s lobby: players with their paths, host controls, the failure in red', () => {
    const png = join(dir, 'lobby.png');
    const out = execFileSync(renderer, ['--path', resolve(ROOT, 'godot-demo'), '-s', 'res://lobby/screenshot.gd', '--', `--png=${png}`], {
      encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = out.split('\n').find((l) => l.startsWith('SHP_LOBBY '));
    expect(line, out).toBeDefined();
    const report = JSON.parse(line!.slice('SHP_LOBBY '.length)) as Record<string, unknown>;
    expect(report).toMatchObject({ saved: true, host_controls: true, status: 'Share this code: qucycyahjiuvcyahcyah' });
    expect(report.rows).toEqual(['Zoë  ·  public  ·  ping -', 'bob  ·  relay  ·  ping -']);
    expect(report.error_red as number, 'red text where the error label is').toBeGreaterThan(200);
    expect(report.player_ink as number, 'text where the player list is').toBeGreaterThan(500);
    // A real PNG of the window's size
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([report.width, report.height]);
    expect(out).not.toMatch(/SCRIPT ERROR/);
  });

  it('hosts a real session: the player joins, the game starts, a ping comes back, all on screen; a late joiner shows in the first player\'s lobby', async () => {
    // Given a server, and the lobby hosting on a (virtual) screen
    const server = await startServer();
    const png = join(dir, 'session.png');
    const host = new Watched(spawn(renderer, ['--path', resolve(ROOT, 'godot-demo'), '-s', 'res://lobby/screenshot.gd', '--',
      `--png=${png}`, `--server-key=${server.key}`, '--role=host'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true }), 'lobby host');
    let joiner: Watched | undefined;
    let late: Watched | undefined;
    try {
      const code = (await host.waitForLine(/^SHP_CODE ([a-z]+)$/, 30_000))[1]!;
      // When a player's lobby joins with the code
      joiner = new Watched(spawn(godotPath(), ['--headless', '--path', resolve(ROOT, 'godot-demo'), '-s', 'res://lobby/screenshot.gd', '--',
        `--server-key=${server.key}`, '--role=join', `--code=${code}`], { stdio: ['ignore', 'pipe', 'pipe'] }), 'lobby player');
      // Then the host's lobby shows the player with its path and a measured ping
      const line = (await host.waitForLine(/^SHP_LOBBY (.*)$/, 40_000))[1]!;
      const report = JSON.parse(line) as { rows: string[]; saved: boolean; player_ink: number; status: string };
      expect(report.saved).toBe(true);
      expect(report.rows).toHaveLength(1);
      expect(report.rows[0]).toMatch(/^bob {2}· {2}(local|public) {2}· {2}ping \d+ ms$/);
      expect(report.status).toMatch(/^In the game as peer 1/);
      expect(report.player_ink).toBeGreaterThan(200);
      // And when another player joins the running game, the first player's lobby lists it too,
      // with its path and a ping, beside the host
      late = new Watched(spawn(godotPath(), ['--headless', '--path', resolve(ROOT, 'godot-demo'), '-s', 'res://lobby/screenshot.gd', '--',
        `--server-key=${server.key}`, '--role=join', `--code=${code}`, '--alias=kim'], { stdio: ['ignore', 'pipe', 'pipe'] }), 'lobby late player');
      const rows = JSON.parse((await joiner.waitForLine(/^SHP_ROWS (\[.*kim {2}· {2}(local|public) {2}· {2}ping \d+ ms.*\])$/, 40_000))[1]!) as string[];
      expect(rows).toHaveLength(2);
      expect(rows).toContainEqual(expect.stringMatching(/^hana {2}· {2}(local|public) {2}· {2}ping \d+ ms$/));
      expect([...host.lines, ...joiner.lines, ...late.lines].filter((l) => /SCRIPT ERROR/.test(l))).toEqual([]);
    } finally {
      host.kill();
      joiner?.kill();
      late?.kill();
      server.process.kill();
    }
  });
});
