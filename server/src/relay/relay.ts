/**
 * One relay: a UDP port on the server's public address joining the two sides of a pair that
 * could not punch. Each side binds by sending RB with its own token from its punching socket;
 * after that the relay forwards every datagram from one bound address to the other, byte for
 * byte, within its bandwidth. Anything from any other address is dropped and counted.
 */
import { decode, encode, type Endpoint } from '../generated/protocol.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { ServerStats } from '../stats.ts';

export interface RelaySocket {
  readonly port: number;
  send(datagram: Uint8Array, to: Endpoint): void;
  onMessage(handler: (datagram: Buffer, from: Endpoint) => void): void;
  close(): void;
}

export interface RelaySide {
  /** The side's public key as the rendezvous port saw it. */
  readonly key: string;
  readonly token: string;
  bound: Endpoint | null;
}

export interface RelayLimits {
  /** Per relay (keyed by port) and in total (keyed by "total"), in bytes a second. */
  readonly bandwidth: RateLimiter;
  readonly totalBandwidth: RateLimiter;
}

const same = (a: Endpoint | null, b: Endpoint) => a !== null && a.address === b.address && a.port === b.port;

export class Relay {
  readonly createdAt: number;
  lastActive: number;
  bytes = 0;
  datagrams = 0;

  constructor(
    readonly id: string,
    readonly sides: readonly [RelaySide, RelaySide],
    private readonly socket: RelaySocket,
    private readonly limits: RelayLimits,
    private readonly stats: ServerStats,
    private readonly now: () => number,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
  ) {
    this.createdAt = now();
    this.lastActive = this.createdAt;
    socket.onMessage((datagram, from) => this.receive(datagram, from));
  }

  get port(): number {
    return this.socket.port;
  }

  private drop(reason: string): void {
    this.stats.count(this.stats.relayDropped, reason);
  }

  private receive(datagram: Buffer, from: Endpoint): void {
    const side = this.sides.find((s) => same(s.bound, from));
    const bind = this.bindToken(datagram);
    if (!side) {
      const claimed = bind === null ? undefined : this.sides.find((s) => s.token === bind);
      if (!claimed) return this.drop('stranger');
      if (claimed.bound !== null) return this.drop('spoofed_bind'); // Its side is bound elsewhere.
      claimed.bound = { address: from.address, port: from.port };
      this.log('relay_bound', { relay: this.id, port: this.port, side: claimed.key, from: `${from.address}:${from.port}` });
      this.answerBind(claimed, from);
      return;
    }
    if (bind === side.token) return this.answerBind(side, from); // A resend, or a keep-alive.
    const other = side === this.sides[0] ? this.sides[1] : this.sides[0];
    if (other.bound === null) return this.drop('peer_unbound');
    const now = this.now();
    if (!this.limits.bandwidth.allow(this.id, now, datagram.length) || !this.limits.totalBandwidth.allow('total', now, datagram.length)) {
      return this.drop('bandwidth');
    }
    this.lastActive = now;
    this.bytes += datagram.length;
    this.datagrams++;
    this.stats.relayedBytes += datagram.length;
    this.stats.relayedDatagrams++;
    this.socket.send(datagram, other.bound);
  }

  /** The token of a valid RB datagram, or null for anything else. */
  private bindToken(datagram: Buffer): string | null {
    if (datagram.length > 32 || datagram[0] !== 0x52 || datagram[1] !== 0x42) return null; // "RB"
    const result = decode(datagram);
    return result.ok && result.message.code === 'RB' ? result.message.token : null;
  }

  private answerBind(side: RelaySide, to: Endpoint): void {
    this.lastActive = this.now();
    // RA is exactly as long as the RB it answers: no amplification.
    this.socket.send(Buffer.from(encode({ code: 'RA', token: side.token }), 'latin1'), to);
  }

  close(reason: string): void {
    this.socket.close();
    this.stats.relaysClosed++;
    this.log('relay_closed', {
      relay: this.id, port: this.port, reason, bytes: this.bytes, datagrams: this.datagrams,
      seconds: Math.round((this.now() - this.createdAt) / 1000),
    });
  }
}
