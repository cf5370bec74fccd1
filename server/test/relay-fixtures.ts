/**
 * Fixtures for relay tests: a server with relay ports, peers on any loopback address
 * (127.x.y.z, so tests can play many addresses and /24 networks), and the steps of a relayed
 * pair: a session, both RQs, both binds.
 */
import { decodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { closeAfterEach, LOCAL_KEY, type Running, startTestServer, type UdpClient, waitUntil } from './fixtures.ts';

/** [count] relay ports, each ephemeral. */
export const relayPorts = (count: number): number[] => Array.from({ length: count }, () => 0);

export function startRelayServer(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<Running> {
  return startTestServer({ relayPorts: relayPorts(4), ...overrides });
}

/** Datagrams the server has counted so far, received or dropped, on any port. */
export function counted(running: Running): number {
  const { stats } = running.server;
  return stats.total(stats.received) + stats.total(stats.dropped) + stats.total(stats.relayDropped) + stats.relayedDatagrams + stats.ignored;
}

/** Sends a datagram and waits until the server has counted it. */
export async function settle(running: Running, peer: UdpClient, to: Endpoint, data: string | Uint8Array): Promise<void> {
  const before = counted(running);
  peer.send(to, data);
  await waitUntil(() => counted(running) > before, `the server to count ${typeof data === 'string' ? data : 'a datagram'}`);
}

/** A session hosted by [host] with [joiners] in it; resolves with its id. */
export async function sessionOf(running: Running, host: UdpClient, joiners: readonly UdpClient[]): Promise<string> {
  const hr = await host.ask(running.address, `HS:${LOCAL_KEY}`);
  const id = hr.split(':')[2]!;
  for (const joiner of joiners) {
    const nj = host.received.length;
    await joiner.ask(running.address, `JS:${LOCAL_KEY}:${id}`);
    await host.nth(nj);
  }
  return id;
}

export interface Grant {
  readonly peerKey: string;
  readonly relay: Endpoint;
  readonly token: string;
}

export function parseGrant(rg: string): Grant {
  const [code, peerKey, relayKey, token] = rg.split(':');
  if (code !== 'RG') throw new Error(`expected RG, got ${rg}`);
  return { peerKey: peerKey!, relay: decodeKey(relayKey!)!, token: token! };
}

/** Both sides ask for a relay ([a] first); resolves with each side's grant. */
export async function grant(running: Running, a: UdpClient, b: UdpClient, id: string, bId = id): Promise<{ a: Grant; b: Grant }> {
  await settle(running, a, running.address, `RQ:${id}:${b.key}`);
  const [ia, ib] = [a.received.length, b.received.length];
  b.send(running.address, `RQ:${bId}:${a.key}`);
  return { a: parseGrant(await a.nth(ia)), b: parseGrant(await b.nth(ib)) };
}

/** Both sides bind to their relay; resolves once both have RA. */
export async function bindBoth(a: UdpClient, b: UdpClient, g: { a: Grant; b: Grant }): Promise<void> {
  const ra = await a.ask(g.a.relay, `RB:${g.a.token}`);
  const rb = await b.ask(g.b.relay, `RB:${g.b.token}`);
  if (ra !== `RA:${g.a.token}` || rb !== `RA:${g.b.token}`) throw new Error(`binding failed: ${ra}, ${rb}`);
}

/** A relayed pair, bound and ready: a session of [host] with [joiner], a relay between them. */
export async function relayedPair(running: Running, host: UdpClient, joiner: UdpClient): Promise<{ id: string; g: { a: Grant; b: Grant } }> {
  const id = await sessionOf(running, host, [joiner]);
  const g = await grant(running, host, joiner, id);
  await bindBoth(host, joiner, g);
  return { id, g };
}

/** A relay test file's set-up: `start` starts a relay server; servers and client sockets are closed after each test. */
export function relayPerTest(): { start: typeof startRelayServer } {
  closeAfterEach();
  return { start: startRelayServer };
}
