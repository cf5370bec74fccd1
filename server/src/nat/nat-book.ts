/**
 * NAT types (and IPv6 addresses) that nodes of ours report in HS, JS and RS, passed on to their
 * peers in JR and NJ. A report is read from the request being handled and kept with what the
 * request was accepted as (the host's session, the joiner's slot), so it lives and goes with them:
 * requests that were refused or dropped keep nothing, and no one network's joins can push out
 * another's reports. They travel only after a pair's secret (both sides ours): an original peer
 * never sees them. An IPv6 address is kept only with a valid proof (ip6-proof.ts) for it, the
 * local key's port and the request's nonce: a peer will punch it, so it must be the claimant's own.
 * A server without an IPv6 address of its own (no --public-ip6) can prove none, and passes none on.
 */
import { decodeKey, type JoinRegistered, type Message, type NewJoiner, NO_TOKEN } from '../generated/protocol.ts';
import type { Ip6Proof } from './ip6-proof.ts';

export interface NatReport {
  readonly nat: NonNullable<NewJoiner['joinerNat']>;
  readonly ip6Prefix: string | undefined;
  readonly ip6Host: string | undefined;
}

/** What became of a request's IPv6 address: none claimed, kept with its proof, or dropped without one. */
export type Ip6Verdict = 'none' | 'proven' | 'unproven';

/** What most requests report: nothing (one object for all of them, read-only). */
const NOTHING = Object.freeze({ report: undefined, verdict: 'none' as Ip6Verdict });

const plain = (nat: NatReport['nat']): NatReport => Object.freeze({ nat, ip6Prefix: undefined, ip6Host: undefined });
const PLAIN: Record<NatReport['nat'], NatReport> = {
  open: plain('open'), port_preserving: plain('port_preserving'), port_randomising: plain('port_randomising'), unknown: plain('unknown'),
};

/** The shared report of [nat]: compared by value, since a decoded word is no interned property name. */
function plainReport(nat: NatReport['nat']): NatReport {
  if (nat === 'port_preserving') return PLAIN.port_preserving;
  if (nat === 'port_randomising') return PLAIN.port_randomising;
  return nat === 'open' ? PLAIN.open : PLAIN.unknown;
}

export class NatBook {
  constructor(private readonly proof: Ip6Proof | null) {}

  /** What [message] reports, if it reports anything, and what became of its IPv6 address. */
  read(message: Message): { report: NatReport | undefined; verdict: Ip6Verdict } {
    if (message.code !== 'HS' && message.code !== 'JS' && message.code !== 'RS') return NOTHING;
    if (message.nat === undefined) return NOTHING;
    const verdict = this.verdict(message);
    const proven = verdict === 'proven';
    // Nothing to pass on (a request resent with its cookie names its NAT type even when unknown).
    if (message.nat === 'unknown' && !proven) return { report: undefined, verdict };
    // Without an IPv6 address a report is one of four, shared by every session and joiner that makes it.
    if (!proven) return { report: plainReport(message.nat), verdict };
    return { report: { nat: message.nat, ip6Prefix: message.ip6Prefix, ip6Host: message.ip6Host }, verdict };
  }

  private verdict(message: Extract<Message, { code: 'HS' | 'JS' | 'RS' }>): Ip6Verdict {
    const { ip6Prefix: prefix, ip6Host: host, ip6Proof: proof, nonce } = message;
    // Zeros hold the place of an address not claimed, before a cookie (see RC).
    if ((prefix === undefined || prefix === NO_TOKEN) && (host === undefined || host === NO_TOKEN)) return 'none';
    const port = decodeKey(message.localKey)?.port ?? 0;
    const ok = this.proof !== null && prefix !== undefined && host !== undefined && proof !== undefined && nonce !== undefined && port > 0
      && this.proof.verify({ prefix, host, port, nonce, proof });
    return ok ? 'proven' : 'unproven';
  }
}

/** JR's fields for the host's report, when the pair has a secret. */
export function hostNatFields(report: NatReport | undefined, secret: string | undefined): Partial<JoinRegistered> {
  return report && secret ? { hostNat: report.nat, hostIp6Prefix: report.ip6Prefix, hostIp6Host: report.ip6Host } : {};
}

/** NJ's fields for the joiner's report, when the pair has a secret. */
export function joinerNatFields(report: NatReport | undefined, secret: string | undefined): Partial<NewJoiner> {
  return report && secret ? { joinerNat: report.nat, joinerIp6Prefix: report.ip6Prefix, joinerIp6Host: report.ip6Host } : {};
}
