/**
 * What a relay node remembers of the grants it accepted, so that each is used once: a grant's
 * side binds the first endpoint that presents it, and stays bound until the grant expires. The
 * same endpoint presenting it again is a resend (its RA was lost); any other endpoint presenting
 * it is a replay. Memory is bounded: when full, new grants are refused (never forgotten early,
 * which would let a replay through) until old ones expire.
 */
export type GrantUse = 'first' | 'resend' | 'replayed' | 'full';

export class GrantLedger {
  /** By grant id and side IP: the endpoint bound, and when the grant expires; oldest first. */
  private readonly used = new Map<string, { endpoint: string; expiresAtMs: number }>();

  constructor(private readonly maxGrants: number) {}

  /** [endpoint] (address:port) at [ip] presents the checked grant [id], good until [expiresAtMs]. */
  use(id: string, ip: string, endpoint: string, expiresAtMs: number, nowMs: number): GrantUse {
    const key = `${id} ${ip}`;
    const known = this.used.get(key);
    if (known) return known.endpoint === endpoint ? 'resend' : 'replayed';
    this.sweep(nowMs);
    if (this.used.size >= this.maxGrants) return 'full';
    this.used.set(key, { endpoint, expiresAtMs });
    return 'first';
  }

  get size(): number {
    return this.used.size;
  }

  /** Forgets grants past their expiry: they are refused as expired from then on. */
  sweep(nowMs: number): void {
    for (const [key, entry] of this.used) {
      // Insertion order is nearly expiry order (one lifetime for all grants); a few late ones wait a sweep.
      if (entry.expiresAtMs > nowMs) break;
      this.used.delete(key);
    }
  }
}
