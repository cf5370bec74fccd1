/**
 * Fixtures for relay tests: a server with relay ports, peers on any loopback address
 * (127.x.y.z, so tests can play many addresses and /24 networks), and the steps of a relayed
 * pair: a session, both RQs, both binds.
 */
import dgram from 'node:dgram';
import { decodeKey, encodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { afterEach } from 'vitest';
import { closeAfterEach, LOCAL_KEY, type Running, startTestServer, withCookie } from './fixtures.ts';

/** [count] relay ports, each ephemeral. */
export const relayPorts = (count: number): number[] => Array.from({ length: count }, () => 0);

export function startRelayServer(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<Running> {
  return startTestServer({ relayPorts: relayPorts(4), ...overrides });
}

/** A UDP socket on one loopback address that records what it receives. */
export class Peer {
  readonly received: Buffer[] = [];
  private waiters: Array<() => void> = [];
  private constructor(private readonly socket: dgram.Socket, readonly address: string, readonly port: number) {
    socket.on('message', (data) => {
      this.received.push(data);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** A socket on [address]: IPv4, or IPv6 (::1) when it has a colon. */
  static async open(address = '127.0.0.1'): Promise<Peer> {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', ipv6Only: address.includes(':') });
    await new Promise<void>((done) => socket.bind(0, address, done));
    return new Peer(socket, address, socket.address().port);
  }

  get key(): string {
    return encodeKey({ address: this.address, port: this.port });
  }

  get endpoint(): Endpoint {
    return { address: this.address, port: this.port };
  }

  /** What arrived, as text. */
  get texts(): string[] {
    return this.received.map((b) => b.toString('latin1'));
  }

  send(to: Endpoint, data: string | Uint8Array): void {
    this.socket.send(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, to.port, to.address);
  }

  /** Resolves with the text of the datagram number [index] (0-based) once it arrived. */
  async nth(index: number, ms = 2000): Promise<string> {
    const deadline = Date.now() + ms;
    while (this.received.length <= index) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.key}: expected datagram #${index}, got ${this.texts.join(' | ') || 'none'}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
    return this.received[index]!.toString('latin1');
  }

  /** Sends and resolves with the next datagram. */
  /** Sends and resolves with the answer; a JS or RS answered with RC is resent with its cookie, as our node does. */
  async request(to: Endpoint, data: string): Promise<string> {
    const index = this.received.length;
    this.send(to, data);
    const answer = await this.nth(index);
    if (!answer.startsWith('RC:') || !/^(JS|RS):/.test(data)) return answer;
    this.received.splice(index, 1); // Taken here: indexes stay as without the cookie.
    return this.request(to, withCookie(data, answer));
  }

  close(): void {
    this.socket.close();
  }
}

/** Peers opened through [open] are closed by [closeAll]. */
export class Peers {
  private readonly all: Peer[] = [];

  async open(address = '127.0.0.1'): Promise<Peer> {
    const peer = await Peer.open(address);
    this.all.push(peer);
    return peer;
  }

  closeAll(): void {
    for (const p of this.all.splice(0)) p.close();
  }
}

/** Waits (polling, up to 2 s) until [done] holds: for datagrams the server handles asynchronously. */
export async function until(done: () => boolean, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Datagrams the server has counted so far, received or dropped, on any port. */
export function counted(running: Running): number {
  const { stats } = running.server;
  return stats.total(stats.received) + stats.total(stats.dropped) + stats.total(stats.relayDropped) + stats.relayedDatagrams + stats.ignored;
}

/** Sends a datagram and waits until the server has counted it. */
export async function settle(running: Running, peer: Peer, to: Endpoint, data: string | Uint8Array): Promise<void> {
  const before = counted(running);
  peer.send(to, data);
  await until(() => counted(running) > before, `the server to count ${typeof data === 'string' ? data : 'a datagram'}`);
}

/** A session hosted by [host] with [joiners] in it; resolves with its id. */
export async function sessionOf(running: Running, host: Peer, joiners: readonly Peer[]): Promise<string> {
  const hr = await host.request(running.address, `HS:${LOCAL_KEY}`);
  const id = hr.split(':')[2]!;
  for (const joiner of joiners) {
    const nj = host.received.length;
    await joiner.request(running.address, `JS:${LOCAL_KEY}:${id}`);
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
export async function grant(running: Running, a: Peer, b: Peer, id: string, bId = id): Promise<{ a: Grant; b: Grant }> {
  await settle(running, a, running.address, `RQ:${id}:${b.key}`);
  const [ia, ib] = [a.received.length, b.received.length];
  b.send(running.address, `RQ:${bId}:${a.key}`);
  return { a: parseGrant(await a.nth(ia)), b: parseGrant(await b.nth(ib)) };
}

/** Both sides bind to their relay; resolves once both have RA. */
export async function bindBoth(a: Peer, b: Peer, g: { a: Grant; b: Grant }): Promise<void> {
  const ra = await a.request(g.a.relay, `RB:${g.a.token}`);
  const rb = await b.request(g.b.relay, `RB:${g.b.token}`);
  if (ra !== `RA:${g.a.token}` || rb !== `RA:${g.b.token}`) throw new Error(`binding failed: ${ra}, ${rb}`);
}

/** A relayed pair, bound and ready: a session of [host] with [joiner], a relay between them. */
export async function relayedPair(running: Running, host: Peer, joiner: Peer): Promise<{ id: string; g: { a: Grant; b: Grant } }> {
  const id = await sessionOf(running, host, [joiner]);
  const g = await grant(running, host, joiner, id);
  await bindBoth(host, joiner, g);
  return { id, g };
}

/**
 * A relay test file's set-up: `start` starts a relay server, `peers` opens peer sockets; both are
 * closed after each test.
 */
export function relayPerTest(): { peers: Peers; start: typeof startRelayServer } {
  const peers = new Peers();
  closeAfterEach();
  afterEach(() => peers.closeAll());
  return { peers, start: startRelayServer };
}
