/**
 * The session's password, enforced by the host's node: the real server and headless Godot players
 * in separate processes, each with its own HolePunch node, before the game and as late joiners.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Player, type PlayerEvent, startPlayer, startServer } from '../ci/harness/processes.ts';
import { cleanedAfterEach, succeeded } from './test-processes.ts';

const { running, dirs } = cleanedAfterEach();

/** Waits for [p]'s failure, then stops it (a refused player has nothing more to do). */
async function refused(p: Player): Promise<PlayerEvent> {
  const line = await p.waitForLine(/^SHP_EVENT .*"event":"failed"/, 20_000); // Its keys come sorted: "detail" first.
  p.kill();
  return JSON.parse(line.input!.slice(10)) as PlayerEvent;
}

describe('passwords on loopback, checked by the host\'s node', () => {
  it('a wrong password is refused before the game and as a late joiner; the right one gets in both times', async () => {
    // Given a host with a password whose game keeps its session open for one late joiner
    const server = await startServer();
    running.push(server.process);
    const dir = mkdtempSync(join(tmpdir(), 'shp-password-'));
    dirs.push(dir);
    const host = startPlayer({ role: 'host', alias: 'hana', serverKey: server.key, expectPeers: 1, latePeers: 1, password: 'swordfish', timeout: 60 });
    running.push(host);
    const code = String((await host.waitForEvent('start_session', 20_000)).key);
    // When a player with the wrong password joins before the game, it is refused by the node
    const eve = startPlayer({ role: 'join', alias: 'eve', session: code, managed: true, password: 'guess', timeout: 30 });
    running.push(eve);
    expect(await refused(eve)).toMatchObject({ reason: 'WRONG_PASSWORD' });
    // And one with the right password (the host closes its session in player_joined) gets in
    const sessionFile = join(dir, 'session');
    const jo = startPlayer({ role: 'join', alias: 'jo', sessionFile, managed: true, expectOthers: 1, password: 'swordfish', payload: 'v1', timeout: 40 });
    running.push(jo);
    writeFileSync(sessionFile, code);
    await host.waitForEvent('rpc_pong', 20_000);
    // When a late joiner brings the wrong password, it is refused too
    const mallory = startPlayer({ role: 'join', alias: 'mallory', session: code, managed: true, password: 'guess', timeout: 30 });
    running.push(mallory);
    expect(await refused(mallory)).toMatchObject({ reason: 'WRONG_PASSWORD' });
    // And a late joiner with the right one gets into the running game
    const kim = startPlayer({ role: 'join', alias: 'kim', session: code, managed: true, expectOthers: 1, password: 'swordfish' });
    running.push(kim);
    await Promise.all([host, jo, kim].map(succeeded));
    // Then the host heard both refusals and never a player_joined for them
    expect(host.eventsNamed('player_refused').map((e) => [e.alias, e.reason])).toEqual([['eve', 'wrong_password'], ['mallory', 'wrong_password']]);
    expect(host.eventsNamed('player_joined').map((e) => e.alias)).toEqual(['jo', 'kim']);
    // Each payload came just before its player_joined, the empty one too
    const order = host.events.filter((e) => e.event === 'player_payload' || e.event === 'player_joined').map((e) => `${e.event} ${String(e.payload ?? e.alias)}`);
    expect(order).toEqual(['player_payload v1', 'player_joined jo', 'player_payload ', 'player_joined kim']);
    expect(host.eventsNamed('rpc_pong').map((e) => e.from).sort()).toEqual(['jo', 'kim']);
  });
});
