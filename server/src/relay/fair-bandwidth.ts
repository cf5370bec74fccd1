/**
 * Relay bandwidth shared fairly. Each relay has its own token bucket, refilled at its fair share:
 * the per-relay cap, or the total divided among the relays that forwarded anything in the last
 * second, whichever is smaller. Busy relays together refill at most the total, so the total
 * holds (give or take one second's burst), and no number of other relays, however many small
 * datagrams they send, takes a relay's share from it. Idle relays take no share, so a single
 * busy relay may use up to the per-relay cap.
 */
export interface Bucket {
  tokens: number;
  last: number;
  /** When this relay last forwarded; -Infinity before its first datagram. */
  lastBusy: number;
  /** Whether it is in the busy set: read per datagram instead of a lookup in the set. */
  busy: boolean;
}

/** A relay counts as busy this long after it forwarded a datagram. */
const BUSY_MS = 1000;
/** How often the set of busy relays is recounted (not per datagram: it may hold thousands). */
const RECOUNT_MS = 100;

export class FairBandwidth {
  private readonly busy = new Set<Bucket>();
  private recountedAt = -Infinity;

  /** [perRelay] and [total] in bytes a second. */
  constructor(private readonly perRelay: number, private readonly total: number) {}

  newBucket(): Bucket {
    return { tokens: Number.NaN, last: 0, lastBusy: -Infinity, busy: false };
  }

  /** The bytes a second each busy relay may forward now. */
  share(now: number): number {
    this.recount(now);
    return Math.min(this.perRelay, this.total / Math.max(1, this.busy.size));
  }

  /** Takes [bytes] from [bucket] at time [now] (ms); false when its fair share is spent. */
  allow(bucket: Bucket, now: number, bytes: number): boolean {
    this.recount(now);
    if (!bucket.busy) {
      this.busy.add(bucket);
      bucket.busy = true;
    }
    bucket.lastBusy = now;
    const share = Math.min(this.perRelay, this.total / this.busy.size);
    // A bucket holds at most one second of its share; a new one starts full.
    bucket.tokens = Number.isNaN(bucket.tokens) ? share : Math.min(share, bucket.tokens + (Math.max(0, now - bucket.last) / 1000) * share);
    bucket.last = now;
    if (bucket.tokens < bytes) return false;
    bucket.tokens -= bytes;
    return true;
  }

  forget(bucket: Bucket): void {
    this.busy.delete(bucket);
    bucket.busy = false;
  }

  get busyRelays(): number {
    return this.busy.size;
  }

  private recount(now: number): void {
    if (now - this.recountedAt < RECOUNT_MS) return;
    this.recountedAt = now;
    for (const bucket of this.busy) {
      if (now - bucket.lastBusy > BUSY_MS) {
        this.busy.delete(bucket);
        bucket.busy = false;
      }
    }
  }
}
