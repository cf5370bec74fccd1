/**
 * A relay node's door: a bind is let in only with a grant signed for this node and this pair,
 * unexpired, and not used by another endpoint before. Checked with the shared secret alone: no
 * Redis on the data path. Refusals are counted by reason.
 */
import { checkGrant, type GrantRefusal, type GrantRole } from './relay-grant.ts';
import { GrantLedger } from './grant-ledger.ts';

export type GateRefusal = GrantRefusal | 'replayed' | 'full';
export type GateAnswer = { readonly admitted: 'first' | 'resend'; readonly id: string; readonly role: GrantRole } | { readonly refused: GateRefusal };

export class GrantGate {
  readonly refused = new Map<GateRefusal, number>();
  private readonly ledger: GrantLedger;

  constructor(private readonly secret: string, private readonly node: string, maxGrants: number) {
    this.ledger = new GrantLedger(maxGrants);
  }

  /** A bind from [from] (address and port) for the pair with [peerIp], carrying [grant]. */
  admit(grant: string, from: { address: string; port: number }, peerIp: string, nowMs: number): GateAnswer {
    const check = checkGrant(this.secret, this.node, grant, from.address, peerIp, nowMs);
    if (!check.ok) return this.refuse(check.reason);
    const use = this.ledger.use(check.id, from.address, `${from.address}:${from.port}`, check.expiresAtMs, nowMs);
    if (use === 'replayed' || use === 'full') return this.refuse(use);
    return { admitted: use, id: check.id, role: check.role };
  }

  sweep(nowMs: number): void {
    this.ledger.sweep(nowMs);
  }

  private refuse(reason: GateRefusal): GateAnswer {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
    return { refused: reason };
  }
}
