/**
 * Token buckets by key: each address may send (or be sent) `rate` datagrams a second, with
 * bursts up to `burst` (or, with a cost per datagram, `rate` bytes a second). Memory is bounded: past `maxTracked` addresses one of the
 * least recently seen half is forgotten (a forgotten address starts again with a full bucket,
 * which costs an attacker nothing it did not already have).
 */
export interface RateLimit {
  /** Datagrams a second (fractions allowed); 0 switches the limit off. */
  readonly rate: number;
  readonly burst: number;
  readonly maxTracked: number;
}

interface Bucket {
  tokens: number;
  last: number;
  /** When the bucket last moved to the back of the recency order, counted in moves and additions. */
  moved: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private moves = 0;

  constructor(private readonly limit: RateLimit) {}

  /** Takes [cost] tokens for [address] at time [now] (ms); false when its bucket has too few. */
  allow(address: string, now: number, cost = 1): boolean {
    if (this.limit.rate <= 0) return true;
    let bucket = this.buckets.get(address);
    if (bucket) {
      // The Map's order is recency, but a bucket moves to the back only once it is in the older
      // half: an address seen lately is never the next forgotten, and most calls change no Map.
      if (this.moves - bucket.moved > this.limit.maxTracked >> 1) {
        this.buckets.delete(address);
        this.buckets.set(address, bucket);
        bucket.moved = ++this.moves;
      }
      this.refill(bucket, now);
    } else {
      bucket = { tokens: this.limit.burst, last: now, moved: ++this.moves };
      if (this.buckets.size >= this.limit.maxTracked) this.buckets.delete(this.buckets.keys().next().value!);
      this.buckets.set(address, bucket);
    }
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Whether [address] has [cost] tokens now, taking none (and tracking nothing new). */
  peek(address: string, now: number, cost = 1): boolean {
    return this.tokens(address, now) >= cost;
  }

  /** Whether [address]'s bucket is full: it spent nothing lately (untracked addresses are). */
  isFull(address: string, now: number): boolean {
    return this.tokens(address, now) >= this.limit.burst;
  }

  get tracked(): number {
    return this.buckets.size;
  }

  private tokens(address: string, now: number): number {
    if (this.limit.rate <= 0) return Infinity;
    const bucket = this.buckets.get(address);
    if (!bucket) return this.limit.burst;
    this.refill(bucket, now);
    return bucket.tokens;
  }

  private refill(bucket: Bucket, now: number): void {
    // max(0, ...): a clock that never goes back is assumed, but a bucket is never drained by one.
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (Math.max(0, now - bucket.last) / 1000) * this.limit.rate);
    bucket.last = now;
  }
}
