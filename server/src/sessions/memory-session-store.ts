/** SessionStore in this process's memory: maps by id, by host address and by random joiner. */
import { networkOf } from '../addresses.ts';
import { LobbyIndex, type ListingFilter } from './lobby-index.ts';
import type { Listing, Session, SessionPeer } from './session.ts';
import type { SessionStore } from './session-store.ts';

/**
 * Eligibility checks one random match makes at most (a /24 or an address each): bounds the work
 * one RS can cause. What a search found ineligible goes to the back of its queue, so the next
 * search starts with others: no number of ineligible hosts hides an eligible one for long.
 */
const MAX_WAITING_CHECKS = 1024;
/** Addresses looked at in one /24 per search, at most: one network's hosts cannot use up a search. */
const CHECKS_PER_NET = 16;

/** Random sessions waiting for a stranger: by /24, then by host IP, each in insertion order (oldest first). */
type Waiting = Map<string, Map<string, Map<string, Session>>>;

export class MemorySessionStore implements SessionStore {
  private readonly byId = new Map<string, Session>();
  private readonly byHost = new Map<string, Session>();
  private readonly byRandomJoiner = new Map<string, Session>();
  /** Random sessions waiting for a stranger, confirmed and provisional apart. */
  private readonly waitingConfirmed: Waiting = new Map();
  private readonly waitingProvisional: Waiting = new Map();
  /** Provisional sessions, oldest first, and the same grouped by host IP. */
  private readonly provisional = new Map<string, Session>();
  private readonly provisionalByIp = new SessionsByIp();
  private readonly perIp = new Map<string, number>();
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

  waitingRandom(exceptHost: string, eligible: (hostIp: string) => boolean, netEligible: (net: string) => boolean = () => true): Session | undefined {
    const checks = { left: MAX_WAITING_CHECKS };
    return firstWaiting(this.waitingConfirmed, exceptHost, eligible, netEligible, checks)
      ?? firstWaiting(this.waitingProvisional, exceptHost, eligible, netEligible, checks);
  }

  hostedFromIp(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  oldestProvisional(ip?: string): Session | undefined {
    return ip === undefined ? this.provisional.values().next().value : this.provisionalByIp.oldest(ip);
  }

  add(session: Session): void {
    this.perIp.set(session.hostIp, this.hostedFromIp(session.hostIp) + 1);
    this.byId.set(session.id, session);
    this.byHost.set(session.hostRemoteKey, session);
    if (session.random) wait(session.confirmed ? this.waitingConfirmed : this.waitingProvisional, session);
    if (!session.confirmed) {
      this.provisional.set(session.id, session);
      this.provisionalByIp.add(session);
    }
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
    this.provisionalByIp.remove(session);
    const waiting = session.random && unwait(this.waitingProvisional, session, networkOf(session.hostIp));
    session.confirmed = true;
    if (waiting) wait(this.waitingConfirmed, session);
  }

  remove(id: string): boolean {
    const session = this.get(id);
    if (!session) return false;
    if (session === this.last) this.last = undefined;
    this.byId.delete(id);
    this.byHost.delete(session.hostRemoteKey);
    this.lobbies.unlist(session); // Closed or expired: off the list at once.
    const left = this.hostedFromIp(session.hostIp) - 1;
    if (left > 0) this.perIp.set(session.hostIp, left);
    else this.perIp.delete(session.hostIp);
    // Only a provisional session is among the provisional (confirm takes it out), and only a
    // random one waits or has a stranger: a registration's close costs no lookups it cannot need.
    if (!session.confirmed) {
      this.provisional.delete(id);
      this.provisionalByIp.remove(session);
    }
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
    const net = networkOf(session.hostIp);
    if (!unwait(this.waitingConfirmed, session, net)) unwait(this.waitingProvisional, session, net);
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

/**
 * Sessions grouped by host IP, oldest first in each group. Most addresses host one session: it is
 * kept as itself, and an array is made for the second (an address holds at most --sessions-per-ip).
 */
class SessionsByIp {
  private readonly groups = new Map<string, Session | Session[]>();

  add(session: Session): void {
    const group = this.groups.get(session.hostIp);
    if (group === undefined) this.groups.set(session.hostIp, session);
    else if (Array.isArray(group)) group.push(session);
    else this.groups.set(session.hostIp, [group, session]);
  }

  remove(session: Session): void {
    const group = this.groups.get(session.hostIp);
    if (group === session) {
      this.groups.delete(session.hostIp);
    } else if (Array.isArray(group)) {
      const at = group.indexOf(session);
      if (at >= 0) group.splice(at, 1);
      if (group.length === 1) this.groups.set(session.hostIp, group[0]!);
    }
  }

  oldest(ip: string): Session | undefined {
    const group = this.groups.get(ip);
    return Array.isArray(group) ? group[0] : group;
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

function wait(waiting: Waiting, session: Session): void {
  const key = networkOf(session.hostIp);
  let net = waiting.get(key);
  if (!net) waiting.set(key, (net = new Map()));
  group(net, session.hostIp).set(session.id, session);
}

/** Removes [session] from the waiting queues; whether it was there. */
function unwait(waiting: Waiting, session: Session, key: string): boolean {
  const net = waiting.get(key);
  if (!net || !ungroup(net, session)) return false;
  if (net.size === 0) waiting.delete(key);
  return true;
}

/** Moves [key] to the back of [map]'s order. */
function toBack<V>(map: Map<string, V>, key: string): void {
  const value = map.get(key);
  if (value === undefined) return;
  map.delete(key);
  map.set(key, value);
}

/**
 * The oldest waiting session of the first eligible address of the first eligible /24, not hosted
 * at [exceptHost]. A /24 whose budget is spent is passed over with one check, whatever number of
 * hosts it has waiting, and at most CHECKS_PER_NET of a /24's addresses are looked at; what was
 * found ineligible goes to the back, so that the bounded work of each search ([checks]) moves on
 * through the queue rather than looking at the same hosts again.
 */
function firstWaiting(
  waiting: Waiting, exceptHost: string, eligible: (ip: string) => boolean, netEligible: (net: string) => boolean, checks: { left: number },
): Session | undefined {
  const passedNets: string[] = [];
  const passedIps: Array<[Map<string, Map<string, Session>>, string]> = [];
  let found: Session | undefined;
  search: for (const [key, net] of waiting) {
    if (checks.left-- <= 0) break;
    if (!netEligible(key)) {
      passedNets.push(key);
      continue;
    }
    let inNet = 0;
    for (const [ip, sessions] of net) {
      if (inNet++ >= CHECKS_PER_NET || checks.left-- <= 0) {
        passedNets.push(key);
        continue search;
      }
      if (!eligible(ip)) {
        passedIps.push([net, ip]);
        continue;
      }
      for (const session of sessions.values()) {
        if (session.hostRemoteKey !== exceptHost) {
          found = session;
          break search;
        }
      }
    }
  }
  for (const [net, ip] of passedIps) toBack(net, ip);
  for (const key of passedNets) toBack(waiting, key);
  return found;
}
