/**
 * End to end on loopback: the real server process and real headless Godot players, with ENet
 * started on the handed-over ports and an RPC answered both ways.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeKey } from '../server/src/generated/protocol.ts';
import { LossyRelay } from './lossy-relay.ts';
import { type Player, type RunningServer, startPlayer, startServer } from '../ci/harness/processes.ts';
import { succeeded } from './test-processes.ts';

const running: Array<{ kill(): void }> = [];
const relays: LossyRelay[] = [];

afterEach(() => {
  for (const p of running.splice(0)) p.kill();
  for (const r of relays.splice(0)) r.close();
});

async function server(): Promise<RunningServer> {
  const s = await startServer();
  running.push(s.process);
  return s;
}

function player(...args: Parameters<typeof startPlayer>): Player {
  const p = startPlayer(...args);
  running.push(p);
  return p;
}


/** Seconds from the host's first event to the last ENet connection among [players]. */
function secondsToConnect(host: Player, players: readonly Player[]): number {
  const start = host.eventsNamed('begin')[0]!.wall;
  const connected = players.flatMap((p) => p.eventsNamed('enet_connected').map((e) => e.wall));
  return Math.max(...connected) - start;
}

/**
 * Starts a host and its joiners as processes first, then lets the host begin and hands the code
 * over through a file the joiners poll: the timing then covers the protocol, not process start-up.
 */
async function hostAndJoin(serverKey: string, joiners: readonly string[], timeout = 20): Promise<{ host: Player; clients: Player[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'shp-e2e-'));
  try {
    const goFile = join(dir, 'go');
    const sessionFile = join(dir, 'session');
    const host = player({ role: 'host', alias: 'hana', serverKey, expectPeers: joiners.length, timeout, goFile });
    const clients = joiners.map((alias) => player({ role: 'join', alias, sessionFile, timeout }));
    await Promise.all([host, ...clients].map((p) => p.waitForEvent('ready', 30_000)));
    writeFileSync(goFile, 'go');
    writeFileSync(sessionFile, String((await host.waitForEvent('start_session', timeout * 1000)).key));
    await Promise.all([host, ...clients].map(succeeded));
    return { host, clients };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loopback, real server and headless Godot', () => {
  it('connects a host and two joiners: names, handover, ENet and RPCs both ways', async () => {
    // Given a server and a host whose game expects two players
    const { key } = await server();
    // When two players join with the host's code
    const { host, clients } = await hostAndJoin(key, ['jo', 'kim']);
    // Then the host learned both names, closed, served, and exchanged RPCs with both
    expect(host.eventsNamed('new_name').map((e) => e.name).sort()).toEqual(['jo', 'kim']);
    expect(host.eventsNamed('start_server')).toHaveLength(1);
    expect(host.eventsNamed('enet_connected')).toHaveLength(2);
    expect(host.eventsNamed('rpc_pong').map((e) => e.from).sort()).toEqual(['jo', 'kim']);
    expect(host.eventsNamed('rpc_ping').map((e) => e.from).sort()).toEqual(['jo', 'kim']);
    const hostPort = Number(host.eventsNamed('start_server')[0]!.port);
    for (const client of clients) {
      expect(client.eventsNamed('new_name').map((e) => e.name)).toContain('hana');
      const start = client.eventsNamed('start_client')[0]!;
      expect(start).toMatchObject({ ip: '127.0.0.1', port: hostPort });
      expect(client.eventsNamed('rpc_pong').map((e) => e.from)).toEqual(['hana']);
    }
    // And the host's ENet saw each client at the port that client punched from
    const clientPorts = clients.map((c) => Number(c.eventsNamed('start_client')[0]!.local_port)).sort();
    expect(host.eventsNamed('enet_connected').map((e) => Number(e.peer_port)).sort()).toEqual(clientPorts);
    console.log(`host_session to both ENet peers connected (1 host, 2 joiners): ${(secondsToConnect(host, [host, ...clients]) * 1000).toFixed(0)} ms`);
  });

  it('pairs two strangers at random', async () => {
    const { key } = await server();
    const first = player({ role: 'random', alias: 'ria', serverKey: key });
    await first.waitForEvent('begin', 20_000);
    const second = player({ role: 'random', alias: 'rob', serverKey: key });
    await Promise.all([first, second].map(succeeded));
    for (const p of [first, second]) {
      expect(p.eventsNamed('start_random')).toHaveLength(1);
      expect(p.eventsNamed('enet_connected')).toHaveLength(1);
    }
    // Exactly one of them became the game server.
    expect([first, second].filter((p) => p.eventsNamed('start_server').length === 1)).toHaveLength(1);
    expect(first.eventsNamed('new_name').map((e) => e.name)).toEqual(['rob']);
  });

  it('reports bad_session for a code the server does not know', async () => {
    const { key } = await server();
    const session = `${key}cyahcyahcyahcyah`;
    const joiner = player({ role: 'join', alias: 'lost', session });
    expect(await joiner.exited).toBe(3);
    expect(joiner.eventsNamed('bad_session')).toEqual([expect.objectContaining({ key: session })]);
  });

  it('reports bad_server within the configured time when no server answers', async () => {
    // A port nobody listens on: the server we start and stop at once.
    const s = await server();
    s.process.kill();
    await s.process.exited;
    const host = player({ role: 'host', alias: 'alone', serverKey: s.key, serverTimeout: 1.5 });
    expect(await host.exited).toBe(3);
    const [begin] = host.eventsNamed('begin');
    const [bad] = host.eventsNamed('bad_server');
    expect(bad).toMatchObject({ key: s.key });
    const waited = bad!.wall - begin!.wall;
    expect(waited).toBeGreaterThanOrEqual(1.4);
    expect(waited).toBeLessThan(3);
  });

  it('connects through a relay that drops 30% and duplicates 10% of datagrams to and from the server', async () => {
    // Given a lossy relay in front of the server, and a server whose codes name the relay
    // (--public-port), so hosts and joiners alike talk to the server through it
    const relay = new LossyRelay({ loss: 0.3, duplicate: 0.1, seed: 20261124 });
    relays.push(relay);
    const front = await relay.listen();
    const s = await startServer(['--public-port', String(front.port)]);
    running.push(s.process);
    relay.setServer({ address: '127.0.0.1', port: s.port });
    expect(decodeKey(s.key)).toEqual({ address: '127.0.0.1', port: front.port });
    // When a host and two joiners go through a whole session
    const { host, clients } = await hostAndJoin(s.key, ['lu', 'max'], 30);
    // Then everyone connected, although the relay dropped and duplicated datagrams
    expect(host.eventsNamed('rpc_pong')).toHaveLength(2);
    for (const c of clients) expect(c.eventsNamed('rpc_pong')).toHaveLength(1);
    expect(relay.stats.dropped).toBeGreaterThan(0);
    expect(relay.stats.duplicated).toBeGreaterThan(0);
    console.log(`lossy relay: ${JSON.stringify(relay.stats)}; connected in ${(secondsToConnect(host, [host, ...clients]) * 1000).toFixed(0)} ms`);
  });
});
