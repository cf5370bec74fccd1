/**
 * One relay: the two sides of a pair that could not punch, joined on one of the server's relay
 * ports. Each side binds by sending RB with its own token from its punching socket, from the IP
 * address it asked from; the relay port then tells the pair's datagrams apart from every other
 * pair's by their source address, and forwards them to the other side byte for byte.
 */
import type { Endpoint } from '../generated/protocol.ts';
import type { Bucket } from './fair-bandwidth.ts';

export interface RelaySide {
  /** The side's public key as the rendezvous port saw it. */
  readonly key: string;
  /** The IP address the side asked from: the only one it may bind from. */
  readonly ip: string;
  readonly token: string;
  /** The nonce of the side's latest RQ, echoed in RG. */
  nonce: string | undefined;
  bound: Endpoint | null;
  /** When this side's traffic last counted as its activity in the session. */
  heardAt: number;
}

export class Relay {
  readonly createdAt: number;
  /** When the relay last forwarded a datagram (or opened): RB keep-alives do not count. */
  lastForward: number;
  bytes = 0;
  datagrams = 0;

  constructor(
    readonly id: string,
    readonly sessionId: string,
    /** The relay port (its index in the server's relay set) both sides use. */
    readonly portIndex: number,
    readonly sides: readonly [RelaySide, RelaySide],
    readonly bucket: Bucket,
    now: number,
  ) {
    this.createdAt = now;
    this.lastForward = now;
  }

  other(side: RelaySide): RelaySide {
    return side === this.sides[0] ? this.sides[1] : this.sides[0];
  }

  side(key: string): RelaySide | undefined {
    return this.sides.find((s) => s.key === key);
  }

  /** The side IPs, for the per-address quotas. */
  get ips(): [string, string] {
    return [this.sides[0].ip, this.sides[1].ip];
  }
}
