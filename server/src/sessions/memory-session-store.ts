/** SessionStore in this process's memory: maps by id, by host address and by random joiner. */
import type { Session } from './session.ts';
import type { SessionStore } from './session-store.ts';

export class MemorySessionStore implements SessionStore {
  private readonly byId = new Map<string, Session>();
  private readonly byHost = new Map<string, Session>();
  private readonly byRandomJoiner = new Map<string, Session>();
  /** Random sessions waiting for a stranger, oldest first (Map keeps insertion order). */
  private readonly waiting = new Map<string, Session>();
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

  waitingRandom(exceptHost: string): Session | undefined {
    for (const session of this.waiting.values()) if (session.hostRemoteKey !== exceptHost) return session;
    return undefined;
  }

  hostedFromIp(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  add(session: Session): void {
    this.perIp.set(session.hostIp, this.hostedFromIp(session.hostIp) + 1);
    this.byId.set(session.id, session);
    this.byHost.set(session.hostRemoteKey, session);
    if (session.random) this.waiting.set(session.id, session);
  }

  matchRandom(id: string, remoteKey: string): void {
    const session = this.byId.get(id);
    if (!session) return;
    this.waiting.delete(id);
    this.byRandomJoiner.set(remoteKey, session);
  }

  remove(id: string): boolean {
    const session = this.byId.get(id);
    if (!session) return false;
    this.byId.delete(id);
    this.byHost.delete(session.hostRemoteKey);
    const left = this.hostedFromIp(session.hostIp) - 1;
    if (left > 0) this.perIp.set(session.hostIp, left);
    else this.perIp.delete(session.hostIp);
    this.waiting.delete(id);
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
}
