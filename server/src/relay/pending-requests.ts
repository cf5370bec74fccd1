/**
 * Relay requests from one side of a pair, waiting for the other side to ask too. Bounded in
 * total, per requesting IP address and per /24, and forgotten after a while: one address can
 * neither fill the table nor hold its share of it for long.
 */
import type { Endpoint } from '../generated/protocol.ts';
import { AddressQuota, type QuotaLimits } from './address-quota.ts';

export interface Asker {
  readonly endpoint: Endpoint;
  readonly nonce: string | undefined;
  /** For a relay on a node: its round trips to the nodes, by node id, once it sent them. */
  readonly pings?: ReadonlyMap<string, number> | undefined;
  /** For a relay on a node: when it was last sent the candidate nodes (RN). */
  readonly listedAt?: number | undefined;
  /** For a rebind: the peer's address its grant names. */
  readonly peerIp?: string | undefined;
}

export interface Pending {
  readonly pairId: string;
  readonly sessionId: string;
  /** Who asked, by public key. */
  readonly asked: Map<string, Asker>;
  readonly at: number;
  /** The IP address whose quota this request holds: the first side's. */
  readonly holder: string;
}

export interface PendingLimits extends QuotaLimits {
  readonly total: number;
  /** A single-sided request is forgotten after this long. */
  readonly ms: number;
}

export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private readonly quota: AddressQuota;

  constructor(private readonly limits: PendingLimits) {
    this.quota = new AddressQuota(limits);
  }

  get size(): number {
    return this.pending.size;
  }

  get(pairId: string): Pending | undefined {
    return this.pending.get(pairId);
  }

  /**
   * Records that [fromKey] asked for the pair [pairId]; returns the pending request, or the
   * reason it was refused (the table or the asker's quota is full).
   */
  ask(pairId: string, sessionId: string, fromKey: string, asker: Asker, now: number): Pending | 'pending_full' | 'pending_per_ip_limit' | 'pending_per_subnet_limit' {
    let pending = this.pending.get(pairId);
    if (pending?.asked.has(fromKey)) {
      pending.asked.set(fromKey, asker); // A resend: the latest address and nonce.
      return pending;
    }
    if (!pending) {
      if (this.pending.size >= this.limits.total) return 'pending_full';
      const refusal = this.quota.refusal([asker.endpoint.address]);
      if (refusal) return `pending_${refusal}`;
      // Only the first side holds a quota slot: the second completes the pair, which ends the wait.
      pending = { pairId, sessionId, asked: new Map(), at: now, holder: asker.endpoint.address };
      this.quota.take([pending.holder]);
      this.pending.set(pairId, pending);
    }
    pending.asked.set(fromKey, asker);
    return pending;
  }

  remove(pending: Pending): void {
    if (this.pending.get(pending.pairId) !== pending) return;
    this.pending.delete(pending.pairId);
    this.quota.release([pending.holder]);
  }

  /** Forgets requests older than the limit. */
  sweep(now: number): void {
    for (const pending of [...this.pending.values()]) if (now - pending.at > this.limits.ms) this.remove(pending);
  }

  /** Forgets the requests of sessions that ended. */
  removeSessions(sessionIds: ReadonlySet<string>): void {
    for (const pending of [...this.pending.values()]) if (sessionIds.has(pending.sessionId)) this.remove(pending);
  }
}
