/**
 * Loopback sockets for the attack suite: every participant binds its own 127.x.y.z address, so
 * the server's per-address and per-network limits see many clients, as on the internet.
 */
import dgram from 'node:dgram';
import { decode, encode, encodeKey, type Endpoint, type Message } from '../../server/src/generated/protocol.ts';

/** A datagram as it arrived: the decoded message when it is one, and the raw bytes. */
export interface Arrival {
  readonly message: Message | null;
  readonly data: Buffer;
  readonly from: Endpoint;
}

type Listener = (arrival: Arrival) => void;

/** One UDP socket on one loopback address, with listeners and awaitable arrivals. */
export class Peer {
  readonly socket: dgram.Socket;
  private readonly listeners = new Set<Listener>();
  private closed = false;
  /** Set once bound. */
  endpoint: Endpoint = { address: '0.0.0.0', port: 0 };

  constructor() {
    // The kernel's default buffers drop bursts when the event loop is busy; a larger one keeps
    // a busy attack process from counting its own drops as the server's.
    this.socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    this.socket.on('error', () => {}); // ICMP unreachable and the like: the flow's timeout tells.
    this.socket.on('message', (data, from) => {
      const decoded = decode(data);
      const arrival: Arrival = { message: decoded.ok ? decoded.message : null, data, from: { address: from.address, port: from.port } };
      for (const listener of [...this.listeners]) listener(arrival);
    });
  }

  static async bind(address: string, port = 0): Promise<Peer> {
    const peer = new Peer();
    await new Promise<void>((done, fail) => {
      peer.socket.once('error', fail);
      peer.socket.bind(port, address, () => {
        peer.socket.off('error', fail);
        done();
      });
    });
    const bound = peer.socket.address();
    peer.endpoint = { address: bound.address, port: bound.port };
    return peer;
  }

  /** This socket's key: what the server sees as its public address, and what it claims as LAN. */
  get key(): string {
    return encodeKey(this.endpoint);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(payload: Message | string | Uint8Array, to: Endpoint): void {
    if (this.closed) return;
    const data = typeof payload === 'string' ? Buffer.from(payload, 'latin1')
      : payload instanceof Uint8Array ? payload : Buffer.from(encode(payload), 'latin1');
    this.socket.send(data, to.port, to.address);
  }

  /** Resolves with the first arrival [accept] takes, or null after [ms]. */
  next(accept: (arrival: Arrival) => boolean, ms: number): Promise<Arrival | null> {
    return new Promise((done) => {
      const timer = setTimeout(() => { off(); done(null); }, ms);
      const off = this.on((arrival) => {
        if (!accept(arrival)) return;
        clearTimeout(timer);
        off();
        done(arrival);
      });
    });
  }

  /**
   * Sends [message] and resends it as the node does (after 0.1 s, doubling up to 1 s) until
   * [accept] takes an arrival; null when nothing came within [ms].
   */
  async request(message: Message | string, to: Endpoint, accept: (arrival: Arrival) => boolean, ms: number): Promise<Arrival | null> {
    const answer = this.next(accept, ms);
    let wait = 100;
    let done = false;
    void answer.then(() => { done = true; });
    const resend = async () => {
      while (!done && !this.closed) {
        this.send(message, to);
        await sleep(wait);
        wait = Math.min(wait * 2, 1000);
      }
    };
    void resend();
    return answer;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.socket.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Binds [count] sockets on [address(i)]. */
export function bindMany(count: number, address: (i: number) => string): Promise<Peer[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => Peer.bind(address(i))));
}

/**
 * A socket on an address no participant owns. Whatever arrives there was sent by the server or
 * by a legitimate peer to a third party on an attacker's word; the figure must stay 0.
 */
export class Canary {
  received = 0;
  bytes = 0;
  readonly senders = new Map<string, number>();

  private constructor(readonly peer: Peer) {
    peer.on((arrival) => {
      this.received++;
      this.bytes += arrival.data.length;
      const from = `${arrival.from.address}:${arrival.from.port}`;
      this.senders.set(from, (this.senders.get(from) ?? 0) + 1);
    });
  }

  static async open(address: string): Promise<Canary> {
    return new Canary(await Peer.bind(address));
  }

  get endpoint(): Endpoint {
    return this.peer.endpoint;
  }

  get key(): string {
    return this.peer.key;
  }
}

/** A loopback address from a /8 layout: 127.a.b.c, each part kept in 0..255 (c in 1..254). */
export function loopback(a: number, b: number, c: number): string {
  return `127.${a & 255}.${b & 255}.${1 + (c % 254)}`;
}
