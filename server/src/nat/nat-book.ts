/**
 * NAT types (and IPv6 addresses) that nodes of ours report in HS, JS and RS, passed on to their
 * peers in JR and NJ. Kept per public endpoint, the latest report winning, in a map bounded by
 * [max] entries (the oldest report goes first), so nothing a flood sends grows it. They travel
 * only after a pair's secret (both sides ours): an original peer never sees them. An IPv6 address
 * is kept only with a valid proof (ip6-proof.ts) for it, the local key's port and the request's
 * nonce: a peer will punch it, so it must be the claimant's own. A server without an IPv6
 * address of its own (no --public-ip6) can prove none, and passes none on.
 */
import { decodeKey, type JoinRegistered, type Message, type NewJoiner } from '../generated/protocol.ts';
import type { Ip6Proof } from './ip6-proof.ts';

/** The placeholder of an IPv6 field not claimed: all zeros. */
const NO_IP6 = 'cy'.repeat(8);

export interface NatReport {
  readonly nat: NonNullable<NewJoiner['joinerNat']>;
  readonly ip6Prefix: string | undefined;
  readonly ip6Host: string | undefined;
}

/** What became of a request's IPv6 address: none claimed, kept with its proof, or dropped without one. */
export type Ip6Verdict = 'none' | 'proven' | 'unproven';

export class NatBook {
  private readonly reports = new Map<string, NatReport>();

  constructor(
    private readonly max: number,
    private readonly proof: Ip6Proof | null,
  ) {}

  get size(): number {
    return this.reports.size;
  }

  /** Notes what a request from [remoteKey] reported, if it reported anything; says what became of its IPv6 address. */
  record(message: Message, remoteKey: string): Ip6Verdict {
    if (message.code !== 'HS' && message.code !== 'JS' && message.code !== 'RS') return 'none';
    if (message.nat === undefined) return 'none';
    const verdict = this.verdict(message);
    const proven = verdict === 'proven';
    this.reports.delete(remoteKey); // Re-inserted last: the newest report leaves last.
    if (message.nat === 'unknown' && !proven) return verdict; // Nothing to pass on (a cookie's resend fills nat with it).
    this.reports.set(remoteKey, { nat: message.nat, ip6Prefix: proven ? message.ip6Prefix : undefined, ip6Host: proven ? message.ip6Host : undefined });
    if (this.reports.size > this.max) this.reports.delete(this.reports.keys().next().value!);
    return verdict;
  }

  /** [message] with the other side's report added, when it is JR or NJ to a pair of ours. */
  decorate(message: Message): Message {
    if (message.code === 'JR' && message.secret) {
      const r = this.reports.get(message.hostRemoteKey);
      if (r) return { ...message, hostNat: r.nat, hostIp6Prefix: r.ip6Prefix, hostIp6Host: r.ip6Host } satisfies JoinRegistered;
    }
    if (message.code === 'NJ' && message.secret) {
      const r = this.reports.get(message.joinerRemoteKey);
      if (r) return { ...message, joinerNat: r.nat, joinerIp6Prefix: r.ip6Prefix, joinerIp6Host: r.ip6Host } satisfies NewJoiner;
    }
    return message;
  }

  private verdict(message: Extract<Message, { code: 'HS' | 'JS' | 'RS' }>): Ip6Verdict {
    const { ip6Prefix: prefix, ip6Host: host, ip6Proof: proof, nonce } = message;
    // Zeros hold the place of an address not claimed, before a cookie (see RC).
    if ((prefix === undefined || prefix === NO_IP6) && (host === undefined || host === NO_IP6)) return 'none';
    const port = decodeKey(message.localKey)?.port ?? 0;
    const ok = this.proof !== null && prefix !== undefined && host !== undefined && proof !== undefined && nonce !== undefined && port > 0
      && this.proof.verify({ prefix, host, port, nonce, proof });
    return ok ? 'proven' : 'unproven';
  }
}
