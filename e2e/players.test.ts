/**
 * Players with identities on loopback: the real server and headless Godot players whose HolePunch
 * node starts ENet itself (manage_game_peer).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Player, startPlayer, startServer } from '../ci/harness/processes.ts';
import { cleanedAfterEach, succeeded } from './test-processes.ts';

const { running, dirs } = cleanedAfterEach();

describe('players on loopback, the node owning ENet', () => {
  it('two players with the same alias both join, connect and exchange RPCs with the host', async () => {
    // Given a server, a host expecting two players, and two players both called "bob"
    const server = await startServer();
    running.push(server.process);
    const dir = mkdtempSync(join(tmpdir(), 'shp-players-'));
    dirs.push(dir);
    const sessionFile = join(dir, 'session');
    const host = startPlayer({ role: 'host', alias: 'hana', serverKey: server.key, expectPeers: 2, managed: true });
    const bobs = [0, 1].map(() => startPlayer({ role: 'join', alias: 'bob', sessionFile, managed: true }));
    running.push(host, ...bobs);
    // When they join with the host's code
    writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
    await Promise.all([host, ...bobs].map(succeeded));
    // Then the host saw two players under two keys, and the node's ENet carried RPCs both ways
    const joined = host.eventsNamed('player_joined');
    expect(joined.map((e) => e.alias)).toEqual(['bob', 'bob']);
    expect(new Set(joined.map((e) => e.key)).size).toBe(2);
    expect(host.eventsNamed('game_connected')).toHaveLength(1);
    expect(host.eventsNamed('rpc_pong').map((e) => e.from)).toEqual(['bob', 'bob']);
    for (const bob of bobs) {
      // The host, from punching; the other bob, from the host's roster.
      expect(bob.eventsNamed('player_joined').map((e) => e.alias)).toEqual(['hana', 'bob']);
      expect(bob.eventsNamed('game_connected')).toHaveLength(1);
      expect(bob.eventsNamed('rpc_pong').map((e) => e.from)).toEqual(['hana']);
      expect(bob.eventsNamed('enet_retry')).toEqual([]);
    }
  });

  it('a late joiner joins the running game with the same code: RPCs both ways with the host and the player already in', async () => {
    // Given a host whose game started with one player and keeps its session open
    const server = await startServer();
    running.push(server.process);
    const dir = mkdtempSync(join(tmpdir(), 'shp-late-'));
    dirs.push(dir);
    const sessionFile = join(dir, 'session');
    const host = startPlayer({ role: 'host', alias: 'hana', serverKey: server.key, expectPeers: 1, latePeers: 1, timeout: 30 });
    const first = startPlayer({ role: 'join', alias: 'jo', sessionFile, managed: true, expectOthers: 1, timeout: 30 });
    running.push(host, first);
    const code = String((await host.waitForEvent('start_session', 20_000)).key);
    writeFileSync(sessionFile, code);
    await host.waitForEvent('rpc_pong', 20_000);
    // When another player joins later with the same code
    const late = startPlayer({ role: 'join', alias: 'kim', session: code, managed: true, expectOthers: 1 });
    running.push(late);
    await Promise.all([host, first, late].map(succeeded));
    // Then it was punched through the running game's socket and exchanged RPCs with the host
    expect(host.eventsNamed('start_server')).toHaveLength(1);
    expect(host.eventsNamed('enet_connected')).toHaveLength(2);
    expect(host.eventsNamed('rpc_pong').map((e) => e.from).sort()).toEqual(['jo', 'kim']);
    // The host knows the late joiner as a player like the first: by key, with its alias and payload
    const joined = host.eventsNamed('player_joined');
    expect(joined.map((e) => e.alias)).toEqual(['jo', 'kim']);
    const kimKey = String(joined[1]!.key);
    // Each with its payload, empty too: the first before the handover, the late one over the game connection
    expect(host.eventsNamed('player_payload')).toEqual([
      expect.objectContaining({ key: String(joined[0]!.key), payload: '' }), expect.objectContaining({ key: kimKey, payload: '' }),
    ]);
    const idOf = (p: Player) => Number(p.eventsNamed('game_connected')[0]!.peer_id);
    expect(host.eventsNamed('players').at(-1)!.players).toMatchObject({ [kimKey]: { alias: 'kim', path: 'public', peer_id: idOf(late) } });
    // And each client knows the other, with its ENet peer id, from the host's roster
    const joKey = String(joined[0]!.key);
    expect(first.eventsNamed('player_joined').map((e) => e.alias)).toEqual(['hana', 'kim']);
    expect(late.eventsNamed('player_joined').map((e) => e.alias)).toEqual(['hana', 'jo']);
    expect(first.eventsNamed('players')[0]!.players).toMatchObject({ [kimKey]: { alias: 'kim', path: 'public', peer_id: idOf(late) } });
    expect(late.eventsNamed('players')[0]!.players).toMatchObject({ [joKey]: { alias: 'jo', path: 'public', peer_id: idOf(first) } });
    // Each knows the host as its game does: peer 1, with the round trip ENet measures (not -1, as before the game)
    const hostKey = String(first.eventsNamed('player_joined')[0]!.key);
    for (const client of [first, late]) {
      const known = (client.eventsNamed('players')[0]!.players as Record<string, { peer_id: number; rtt: number }>)[hostKey];
      expect(known, `${client.label} knows the host`).toMatchObject({ alias: 'hana', peer_id: 1 });
      expect(known!.rtt, `${client.label}: the host's round trip`).toBeGreaterThanOrEqual(0);
    }
    const hostPort = Number(host.eventsNamed('start_server')[0]!.port);
    expect(late.eventsNamed('start_client')[0]).toMatchObject({ ip: '127.0.0.1', port: hostPort });
    expect(late.eventsNamed('rpc_pong').map((e) => e.from).sort()).toEqual(['hana', 'jo']);
    expect(first.eventsNamed('rpc_pong').map((e) => e.from).sort()).toEqual(['hana', 'kim']);
  });
});
