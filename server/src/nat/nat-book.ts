/**
 * NAT types (and global IPv6 addresses) that nodes of ours report in HS, JS and RS, passed on
 * to their peers in JR and NJ. Kept per public endpoint, the latest report winning, in a map
 * bounded by [max] entries (the oldest report goes first), so nothing a flood sends grows it.
 * They travel only after a pair's secret (both sides ours): an original peer never sees them.
 */
import type { JoinRegistered, Message, NewJoiner } from '../generated/protocol.ts';

export interface NatReport {
  readonly nat: NonNullable<NewJoiner['joinerNat']>;
  readonly ip6Prefix: string | undefined;
  readonly ip6Host: string | undefined;
}

export class NatBook {
  private readonly reports = new Map<string, NatReport>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.reports.size;
  }

  /** Notes what a request from [remoteKey] reported, if it reported anything. */
  record(message: Message, remoteKey: string): void {
    if (message.code !== 'HS' && message.code !== 'JS' && message.code !== 'RS') return;
    if (message.nat === undefined) return;
    this.reports.delete(remoteKey); // Re-inserted last: the newest report leaves last.
    this.reports.set(remoteKey, { nat: message.nat, ip6Prefix: message.ip6Prefix, ip6Host: message.ip6Host });
    if (this.reports.size > this.max) this.reports.delete(this.reports.keys().next().value!);
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
}
