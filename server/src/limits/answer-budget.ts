import type { AddressKey } from '../addresses.ts';

/** What the server sends to any one endpoint in answer to a datagram is at most this many times its size. */
export const AMPLIFICATION_FACTOR = 5;

/**
 * Bytes the answers to the datagram being handled may still take, per destination endpoint: the
 * requester's answer and the host's NJ each have their own, so an original stranger's 15-byte
 * RS still gets its JR when NJ to our host carries a nonce. A datagram's answers go to one or
 * two endpoints: two short lists, of which the first [count] entries hold this datagram's,
 * cost less than a Map (and are never truncated, which would cost a call into the runtime).
 */
export class AnswerBudget {
  private readonly destinations: AddressKey[] = [];
  private readonly left: number[] = [];
  private count = 0;
  /** Bytes of the datagram being answered. */
  requestBytes = 0;

  /** A new datagram: every destination's budget is [AMPLIFICATION_FACTOR] times its [bytes]. */
  start(bytes: number): void {
    this.count = 0;
    this.requestBytes = bytes;
  }

  /** Whether [bytes] more fit the budget of destination [key] (endpointKey); if so, they are spent. */
  spend(key: AddressKey, bytes: number): boolean {
    let slot = 0;
    while (slot < this.count && this.destinations[slot] !== key) slot++;
    if (slot === this.count) {
      this.destinations[slot] = key;
      this.left[slot] = this.requestBytes * AMPLIFICATION_FACTOR;
      this.count++;
    }
    if (bytes > this.left[slot]!) return false;
    this.left[slot]! -= bytes;
    return true;
  }
}
