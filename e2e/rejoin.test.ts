/**
 * Rejoining after a drop, as separate headless Godot processes against the real server: the tiny
 * game `godot-demo/snippets/rejoin_game.gd` (a host with rejoin_grace, a player ticking by RPC).
 * A player's connection is cut by stopping its process (SIGSTOP: nothing goes out or is read, as in
 * an outage), then let go on (SIGCONT): it notices the silence, rejoins by itself with the same
 * code, and is back in the same game under the same key, with a new ENet peer id and no ghost of
 * the old one. A rejoin after the grace, and one that claims a player's key without its secret,
 * are refused each with a failure of its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { godotPath, ROOT } from '../ci/harness/godot.ts';
import { type RunningServer, startServer, Watched } from '../ci/harness/processes.ts';

const running: Array<{ kill(): void }> = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill();
});

const WAIT = 20_000;
/** From the end of a cut to back in the game: the silence noticed (game_timeout, 1 s), the join through the server, ENet's connect, with margin for a loaded machine. */
const BACK_BOUND_S = 6;

function game(label: string, args: string[], env: Record<string, string> = {}, scene = 'res://snippets/rejoin_game.tscn'): Watched {
  const child = spawn(godotPath(), ['--headless', '--path', resolve(ROOT, 'godot-demo'), scene, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  const watched = new Watched(child, label);
  running.push(watched);
  return watched;
}

async function server(): Promise<RunningServer> {
  const started = await startServer();
  running.push(started.process);
  return started;
}

/** A host and ann in its game, ticking; ann's key and her peer id on the host. */
async function hostAndAnn(grace: number, commands = ''): Promise<{ host: Watched; ann: Watched; code: string; key: string; id: number }> {
  const { key: serverKey } = await server();
  const host = game('host', ['host', serverKey], { REJOIN_GRACE: String(grace) });
  const code = (await host.waitForLine(/^code ([a-z]+)$/, WAIT))[1]!;
  const ann = game('ann', ['join', code, 'ann'], { GAME_COMMANDS: commands });
  const joined = await host.waitForLine(/^joined ann ([a-z]{12}) path=\w+$/, WAIT);
  const connected = await host.waitForLine(/^peer (\d+) connected$/, WAIT);
  await ann.waitForLine(/^tock \d+$/, WAIT);
  return { host, ann, code, key: joined[1]!, id: Number(connected[1]) };
}

function cut(p: Watched): void {
  process.kill(p.child.pid!, 'SIGSTOP');
}

function resume(p: Watched): number {
  process.kill(p.child.pid!, 'SIGCONT');
  return Date.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

describe('a player whose connection dropped', () => {
  it('rejoins the same game under the same key, with a new peer id and no ghost of the old connection', async () => {
    const { host, ann, key, id } = await hostAndAnn(10);
    // When ann's connection is cut for 3 s
    cut(ann);
    await host.waitForLine(new RegExp(`^left ann ${key} dropped$`), WAIT);
    await host.waitForLine(new RegExp(`^peer ${id} disconnected; peers now \\[\\]$`), WAIT);
    await sleep(1500);
    const resumed = resume(ann);
    // Then she notices, rejoins by herself, and the host lets her in under her old key
    await ann.waitForLine(/^rejoining$/, WAIT);
    await host.waitForLine(new RegExp(`^joined ann ${key} path=\\w+$`), WAIT);
    const back = await host.waitForLine(new RegExp(`^peer (?!${id} )(\\d+) connected$`), WAIT);
    const backAfter = (Date.now() - resumed) / 1000;
    const newId = Number(back[1]);
    expect(newId).not.toBe(id);
    // And the game goes on: her ticks answered again
    const tocks = ann.lines.filter((l) => l.startsWith('tock ')).length;
    await ann.waitForLine(/^in the game as peer \d+$/, WAIT);
    await expect.poll(() => ann.lines.filter((l) => l.startsWith('tock ')).length, { timeout: WAIT }).toBeGreaterThan(tocks + 1);
    expect(backAfter).toBeLessThan(BACK_BOUND_S);
    console.log(`back in the game ${backAfter.toFixed(2)} s after the cut ended`);
    // Never a HOST_LEFT, never another key, no second drop
    expect(ann.lines.filter((l) => l.startsWith('failed'))).toEqual([]);
    expect(host.lines.filter((l) => l.startsWith('joined ')).length).toBe(2);
    expect(host.lines.filter((l) => l.startsWith('left ')).length).toBe(1);
    expect(ann.lines.filter((l) => l.startsWith('joined host ')).length).toBe(1); // The host stayed listed: no second player_joined.
  });

  it('is refused with REJOIN_EXPIRED once the host\'s grace ended', async () => {
    const { host, ann, key } = await hostAndAnn(2);
    cut(ann);
    await host.waitForLine(new RegExp(`^left ann ${key} dropped$`), WAIT);
    await host.waitForLine(new RegExp(`^left ann ${key} left$`), WAIT);
    resume(ann);
    await ann.waitForLine(/^rejoining$/, WAIT);
    await ann.waitForLine(/^failed REJOIN_EXPIRED$/, WAIT);
    expect(await ann.exited).toBe(3);
    expect(host.lines.filter((l) => l.startsWith('joined ')).length).toBe(1);
  });

  it('cannot be impersonated: a stranger who claims its key without its secret gets REJOIN_REFUSED', async () => {
    const { host, ann, code, key } = await hostAndAnn(10);
    cut(ann);
    await host.waitForLine(new RegExp(`^left ann ${key} dropped$`), WAIT);
    const stranger = game('stranger', ['join', code, 'ann'], { CLAIM_KEY: key }, 'res://snippets/rejoin_stranger.tscn');
    await stranger.waitForLine(/^failed REJOIN_REFUSED$/, WAIT);
    await host.waitForLine(/^refused ann [a-z]{12} rejoin_refused$/, WAIT);
    // And ann herself, back, still gets her place
    resume(ann);
    await host.waitForLine(new RegExp(`^joined ann ${key} path=\\w+$`), WAIT);
  });

  it('that left has left: no rejoin, and the host hears left at once', async () => {
    const commands = join(mkdtempSync(join(tmpdir(), 'shp-rejoin-')), 'commands');
    writeFileSync(commands, '');
    const { host, key } = await hostAndAnn(10, commands);
    writeFileSync(commands, 'leave\n'); // The game calls leave() and quits.
    await host.waitForLine(new RegExp(`^left ann ${key} left$`), WAIT);
    expect(host.lines.filter((l) => l.includes('dropped'))).toEqual([]);
    rmSync(dirname(commands), { recursive: true, force: true });
  });
});
