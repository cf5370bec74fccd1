/**
 * Where sessions live. The handlers read and change sessions through this interface alone, so a
 * shared store (Redis or Valkey, for several server instances) can replace the in-memory one.
 * Calls are synchronous: each handler's read-modify-write runs without interleaving, which is
 * what makes duplicates harmless. A shared store will need the same atomicity from its commands.
 */
import type { Session } from './session.ts';

export interface SessionStore {
  get(id: string): Session | undefined;
  hostedBy(hostRemoteKey: string): Session | undefined;
  /** The random session this address joined as the stranger, if any. */
  randomJoinedBy(remoteKey: string): Session | undefined;
  /** A random session still waiting for its stranger, hosted by anyone but [exceptHost]. */
  waitingRandom(exceptHost: string): Session | undefined;
  add(session: Session): void;
  /** Records that [remoteKey] joined the random session [id]: it stops waiting. */
  matchRandom(id: string, remoteKey: string): void;
  remove(id: string): boolean;
  /** Removes and returns sessions whose host was last seen before [cutoff]. */
  removeStale(cutoff: number): Session[];
  /** Sessions hosted from this IP address (any port). */
  hostedFromIp(ip: string): number;
  readonly size: number;
}
