/** Named fixtures for server tests: a real server on a loopback port and real client sockets. */
import dgram from 'node:dgram';
import { afterEach } from 'vitest';
import { type Config, DEFAULT_CONFIG } from '../src/config.ts';
import { encodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { RendezvousServer } from '../src/rendezvous-server.ts';

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

/** Servers and sockets the fixtures opened, for [closeAfterEach]. */
const opened = { servers: new Set<RendezvousServer>(), clients: new Set<TestClient>() };

/** After each test of the file that calls this, closes every server and client socket the fixtures opened. */
export function closeAfterEach(): void {
  afterEach(async () => {
    for (const c of opened.clients) c.close();
    opened.clients.clear();
    const servers = [...opened.servers];
    opened.servers.clear();
    await Promise.all(servers.map((server) => server.close()));
  });
}

/** A client's UDP socket on loopback that records what it receives. */
export class TestClient {
  readonly received: string[] = [];
  private readonly socket = dgram.createSocket('udp4');
  private waiters: Array<() => void> = [];
  port = 0;

  private constructor(readonly address: string) {}

  /** A socket on [address] (any of 127/8 on Linux), so tests can play several source addresses. */
  static async open(address = '127.0.0.1'): Promise<TestClient> {
    const client = new TestClient(address);
    await new Promise<void>((done) => client.socket.bind(0, address, done));
    client.port = client.socket.address().port;
    opened.clients.add(client);
    client.socket.on('message', (data) => {
      client.received.push(data.toString('latin1'));
      for (const wake of client.waiters.splice(0)) wake();
    });
    return client;
  }

  /** This client's key as the server sees it. */
  get key(): string {
    return encodeKey({ address: this.address, port: this.port });
  }

  send(to: Endpoint, data: string | Uint8Array): void {
    this.socket.send(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, to.port, to.address);
  }

  /**
   * Sends and resolves with the next [count] datagrams received. A JS or RS answered with RC is
   * resent at once with its cookie, as our node does, and what follows is returned.
   */
  async request(to: Endpoint, data: string, count = 1): Promise<string[]> {
    const before = this.received.length;
    this.send(to, data);
    const [first] = await this.next(before, 1);
    if (first!.startsWith('RC:') && /^(JS|RS):/.test(data)) {
      this.received.splice(before, 1); // Taken here: indexes stay as without the cookie.
      return this.request(to, withCookie(data, first!), count);
    }
    return this.next(before, count);
  }

  async next(from: number, count = 1, ms = 2000): Promise<string[]> {
    const deadline = Date.now() + ms;
    while (this.received.length < from + count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} datagram(s), got ${this.received.slice(from).join(' | ') || 'none'}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
    return this.received.slice(from, from + count);
  }

  /** Waits briefly and returns whatever arrived since [from]: for asserting that nothing came. */
  async quiet(from: number, ms = 100): Promise<string[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received.slice(from);
  }

  close(): void {
    if (!opened.clients.delete(this)) return; // Closed already.
    this.socket.close();
  }
}

/**
 * [request] (a JS or RS with a nonce) with the cookie of [rc] (the RC that answered it) added
 * after the extension fields, which it fills as our node does (unknown, zeros) where absent.
 */
export function withCookie(request: string, rc: string): string {
  const parts = request.split(':');
  const base = parts[0] === 'JS' ? 3 : 2;
  const defaults = ['', 'unknown', NO_TOKEN, NO_TOKEN, NO_TOKEN];
  const fields = parts.slice(0, base);
  for (let i = 0; i < defaults.length; i++) fields.push(parts[base + i] ?? defaults[i]!);
  return [...fields, rc.split(':')[1]!].join(':');
}

/** An IPv6 field not claimed, in a request that carries a cookie. */
export const NO_TOKEN = 'cy'.repeat(8);

/** Sends a datagram and waits until the server has counted it (received or dropped). */
export async function settle(running: Running, client: TestClient, data: string | Uint8Array): Promise<void> {
  const { stats } = running.server;
  const before = stats.total(stats.received) + stats.total(stats.dropped);
  client.send(running.address, data);
  const deadline = Date.now() + 2000;
  while (stats.total(stats.received) + stats.total(stats.dropped) === before) {
    if (Date.now() > deadline) throw new Error('the server never counted the datagram');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Waits until [condition] holds (the server counts asynchronously); throws after 2 s. */
export async function waitUntil(condition: () => boolean, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Sends [count] copies of [data] and waits until the server has counted them all. */
export async function flood(running: Running, client: TestClient, data: string | Uint8Array, count: number): Promise<void> {
  const { stats } = running.server;
  const counted = () => stats.total(stats.received) + stats.total(stats.dropped);
  const before = counted();
  for (let i = 0; i < count; i++) client.send(running.address, data);
  await waitUntil(() => counted() >= before + count, `${count} datagrams counted`);
}
