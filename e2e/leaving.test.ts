/**
 * Leaving, as separate headless Godot processes against the real server: a host that quits or
 * crashes while hosting leaves no code behind for a joiner to be fooled by, and a host that quits or
 * crashes mid-game is heard by every client as HOST_LEFT within a stated bound.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Player, type PlayerEvent, type RunningServer, startPlayer, startServer } from '../ci/harness/processes.ts';

const running: Array<{ kill(): void }> = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A client hears a host that quit within this (its ENet disconnect arrives at once). */
const QUIT_BOUND_S = 2;
/** A client hears a crashed host within game_timeout (5 s) and ENet's ping interval, with margin. */
const CRASH_BOUND_S = 5 + 2;

async function server(): Promise<RunningServer> {
  const started = await startServer();
  running.push(started.process);
  return started;
}

/** The first [event] of [p], whatever keys sort before "event" in its line. */
async function eventOf(p: Player, event: string, ms = 20_000): Promise<PlayerEvent> {
  const match = await p.waitForLine(new RegExp(`^SHP_EVENT .*"event":"${event}"`), ms);
  return JSON.parse(match.input!.slice(10)) as PlayerEvent;
}

function kill(p: Player): number {
  const at = Date.now() / 1000;
  p.kill();
  return at;
}

describe('a host that goes while hosting', () => {
  for (const how of ['quit', 'free'] as const) {
    it(`a host whose game ${how === 'quit' ? 'quits' : 'frees its node'} ends its session: a joiner with the code gets CODE_UNKNOWN at once`, async () => {
      const { key } = await server();
      const host = startPlayer({ role: 'host', alias: 'hana', serverKey: key, leaveOn: 'start_session', leaveHow: how });
      running.push(host);
      const code = String((await host.waitForEvent('start_session', 20_000)).key);
      expect(await host.exited).toBe(0);
      const joiner = startPlayer({ role: 'join', alias: 'jo', session: code });
      running.push(joiner);
      const failed = await eventOf(joiner, 'failed');
      expect(failed.reason).toBe('CODE_UNKNOWN');
      expect(await joiner.exited).toBe(3); // bad_session, the older signal, ends the scenario.
      expect(joiner.eventsNamed('start_session')).toEqual([]);
      expect(failed.wall - joiner.eventsNamed('begin')[0]!.wall).toBeLessThan(2);
    });
  }

  it('a host that crashed while hosting: a joiner with its code hears HOST_LEFT, never a relay failure', async () => {
    const { key } = await server();
    const host = startPlayer({ role: 'host', alias: 'hana', serverKey: key });
    running.push(host);
    const code = String((await host.waitForEvent('start_session', 20_000)).key);
    kill(host);
    const joiner = startPlayer({ role: 'join', alias: 'jo', session: code });
    running.push(joiner);
    const failed = await eventOf(joiner, 'failed');
    expect(failed.reason).toBe('HOST_LEFT');
    // The server ends the session when its host stays silent for --host-silence (5 s) after a joiner came.
    expect(failed.wall - joiner.eventsNamed('begin')[0]!.wall).toBeLessThan(9); // Generous: the machine may be loaded.
    // And a later joiner is told at once that the code is gone
    const late = startPlayer({ role: 'join', alias: 'kim', session: code });
    running.push(late);
    expect((await eventOf(late, 'failed')).reason).toBe('CODE_UNKNOWN');
  });
});

describe('a host that goes mid-game', () => {
  async function game(how: 'quit' | 'kill'): Promise<{ host: Player; clients: Player[]; goneAt: () => Promise<number> }> {
    const { key } = await server();
    const dir = mkdtempSync(join(tmpdir(), 'shp-leaving-'));
    dirs.push(dir);
    const sessionFile = join(dir, 'session');
    const host = startPlayer({ role: 'host', alias: 'hana', serverKey: key, expectPeers: 2, managed: true, leaveOn: how === 'quit' ? 'done' : undefined, timeout: 40 });
    const clients = ['jo', 'kim'].map((alias) => startPlayer({ role: 'join', alias, sessionFile, managed: true, stay: true, timeout: 40 }));
    running.push(host, ...clients);
    writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
    await Promise.all(clients.map((c) => c.waitForEvent('done', 20_000)));
    const goneAt = async () => {
      if (how === 'kill') {
        await host.waitForEvent('done', 5_000);
        return kill(host);
      }
      return (await host.waitForEvent('host_leaving', 5_000)).wall;
    };
    return { host, clients, goneAt };
  }

  for (const how of ['quit', 'kill'] as const) {
    const bound = how === 'quit' ? QUIT_BOUND_S : CRASH_BOUND_S;
    it(`a host whose game ${how === 'quit' ? 'quits (get_tree().quit())' : 'is killed'}: every client hears player_left for the host and HOST_LEFT within ${bound} s, and its player list empties`, async () => {
      const { host, clients, goneAt } = await game(how);
      const at = await goneAt();
      for (const client of clients) {
        const failed = await eventOf(client, 'failed');
        expect(failed.reason).toBe('HOST_LEFT');
        console.log(`${client.label}: HOST_LEFT ${(failed.wall - at).toFixed(2)} s after the host ${how === 'quit' ? 'quit' : 'was killed'}`);
        expect(failed.wall - at).toBeLessThan(bound);
        // Then the players it still knows: nobody
        await client.waitForLine(/^SHP_EVENT \{"event":"players","players":\{\},"wall"/, 5_000);
        expect(await client.exited).toBe(0);
        expect(client.eventsNamed('failed')).toHaveLength(1);
        const hostKey = String(client.eventsNamed('player_joined')[0]!.key);
        expect(client.eventsNamed('player_left')).toContainEqual(expect.objectContaining({ key: hostKey, alias: 'hana', reason: 'left' }));
      }
      if (how === 'quit') expect(await host.exited).toBe(0);
    });
  }
});
