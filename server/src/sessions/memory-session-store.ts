/** SessionStore in this process's memory: maps by id, by host address and by random joiner. */
import type { Session } from './session.ts';
import type { SessionStore } from './session-store.ts';

/** Host addresses looked at for one random match, at most: bounds the work one RS can cause. */
const MAX_WAITING_SCAN = 1024;

export class MemorySessionStore implements SessionStore {
  private readonly byId = new Map<string, Session>();
  private readonly byHost = new Map<string, Session>();
  private readonly byRandomJoiner = new Map<string, Session>();
  /** Random sessions waiting for a stranger, grouped by host IP; both in insertion order (oldest first). */
  private readonly waiting = new Map<string, Map<string, Session>>();
  /** Provisional sessions, oldest first, and the same grouped by host IP. */
  private readonly provisional = new Map<string, Session>();
  private readonly provisionalByIp = new Map<string, Map<string, Session>>();
  private readonly perIp = new Map<string, number>();

  get size(): number {
    return this.byId.size;
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
    let fallback: Session | undefined;
    let scanned = 0;
    for (const [ip, sessions] of this.waiting) {
      if (++scanned > MAX_WAITING_SCAN) break;
      if (!eligible(ip)) continue;
      for (const session of sessions.values()) {
        if (session.hostRemoteKey === exceptHost) continue;
        if (session.confirmed) return session;
        fallback ??= session;
      }
    }
    return fallback;
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
    if (session.random) group(this.waiting, session.hostIp).set(session.id, session);
    if (!session.confirmed) {
      this.provisional.set(session.id, session);
      group(this.provisionalByIp, session.hostIp).set(session.id, session);
    }
  }

  matchRandom(id: string, remoteKey: string): void {
    const session = this.byId.get(id);
    if (!session) return;
    ungroup(this.waiting, session);
    this.byRandomJoiner.set(remoteKey, session);
  }

  confirm(id: string): void {
    const session = this.byId.get(id);
    if (!session || session.confirmed) return;
    session.confirmed = true;
    this.provisional.delete(id);
    ungroup(this.provisionalByIp, session);
  }

  remove(id: string): boolean {
    const session = this.byId.get(id);
    if (!session) return false;
    this.byId.delete(id);
    this.byHost.delete(session.hostRemoteKey);
    const left = this.hostedFromIp(session.hostIp) - 1;
    if (left > 0) this.perIp.set(session.hostIp, left);
    else this.perIp.delete(session.hostIp);
    ungroup(this.waiting, session);
    this.provisional.delete(id);
    ungroup(this.provisionalByIp, session);
    for (const peer of session.peers.keys()) {
      if (this.byRandomJoiner.get(peer) === session) this.byRandomJoiner.delete(peer);
    }
    return true;
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

function ungroup(groups: Map<string, Map<string, Session>>, session: Session): void {
  const sessions = groups.get(session.hostIp);
  if (!sessions?.delete(session.id)) return;
  if (sessions.size === 0) groups.delete(session.hostIp);
}
