/**
 * A session's joiners by public key, least recently heard first. Most sessions have one joiner
 * or none, so a lone joiner is kept in the table itself; a Map is made for the second.
 */
import type { SessionPeer } from './session.ts';

/** What the server asks of a session's joiners (a Map of them answers it too). */
export interface Peers {
  readonly size: number;
  get(key: string): SessionPeer | undefined;
  has(key: string): boolean;
  /** Adds [peer] at the end of the order; a key already there keeps its place. */
  set(key: string, peer: SessionPeer): unknown;
  delete(key: string): boolean;
  keys(): IterableIterator<string>;
  values(): IterableIterator<SessionPeer>;
}

export class PeerTable implements Peers {
  private oneKey: string | undefined;
  private one: SessionPeer | undefined;
  private many: Map<string, SessionPeer> | undefined;

  get size(): number {
    return this.many ? this.many.size : this.oneKey === undefined ? 0 : 1;
  }

  get(key: string): SessionPeer | undefined {
    return this.many ? this.many.get(key) : key === this.oneKey ? this.one : undefined;
  }

  has(key: string): boolean {
    return this.many ? this.many.has(key) : key === this.oneKey;
  }

  set(key: string, peer: SessionPeer): this {
    if (this.many) {
      this.many.set(key, peer);
    } else if (this.oneKey === undefined || this.oneKey === key) {
      this.oneKey = key;
      this.one = peer;
    } else {
      this.many = new Map([[this.oneKey, this.one!], [key, peer]]);
      this.oneKey = undefined;
      this.one = undefined;
    }
    return this;
  }

  delete(key: string): boolean {
    if (this.many) return this.many.delete(key);
    if (key !== this.oneKey) return false;
    this.oneKey = undefined;
    this.one = undefined;
    return true;
  }

  keys(): IterableIterator<string> {
    return this.many ? this.many.keys() : (this.oneKey === undefined ? [] : [this.oneKey]).values();
  }

  values(): IterableIterator<SessionPeer> {
    return this.many ? this.many.values() : (this.one === undefined ? [] : [this.one]).values();
  }
}
