/** Named fixtures for server tests: a real server on a loopback port and real client sockets (UdpClient). */
import { afterEach } from 'vitest';
import { type Config, DEFAULT_CONFIG } from '../src/config.ts';
import { encodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { RendezvousServer } from '../src/rendezvous-server.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { waitUntil } from '../../ci/harness/wait-until.ts';

export { NO_TOKEN, UdpClient, withCookie } from '../../ci/harness/udp-client.ts';
export { waitUntil };

export const LOCAL_KEY = encodeKey({ address: '10.0.0.2', port: 4000 });
export const OTHER_LOCAL_KEY = encodeKey({ address: '10.0.0.3', port: 4001 });

export interface TestClock { now: number; readonly read: () => number }

export function testClock(start = 1_000_000): TestClock {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

export interface Running {
  readonly server: RendezvousServer;
  readonly address: Endpoint;
  readonly clock: TestClock;
  readonly events: Array<{ event: string; fields: Record<string, unknown> }>;
}

/**
 * The defaults, on a free loopback port, with relays off, no rate limit and no sweeps (tests
 * call expire themselves); [overrides] name what a test changes.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...DEFAULT_CONFIG, port: 0, bind: '127.0.0.1', publicIp: '127.0.0.1', sweepIntervalMs: 3_600_000, rate: 0, maxTracked: 1000,
    relayPorts: null, ...overrides,
  };
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<Running> {
  const clock = testClock();
  const events: Running['events'] = [];
  const server = new RendezvousServer({
    config: testConfig(overrides),
    now: clock.read,
    log: (event, fields) => events.push({ event, fields }),
  });
  const address = await server.listen();
  opened.servers.add(server);
  return { server, address, clock, events };
}

/** Servers the fixtures started, for [closeAfterEach]. */
const opened = { servers: new Set<RendezvousServer>() };

/** After each test of the file that calls this, closes every server the fixtures started and every client socket. */
export function closeAfterEach(): void {
  afterEach(async () => {
    UdpClient.closeAll();
    const servers = [...opened.servers];
    opened.servers.clear();
    await Promise.all(servers.map((server) => server.close()));
  });
}

/** Sends a datagram and waits until the server has counted it (received or dropped). */
export async function settle(running: Running, client: UdpClient, data: string | Uint8Array): Promise<void> {
  const { stats } = running.server;
  const before = stats.total(stats.received) + stats.total(stats.dropped);
  client.send(running.address, data);
  const deadline = Date.now() + 2000;
  while (stats.total(stats.received) + stats.total(stats.dropped) === before) {
    if (Date.now() > deadline) throw new Error('the server never counted the datagram');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Sends [count] copies of [data] and waits until the server has counted them all. */
export async function flood(running: Running, client: UdpClient, data: string | Uint8Array, count: number): Promise<void> {
  const { stats } = running.server;
  const counted = () => stats.total(stats.received) + stats.total(stats.dropped);
  const before = counted();
  for (let i = 0; i < count; i++) client.send(running.address, data);
  await waitUntil(() => counted() >= before + count, `${count} datagrams counted`);
}
