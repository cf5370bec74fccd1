/** SessionStore in this process's memory: maps by id, by host address and by random joiner. */
import { LobbyIndex, type ListingFilter } from './lobby-index.ts';
import type { Listing, Session, SessionPeer } from './session.ts';
import type { SessionStore } from './session-store.ts';
import { SessionsByIp } from './sessions-by-ip.ts';
import { newChecks, WaitingQueue } from './waiting-queue.ts';

export class MemorySessionStore implements SessionStore {
  private readonly byId = new Map<string, Session>();
  private readonly byHost = new Map<string, Session>();
  private readonly byRandomJoiner = new Map<string, Session>();
  /** Random sessions waiting for a stranger, confirmed and provisional apart. */
  private readonly waitingConfirmed = new WaitingQueue();
  private readonly waitingProvisional = new WaitingQueue();
  /** Provisional sessions, oldest first. */
  private readonly provisional = new Map<string, Session>();
  /** Sessions by host address: how many, and the provisional ones. */
  private readonly byIp = new SessionsByIp();
  private joinerCount = 0;
  private readonly lobbies = new LobbyIndex();
  /**
   * The session get() last found (undefined once removed): a handler looks a session up, then
   * confirms or removes it by id, and each lookup by a new string costs a hash and a compare.
   */
  private last: Session | undefined;

  get size(): number {
    return this.byId.size;
  }

  get joiners(): number {
    return this.joinerCount;
  }

  get listed(): number {
    return this.lobbies.size;
  }

  publish(session: Session, listing: Omit<Listing, 'seq'> | undefined): void {
    if (this.byId.get(session.id) === session) this.lobbies.publish(session, listing);
  }

  listedAfter(after: number, filter: ListingFilter): Iterable<Session> {
    return this.lobbies.after(after, filter);
  }

  putPeer(session: Session, peer: SessionPeer): void {
    if (!session.peers.delete(peer.remoteKey)) this.joinerCount++;
    session.peers.set(peer.remoteKey, peer);
  }

  removePeer(session: Session, remoteKey: string): void {
    if (session.peers.delete(remoteKey)) this.joinerCount--;
  }

  get(id: string): Session | undefined {
    const last = this.last;
    if (last !== undefined && last.id === id) return last;
    const session = this.byId.get(id);
    if (session !== undefined) this.last = session;
    return session;
  }

  hostedBy(hostRemoteKey: string): Session | undefined {
    return this.byHost.get(hostRemoteKey);
  }

  randomJoinedBy(remoteKey: string): Session | undefined {
    return this.byRandomJoiner.get(remoteKey);
  }

  waitingRandom(exceptHost: string, eligible: (hostIp: string) => boolean, netEligible?: (net: string) => boolean): Session | undefined {
    const checks = newChecks();
    return this.waitingConfirmed.first(exceptHost, eligible, netEligible, checks)
      ?? this.waitingProvisional.first(exceptHost, eligible, netEligible, checks);
  }

  hostedFromIp(ip: string): number {
    return this.byIp.count(ip);
  }

  oldestProvisional(ip?: string): Session | undefined {
    return ip === undefined ? this.provisional.values().next().value : this.byIp.oldestProvisional(ip);
  }

  add(session: Session): void {
    this.byIp.add(session);
    this.byId.set(session.id, session);
    this.byHost.set(session.hostRemoteKey, session);
    if (session.random) (session.confirmed ? this.waitingConfirmed : this.waitingProvisional).add(session);
    if (!session.confirmed) this.provisional.set(session.id, session);
  }

  matchRandom(id: string, remoteKey: string): void {
    const session = this.get(id);
    if (!session) return;
    this.unwait(session);
    this.byRandomJoiner.set(remoteKey, session);
  }

  confirm(id: string): void {
    const session = this.get(id);
    if (!session || session.confirmed) return;
    this.provisional.delete(id);
    this.byIp.confirm(session);
    const waiting = session.random && this.waitingProvisional.remove(session);
    session.confirmed = true;
    if (waiting) this.waitingConfirmed.add(session);
  }

  remove(id: string): boolean {
    const session = this.get(id);
    if (!session) return false;
    if (session === this.last) this.last = undefined;
    this.byId.delete(id);
    this.byHost.delete(session.hostRemoteKey);
    this.lobbies.unlist(session); // Closed or expired: off the list at once.
    this.byIp.remove(session);
    // Only a provisional session is among the provisional (confirm takes it out), and only a
    // random one waits or has a stranger: a registration's close costs no lookups it cannot need.
    if (!session.confirmed) this.provisional.delete(id);
    if (session.random) {
      this.unwait(session);
      for (const peer of session.peers.keys()) {
        if (this.byRandomJoiner.get(peer) === session) this.byRandomJoiner.delete(peer);
      }
    }
    this.joinerCount -= session.peers.size;
    return true;
  }

  private unwait(session: Session): void {
    // It waits in one queue or the other (confirm moves it), or in none once matched.
    if (!this.waitingConfirmed.remove(session)) this.waitingProvisional.remove(session);
  }

  removeStale(cutoff: number): Session[] {
    const stale = [...this.byId.values()].filter((s) => s.hostSeenAt < cutoff);
    for (const session of stale) this.remove(session.id);
    return stale;
  }

  removeUnconfirmed(cutoff: number): Session[] {
    const expired: Session[] = [];
    for (const session of this.provisional.values()) {
      if (session.createdAt >= cutoff) break; // Oldest first: the rest are younger.
      expired.push(session);
    }
    for (const session of expired) this.remove(session.id);
    return expired;
  }
}
