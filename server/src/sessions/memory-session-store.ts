/** SessionStore in this process's memory: maps by id, by host address and by random joiner. */
import type { Session, SessionPeer } from './session.ts';
import type { SessionStore } from './session-store.ts';

/** Host addresses looked at for one random match, at most: bounds the work one RS can cause. */
const MAX_WAITING_SCAN = 1024;

export class MemorySessionStore implements SessionStore {
  private readonly byId = new Map<string, Session>();
  private readonly byHost = new Map<string, Session>();
  private readonly byRandomJoiner = new Map<string, Session>();
  /**
   * Random sessions waiting for a stranger, confirmed and provisional apart, grouped by host IP;
   * all in insertion order (oldest first). A search looks at each address once.
   */
  private readonly waitingConfirmed = new Map<string, Map<string, Session>>();
  private readonly waitingProvisional = new Map<string, Map<string, Session>>();
  /** Provisional sessions, oldest first, and the same grouped by host IP. */
  private readonly provisional = new Map<string, Session>();
  private readonly provisionalByIp = new Map<string, Map<string, Session>>();
  private readonly perIp = new Map<string, number>();
  private joinerCount = 0;

  get size(): number {
    return this.byId.size;
  }

  get joiners(): number {
    return this.joinerCount;
  }

  putPeer(session: Session, peer: SessionPeer): void {
    if (!session.peers.delete(peer.remoteKey)) this.joinerCount++;
    session.peers.set(peer.remoteKey, peer);
  }

  removePeer(session: Session, remoteKey: string): void {
    if (session.peers.delete(remoteKey)) this.joinerCount--;
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  hostedBy(hostRemoteKey: string): Session | undefined {
    return this.byHost.get(hostRemoteKey);
  }

  randomJoinedBy(remoteKey: string): Session | undefined {
    return this.byRandomJoiner.get(remoteKey);
  }

  waitingRandom(exceptHost: string, eligible: (hostIp: string) => boolean): Session | undefined {
    return firstWaiting(this.waitingConfirmed, exceptHost, eligible) ?? firstWaiting(this.waitingProvisional, exceptHost, eligible);
  }

  hostedFromIp(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  oldestProvisional(ip?: string): Session | undefined {
    const from = ip === undefined ? this.provisional : this.provisionalByIp.get(ip);
    return from?.values().next().value;
  }

  add(session: Session): void {
    this.perIp.set(session.hostIp, this.hostedFromIp(session.hostIp) + 1);
    this.byId.set(session.id, session);
    this.byHost.set(session.hostRemoteKey, session);
    if (session.random) group(session.confirmed ? this.waitingConfirmed : this.waitingProvisional, session.hostIp).set(session.id, session);
    if (!session.confirmed) {
      this.provisional.set(session.id, session);
      group(this.provisionalByIp, session.hostIp).set(session.id, session);
    }
  }

  matchRandom(id: string, remoteKey: string): void {
    const session = this.byId.get(id);
    if (!session) return;
    this.unwait(session);
    this.byRandomJoiner.set(remoteKey, session);
  }

  confirm(id: string): void {
    const session = this.byId.get(id);
    if (!session || session.confirmed) return;
    this.provisional.delete(id);
    ungroup(this.provisionalByIp, session);
    const waiting = ungroup(this.waitingProvisional, session);
    session.confirmed = true;
    if (waiting) group(this.waitingConfirmed, session.hostIp).set(session.id, session);
  }

  remove(id: string): boolean {
    const session = this.byId.get(id);
    if (!session) return false;
    this.byId.delete(id);
    this.byHost.delete(session.hostRemoteKey);
    const left = this.hostedFromIp(session.hostIp) - 1;
    if (left > 0) this.perIp.set(session.hostIp, left);
    else this.perIp.delete(session.hostIp);
    this.unwait(session);
    this.provisional.delete(id);
    ungroup(this.provisionalByIp, session);
    for (const peer of session.peers.keys()) {
      if (this.byRandomJoiner.get(peer) === session) this.byRandomJoiner.delete(peer);
    }
    this.joinerCount -= session.peers.size;
    return true;
  }

  private unwait(session: Session): void {
    ungroup(this.waitingConfirmed, session);
    ungroup(this.waitingProvisional, session);
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

function group(groups: Map<string, Map<string, Session>>, ip: string): Map<string, Session> {
  let sessions = groups.get(ip);
  if (!sessions) groups.set(ip, (sessions = new Map()));
  return sessions;
}

/** Removes [session] from its group; whether it was there. */
function ungroup(groups: Map<string, Map<string, Session>>, session: Session): boolean {
  const sessions = groups.get(session.hostIp);
  if (!sessions?.delete(session.id)) return false;
  if (sessions.size === 0) groups.delete(session.hostIp);
  return true;
}

/**
 * The oldest waiting session of the first eligible address, not hosted at [exceptHost]. Each
 * address is looked at once (its one session at [exceptHost], if any, is skipped), and at most
 * MAX_WAITING_SCAN addresses: the work one RS causes is bounded whatever waits.
 */
function firstWaiting(groups: Map<string, Map<string, Session>>, exceptHost: string, eligible: (ip: string) => boolean): Session | undefined {
  let scanned = 0;
  for (const [ip, sessions] of groups) {
    if (++scanned > MAX_WAITING_SCAN) return undefined;
    if (!eligible(ip)) continue;
    for (const session of sessions.values()) if (session.hostRemoteKey !== exceptHost) return session;
  }
  return undefined;
}
