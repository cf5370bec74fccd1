/**
 * The relays an instance holds on its own ports: by id, by session and by bind token, counted
 * against the limits (relays in all, per address and per /24). Opening and closing a relay keeps
 * every index and count together.
 */
import { newToken } from '../sessions/tokens.ts';
import { AddressQuota } from './address-quota.ts';
import type { Relay, RelaySide } from './relay.ts';

export interface RelayLimits {
  readonly maxRelays: number;
  readonly relaysPerIp: number;
  readonly relaysPerSubnet: number;
}

export class SessionRelays {
  private readonly relays = new Map<string, Relay>();
  private readonly bySession = new Map<string, Set<Relay>>();
  private readonly byToken = new Map<string, { relay: Relay; side: RelaySide }>();
  private readonly quota: AddressQuota;

  constructor(private readonly limits: RelayLimits) {
    this.quota = new AddressQuota({ perIp: limits.relaysPerIp, perSubnet: limits.relaysPerSubnet });
  }

  get size(): number {
    return this.relays.size;
  }

  get(id: string): Relay | undefined {
    return this.relays.get(id);
  }

  values(): IterableIterator<Relay> {
    return this.relays.values();
  }

  /** The relays of session [sessionId]. */
  ofSession(sessionId: string): ReadonlySet<Relay> {
    return this.bySession.get(sessionId) ?? new Set();
  }

  /** The relay and side bind token [token] belongs to. */
  claimedBy(token: string): { relay: Relay; side: RelaySide } | undefined {
    return this.byToken.get(token);
  }

  /**
   * Why a relay between [ips] cannot open within the limits, or null when it can. [giving], the
   * relay that gives way to it, counts as closed already: the new relay takes its place, and it
   * is closed only once this admits the new one.
   */
  refusal(ips: readonly string[], giving: Relay | undefined): 'relays_full' | 'per_ip_limit' | 'per_subnet_limit' | null {
    if (this.relays.size - (giving ? 1 : 0) >= this.limits.maxRelays) return 'relays_full';
    return this.quota.refusal(ips, giving?.ips);
  }

  add(relay: Relay): void {
    this.relays.set(relay.id, relay);
    let ofSession = this.bySession.get(relay.sessionId);
    if (!ofSession) this.bySession.set(relay.sessionId, (ofSession = new Set()));
    ofSession.add(relay);
    for (const side of relay.sides) this.byToken.set(side.token, { relay, side });
    this.quota.take(relay.ips);
  }

  /** Forgets [relay]; false when it is not held (closed already). */
  remove(relay: Relay): boolean {
    if (this.relays.get(relay.id) !== relay) return false;
    this.relays.delete(relay.id);
    const ofSession = this.bySession.get(relay.sessionId);
    ofSession?.delete(relay);
    if (ofSession?.size === 0) this.bySession.delete(relay.sessionId);
    for (const side of relay.sides) this.byToken.delete(side.token);
    this.quota.release(relay.ips);
    return true;
  }

  /** A bind token from a cryptographic random source, unique among open relays. */
  newToken(): string {
    for (;;) {
      const token = newToken();
      if (!this.byToken.has(token)) return token;
    }
  }
}
