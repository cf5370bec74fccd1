/**
 * Where sessions live. The handlers read and change sessions through this interface alone, so a
 * shared store (Redis or Valkey, for several server instances) can replace the in-memory one.
 * Calls are synchronous: each handler's read-modify-write runs without interleaving, which is
 * what makes duplicates harmless. A shared store will need the same atomicity from its commands.
 */
import type { ListingFilter } from './lobby-index.ts';
import type { Listing, Session, SessionPeer } from './session.ts';

export interface SessionStore {
  get(id: string): Session | undefined;
  hostedBy(hostRemoteKey: string): Session | undefined;
  /** The random session this address joined as the stranger, if any. */
  randomJoinedBy(remoteKey: string): Session | undefined;
  /**
   * A random session still waiting for its stranger, hosted by anyone but [exceptHost] from an
   * address [eligible] accepts in a /24 [netEligible] accepts: confirmed ones first, then
   * provisional ones, oldest first. The work is bounded, and hosts found ineligible must not keep
   * an eligible one from being found by the next search.
   */
  waitingRandom(exceptHost: string, eligible: (hostIp: string) => boolean, netEligible?: (net: string) => boolean): Session | undefined;
  add(session: Session): void;
  /** Records that [remoteKey] joined the random session [id]: it stops waiting. */
  matchRandom(id: string, remoteKey: string): void;
  /** Marks a provisional session confirmed. */
  confirm(id: string): void;
  remove(id: string): boolean;
  /** Removes and returns sessions whose host was last seen before [cutoff]. */
  removeStale(cutoff: number): Session[];
  /** Removes and returns provisional sessions created before [cutoff]. */
  removeUnconfirmed(cutoff: number): Session[];
  /** The oldest provisional session, of [ip] when given. */
  oldestProvisional(ip?: string): Session | undefined;
  /** Adds [peer] to [session], or refreshes it: it moves to the end of the least-recently-heard order. */
  putPeer(session: Session, peer: SessionPeer): void;
  removePeer(session: Session, remoteKey: string): void;
  /** Lists [session] publicly with [listing] (a fresh place in the order when it changed), or takes it off the list (undefined). */
  publish(session: Session, listing: Omit<Listing, 'seq'> | undefined): void;
  /** Listed sessions matching [filter] exactly, in listing order from the first with a seq above [after]; a removed session is never among them. */
  listedAfter(after: number, filter: ListingFilter): Iterable<Session>;
  /** Sessions listed publicly. */
  readonly listed: number;
  /** Joiners in all sessions (bounds memory: each costs a few hundred bytes). */
  readonly joiners: number;
  /** Sessions hosted from this IP address (any port), provisional ones included. */
  hostedFromIp(ip: string): number;
  readonly size: number;
}
