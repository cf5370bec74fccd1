/**
 * NP on the ports that answer nothing else: the probe port (NA, the source seen there) and the
 * rendezvous port on the server's IPv6 address (IA, the proof of that address and port). Apart
 * from the rendezvous port's datagrams, but under its rate limits, which it shares: an address
 * gets no more answers for sending to several ports. An answer is never longer than its NP.
 */
import { addressKey, type AddressKey, endpointKey } from './addresses.ts';
import type { Endpoint, Message, NatProbe } from './generated/protocol.ts';
import type { RateLimiter } from './limits/rate-limiter.ts';
import { ip6Bytes, ip6Tokens, network64 } from './nat/ip6-address.ts';
import { Ip6Proof } from './nat/ip6-proof.ts';
import { answerProbe, ip6Answer, looksLikeProbe, natAnswer, probeKey, type ServerSelf } from './nat/nat-probe.ts';
import type { ProbeReceiver } from './nat/probe-sockets.ts';
import type { DropReason, ServerStats } from './stats.ts';

export interface ProbeAnswersOptions {
  /** The server's public IPv6 address (--public-ip6); undefined without one. */
  readonly publicIp6: string | undefined;
  readonly now: () => number;
  readonly serverKey: () => string;
  /** The probe port's number once bound; undefined without one. */
  readonly probePort?: () => number | undefined;
}

/** The rendezvous port's limits: per address for what comes in, per destination endpoint and address for what goes out. */
export interface ProbeLimits {
  readonly inbound: RateLimiter;
  readonly outbound: RateLimiter;
  readonly outboundPerIp: RateLimiter;
}

export class ProbeAnswers implements ProbeReceiver {
  /** Proofs of IPv6 addresses (IA), or null without --public-ip6. */
  readonly proof: Ip6Proof | null;
  private readonly ip6: readonly [string, string] | undefined;

  constructor(private readonly options: ProbeAnswersOptions, private readonly limits: ProbeLimits, private readonly stats: ServerStats) {
    // Without --public-ip6, no IPv6 address is proven or passed on.
    const ip6 = options.publicIp6 ? ip6Bytes(options.publicIp6) : null;
    this.ip6 = ip6 ? ip6Tokens(ip6) : undefined;
    this.proof = ip6 ? new Ip6Proof(options.now) : null;
  }

  /**
   * A datagram on the probe port that no relay claimed: NP is answered there with NA (never longer
   * than NP), under the same per-address limits as the rendezvous port. Returns false when it was
   * not NP, so the caller counts it as its own.
   */
  receiveProbe(data: Uint8Array, from: Endpoint, reply: (datagram: Buffer) => void): boolean {
    return this.answer(data, from, addressKey(from.address), (np) => natAnswer(np, from, this.self()), reply);
  }

  /**
   * A datagram on the IPv6 rendezvous port from [address] (its source, parsed and usable): NP is
   * answered with IA, the proof of that address and port, sent there only and never longer than
   * the NP. Limits count per /64, which one holder can send from all of.
   */
  receiveProbe6(data: Uint8Array, from: Endpoint, address: Uint8Array, reply: (datagram: Buffer) => void): boolean {
    const proof = this.proof;
    if (!proof) return false;
    return this.answer(data, from, network64(address), (np) => ip6Answer(np, address, from.port, proof), reply);
  }

  /** What NA says about this server: its probe port and its IPv6 address. */
  self(): ServerSelf {
    return { probeKey: probeKey(this.options.serverKey(), this.options.probePort?.()), ip6: this.ip6 };
  }

  /** NP on a port that answers nothing else, per [limitKey]: answered with what [make] builds, when it is no longer. */
  private answer(data: Uint8Array, from: Endpoint, limitKey: AddressKey, make: (np: NatProbe) => Message, reply: (datagram: Buffer) => void): boolean {
    if (!looksLikeProbe(data)) return false;
    const now = this.options.now();
    if (!this.limits.inbound.allow(limitKey, now)) {
      this.drop('rate_limited');
      return true;
    }
    const answer = answerProbe(data, make);
    if (typeof answer === 'string') {
      this.drop(answer === 'amplification' ? 'amplification' : 'bad_field');
      return true;
    }
    this.stats.count(this.stats.received, 'NP');
    if (!this.limits.outbound.allow(endpointKey(from), now) || !this.limits.outboundPerIp.allow(limitKey, now)) {
      this.drop('send_rate_limited');
      return true;
    }
    this.stats.count(this.stats.sent, answer.toString('latin1', 0, 2));
    reply(answer);
    return true;
  }

  private drop(reason: DropReason): void {
    this.stats.count(this.stats.dropped, reason);
  }
}
