/**
 * Token buckets by key: each address may send (or be sent) `rate` datagrams a second, with
 * bursts up to `burst` (or, with a cost per datagram, `rate` bytes a second). Memory is bounded: past `maxTracked` addresses the least recently seen
 * is forgotten (a forgotten address starts again with a full bucket, which costs an attacker
 * nothing it did not already have).
 */
export interface RateLimit {
  /** Datagrams a second; 0 switches the limit off. */
  readonly rate: number;
  readonly burst: number;
  readonly maxTracked: number;
}

interface Bucket { tokens: number; last: number }

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  /** Takes [cost] tokens for [address] at time [now] (ms); false when its bucket has too few. */
  allow(address: string, now: number, cost = 1): boolean {
    if (this.limit.rate <= 0) return true;
    let bucket = this.buckets.get(address);
    if (bucket) {
      this.buckets.delete(address); // Re-inserted below: the Map's order is recency.
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.last) / 1000) * this.limit.rate);
      bucket.last = now;
    } else {
      bucket = { tokens: this.limit.burst, last: now };
      if (this.buckets.size >= this.limit.maxTracked) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(address, bucket);
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  get tracked(): number {
    return this.buckets.size;
  }
}
