/**
 * Fair shares of an event (random matches) among addresses: each address's recent events decay
 * with a time constant, and an address is within its share while it has fewer than twice the
 * recent events of the average address that took part lately (and at least one). However many
 * ports one address uses, it then takes no more than a fair share of the strangers, rather than
 * every stranger its budget allows. Memory is bounded: past [maxTracked] the least recently seen
 * address is forgotten. Addresses are kept by their keys (see AddressKey).
 */
import { type AddressKey, addressKey } from '../addresses.ts';

interface Recent { value: number; at: number }

/** The stale addresses are looked for at most this often. */
const PRUNE_INTERVAL_MS = 1_000;

export class FairShare {
  private readonly recent = new Map<AddressKey, Recent>();
  private readonly total: Recent = { value: 0, at: 0 };
  private prunedAt = -Infinity;
  /**
   * The key last moved to the back of the recency order, or undefined: a match touches the
   * stranger's address twice (seen, then record), and moving the newest entry would only leave a
   * hole in the Map's table, which fills and is rebuilt the sooner.
   */
  private newest: AddressKey | undefined;

  constructor(private readonly timeConstantMs: number, private readonly maxTracked: number) {}

  /** [address] takes part at [now] (asks, or is asked for): it counts among the addresses sharing. */
  seen(address: AddressKey, now: number): void {
    this.touch(addressKey(address), now);
  }

  /** Whether [address] may take another event now. */
  fair(address: AddressKey, now: number): boolean {
    const entry = this.recent.get(addressKey(address));
    const mine = entry ? this.decayed(entry, now) : 0;
    this.prune(now);
    const average = this.decayed(this.total, now) / Math.max(1, this.recent.size);
    return mine < Math.max(1, 2 * average);
  }

  /** [address] took an event at [now]. */
  record(address: AddressKey, now: number): void {
    const entry = this.touch(addressKey(address), now);
    entry.value = this.decayed(entry, now) + 1;
    entry.at = now;
    this.total.value = this.decayed(this.total, now) + 1;
    this.total.at = now;
  }

  get tracked(): number {
    return this.recent.size;
  }

  private touch(address: AddressKey, now: number): Recent {
    let entry = this.recent.get(address);
    if (entry) {
      entry.value = this.decayed(entry, now);
      entry.at = now;
      if (address === this.newest) return entry; // At the back already.
      this.recent.delete(address); // Re-inserted below: the Map's order is recency.
    } else {
      entry = { value: 0, at: now };
      if (this.recent.size >= this.maxTracked) this.forget(this.recent.keys().next().value!);
    }
    this.recent.set(address, entry);
    this.newest = address;
    return entry;
  }

  /**
   * Forgets addresses silent for five time constants: they no longer share. At most once a
   * second, which is nothing against five time constants: a random match asks for several
   * addresses' shares, and a walk per question would cost more than the question.
   */
  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_INTERVAL_MS) return;
    this.prunedAt = now;
    for (const [address, entry] of this.recent) {
      if (now - entry.at < 5 * this.timeConstantMs) break;
      this.forget(address);
    }
  }

  private forget(address: AddressKey): void {
    this.recent.delete(address);
    if (address === this.newest) this.newest = undefined;
  }

  private decayed(entry: Recent, now: number): number {
    return entry.value * Math.exp(-Math.max(0, now - entry.at) / this.timeConstantMs);
  }
}
