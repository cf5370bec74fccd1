/**
 * The UDP client of the tests and the attack suite: one socket on one address (any of 127/8 on
 * Linux, or ::1), so a test can play many sources and /24 networks. It keeps what arrives, in
 * order, and can be awaited by count (`nth`, `next`, `request`) or by content (`waitFor`).
 */
import dgram from 'node:dgram';
import { decode, encode, encodeKey, type Endpoint, type Message } from '../../server/src/generated/protocol.ts';

/** A datagram as it arrived: its bytes, its text (latin1), the message when it decodes as one, and its source. */
export interface Arrival {
  readonly data: Buffer;
  readonly text: string;
  readonly message: Message | null;
  readonly from: Endpoint;
}

type Listener = (arrival: Arrival) => void;

export interface UdpClientOptions {
  /** The socket's receive buffer: a busy process under load drops less with a larger one. */
  readonly recvBufferSize?: number;
  /** Keep every arrival (the default); a client that floods for minutes only listens. */
  readonly keep?: boolean;
}

/** How long a test waits for a datagram it expects, unless told. */
const WAIT_MS = 2000;

export class UdpClient {
  /** Clients not closed yet, for [closeAll]. */
  private static readonly live = new Set<UdpClient>();
  /** What arrived, in order (unless opened with keep: false). */
  readonly arrivals: Arrival[] = [];
  private readonly listeners = new Set<Listener>();
  private closed = false;

  private constructor(private readonly socket: dgram.Socket, readonly address: string, readonly port: number, keep: boolean) {
    socket.on('error', () => {}); // ICMP unreachable and the like: the waiting side's timeout tells.
    socket.on('message', (data, from) => {
      const decoded = decode(data);
      const arrival: Arrival = {
        data, text: data.toString('latin1'), message: decoded.ok ? decoded.message : null, from: { address: from.address, port: from.port },
      };
      if (keep) this.arrivals.push(arrival);
      for (const listener of [...this.listeners]) listener(arrival);
    });
  }

  /** A socket bound to [address] (IPv6 when it has a colon) and [port] (0: a free one). */
  static async open(address = '127.0.0.1', port = 0, options: UdpClientOptions = {}): Promise<UdpClient> {
    const ip6 = address.includes(':');
    const socket = dgram.createSocket({ type: ip6 ? 'udp6' : 'udp4', ipv6Only: ip6, recvBufferSize: options.recvBufferSize });
    await new Promise<void>((done, fail) => {
      socket.once('error', fail);
      socket.bind(port, address, () => {
        socket.off('error', fail);
        done();
      });
    });
    const client = new UdpClient(socket, address, socket.address().port, options.keep ?? true);
    UdpClient.live.add(client);
    return client;
  }

  /** Closes every client not closed yet (a test file's clean-up). */
  static closeAll(): void {
    for (const client of [...UdpClient.live]) client.close();
  }

  /** This client's key as the server sees it. */
  get key(): string {
    return encodeKey(this.endpoint);
  }

  get endpoint(): Endpoint {
    return { address: this.address, port: this.port };
  }

  /** The text of what arrived, in order. */
  get received(): string[] {
    return this.arrivals.map((a) => a.text);
  }

  /** Sends a message (encoded), a text (latin1) or bytes; nothing once closed. */
  send(to: Endpoint, data: Message | string | Uint8Array): void {
    if (this.closed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data instanceof Uint8Array ? data : Buffer.from(encode(data), 'latin1');
    this.socket.send(bytes, to.port, to.address);
  }

  /** Calls [listener] with each arrival until the returned function is called. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the text of arrival number [index] (from 0) once it came; throws after [ms]. */
  async nth(index: number, ms = WAIT_MS): Promise<string> {
    return (await this.next(index, 1, ms))[0]!;
  }

  /** Resolves with the texts of arrivals [from] to [from] + [count] once they came; throws after [ms]. */
  async next(from: number, count = 1, ms = WAIT_MS): Promise<string[]> {
    if (this.arrivals.length < from + count) {
      const came = await this.waitFor(() => this.arrivals.length >= from + count, ms);
      if (!came && this.arrivals.length < from + count) {
        throw new Error(`${this.key}: expected ${count} datagram(s) from #${from}, got ${this.received.slice(from).join(' | ') || 'none'}`);
      }
    }
    return this.received.slice(from, from + count);
  }

  /**
   * Sends and resolves with the next [count] arrivals. A JS or RS answered with RC is resent at
   * once with its cookie, as our node does, and what follows is returned.
   */
  async request(to: Endpoint, data: string, count = 1): Promise<string[]> {
    const before = this.arrivals.length;
    this.send(to, data);
    const [first] = await this.next(before, 1);
    if (first!.startsWith('RC:') && /^(JS|RS):/.test(data)) {
      this.arrivals.splice(before, 1); // Taken here: indexes stay as without the cookie.
      return this.request(to, withCookie(data, first!), count);
    }
    return this.next(before, count);
  }

  /** [request] for one answer. */
  async ask(to: Endpoint, data: string): Promise<string> {
    return (await this.request(to, data))[0]!;
  }

  /** Waits [ms] and returns the texts of whatever arrived since [from]: for asserting that nothing came. */
  async quiet(from: number, ms = 100): Promise<string[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received.slice(from);
  }

  /** Resolves with the first arrival from now on that [accept] takes, or null after [ms]. */
  waitFor(accept: (arrival: Arrival) => boolean, ms: number): Promise<Arrival | null> {
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
  async resend(to: Endpoint, message: Message | string, accept: (arrival: Arrival) => boolean, ms: number): Promise<Arrival | null> {
    const answer = this.waitFor(accept, ms);
    let wait = 100;
    let done = false;
    void answer.then(() => { done = true; });
    void (async () => {
      while (!done && !this.closed) {
        this.send(to, message);
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 1000);
      }
    })();
    return answer;
  }

  /** Closes the socket; closing again does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    UdpClient.live.delete(this);
    this.listeners.clear();
    this.socket.close();
  }
}

/** An IPv6 field not claimed, in a request that carries a cookie. */
export const NO_TOKEN = 'cy'.repeat(8);

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
