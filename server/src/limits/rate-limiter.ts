import type { AddressKey } from '../addresses.ts';

/**
 * Token buckets by key (an address's number, mostly; see AddressKey): each address may send (or
 * be sent) `rate` datagrams a second, with bursts up to `burst` (or, with a cost per datagram,
 * `rate` bytes a second). Memory is bounded: past `maxTracked` addresses one of the least
 * recently seen half is forgotten (a forgotten address starts again with a full bucket, which
 * costs an attacker nothing it did not already have). A bucket is a slot in a typed array, found by a Map from key to slot number: no object
 * per address, and no boxed numbers for the garbage collector to trace. A slot's three numbers
 * are side by side, so a lookup reads one cache line rather than one in each of three arrays.
 */
export interface RateLimit {
  /** Datagrams a second (fractions allowed); 0 switches the limit off. */
  readonly rate: number;
  readonly burst: number;
  readonly maxTracked: number;
}

/** Slots allocated at first; the arrays double as addresses come, up to maxTracked. */
const INITIAL_SLOTS = 64;

export class RateLimiter {
  /** Key to slot; the Map's order is recency (see allow). */
  private readonly slots = new Map<AddressKey, number>();
  /**
   * Per slot s: its tokens at [3s], when they were last refilled at [3s + 1], and at [3s + 2]
   * when it last moved to the back of the recency order, counted in moves and additions (modulo 2^32).
   */
  private buckets = new Float64Array(INITIAL_SLOTS * 3);
  private moves = 0;
  /** The key last found and its slot: a datagram's checks look up its source more than once. */
  private lastKey: AddressKey | undefined;
  private lastSlot = -1;

  constructor(private readonly limit: RateLimit) {}

  /** Takes [cost] tokens for [address] at time [now] (ms); false when its bucket has too few. */
  allow(address: AddressKey, now: number, cost = 1): boolean {
    if (this.limit.rate <= 0) return true;
    let slot = this.find(address);
    if (slot !== undefined) {
      // A bucket moves to the back only once it is in the older half: an address seen lately is
      // never the next forgotten, and most calls change no Map.
      if (((this.moves - this.buckets[3 * slot + 2]!) >>> 0) > this.limit.maxTracked >> 1) {
        this.slots.delete(address);
        this.slots.set(address, slot);
        this.buckets[3 * slot + 2] = this.moves = (this.moves + 1) >>> 0;
      }
      this.refill(slot, now);
    } else {
      slot = this.add(address, now);
    }
    if (this.buckets[3 * slot]! < cost) return false;
    this.buckets[3 * slot]! -= cost;
    return true;
  }

  /** Whether [address] has [cost] tokens now, taking none (and tracking nothing new). */
  peek(address: AddressKey, now: number, cost = 1): boolean {
    return this.tokens(address, now) >= cost;
  }

  /** Whether [address]'s bucket is full: it spent nothing lately (untracked addresses are). */
  isFull(address: AddressKey, now: number): boolean {
    return this.tokens(address, now) >= this.limit.burst;
  }

  get tracked(): number {
    return this.slots.size;
  }

  private tokens(address: AddressKey, now: number): number {
    if (this.limit.rate <= 0) return Infinity;
    const slot = this.find(address);
    if (slot === undefined) return this.limit.burst;
    this.refill(slot, now);
    return this.buckets[3 * slot]!;
  }

  private find(address: AddressKey): number | undefined {
    if (address === this.lastKey) return this.lastSlot;
    const slot = this.slots.get(address);
    if (slot !== undefined) {
      this.lastKey = address;
      this.lastSlot = slot;
    }
    return slot;
  }

  /** A full bucket for [address]: a new slot, or the least recent address's. */
  private add(address: AddressKey, now: number): number {
    let slot: number;
    if (this.slots.size >= this.limit.maxTracked) {
      const [oldest, freed] = this.slots.entries().next().value!;
      this.slots.delete(oldest);
      if (oldest === this.lastKey) this.lastKey = undefined;
      slot = freed;
    } else {
      slot = this.slots.size;
      if (3 * slot >= this.buckets.length) this.grow();
    }
    this.slots.set(address, slot);
    this.buckets[3 * slot] = this.limit.burst;
    this.buckets[3 * slot + 1] = now;
    this.buckets[3 * slot + 2] = this.moves = (this.moves + 1) >>> 0;
    return slot;
  }

  private grow(): void {
    const larger = new Float64Array(3 * Math.min(this.limit.maxTracked, (this.buckets.length / 3) * 2));
    larger.set(this.buckets);
    this.buckets = larger;
  }

  private refill(slot: number, now: number): void {
    // max(0, ...): a clock that never goes back is assumed, but a bucket is never drained by one.
    const at = 3 * slot;
    this.buckets[at] = Math.min(this.limit.burst, this.buckets[at]! + (Math.max(0, now - this.buckets[at + 1]!) / 1000) * this.limit.rate);
    this.buckets[at + 1] = now;
  }
}
