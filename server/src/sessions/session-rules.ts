/**
 * Who is who in a session, and whose slot gives way: rules the handlers apply, kept apart from
 * the handlers so each reads on its own.
 */
import { decodeKey, type Endpoint } from '../generated/protocol.ts';
import { networkOf } from '../addresses.ts';
import type { Config } from '../config.ts';
import type { ServerStats } from '../stats.ts';
import type { Session, SessionPeer } from './session.ts';
import type { SessionStore } from './session-store.ts';

/** What deciding a slot needs from the handlers' context. */
export interface SlotContext {
  readonly store: SessionStore;
  readonly stats: ServerStats;
  readonly config: Pick<Config, 'maxPeers' | 'maxJoiners' | 'joinWindowMs'>;
}

/**
 * The least recently heard joiner of the /24 that holds the most slots in [session], when it
 * holds at least two more than [newcomerNet] (so the newcomer's joining does not just swap roles).
 */
export function overRepresented(session: Session, newcomerNet: string): SessionPeer | undefined {
  const byNet = new Map<string, { count: number; first: SessionPeer }>();
  for (const peer of session.peers.values()) {
    const net = networkOf(decodeEndpoint(peer.remoteKey).address);
    const entry = byNet.get(net);
    if (entry) entry.count++;
    else byNet.set(net, { count: 1, first: peer });
  }
  let top: { count: number; first: SessionPeer } | undefined;
  for (const entry of byNet.values()) if (!top || entry.count > top.count) top = entry;
  const newcomers = byNet.get(newcomerNet)?.count ?? 0;
  return top && top.count >= newcomers + 2 ? top.first : undefined;
}

/** The side [key] stands for in [session]: its registered host address when [key] is the host's link. */
export function hostSide(session: Session | undefined, key: string): string {
  return session?.hostLink === key ? session.hostRemoteKey : key;
}

/** Whether [key] is [session]'s host: its registered address, or its link (HL). */
export function isHost(session: Session, key: string): boolean {
  return session.hostRemoteKey === key || session.hostLink === key;
}

export function decodeEndpoint(key: string): Endpoint {
  const endpoint = decodeKey(key);
  if (!endpoint) throw new Error(`stored key ${key} does not decode`);
  return endpoint;
}

/**
 * A host of ours (one whose HS carried a nonce) proves KA and CS with it, so a joiner that knows
 * the host's address cannot keep or close the session with spoofed datagrams; an original host
 * sends none and is known by its address alone.
 */
export function hostNonceMatches(session: Session, nonce: string | undefined): boolean {
  return session.hostNonce === undefined || session.hostNonce === nonce;
}

/**
 * Whether [remoteKey] (at [ip]) has, or now gets, a peer slot in [session]. A full session (or
 * any session, once the server holds --max-joiners) gives the slot of its longest-silent joiner
 * when that one has sent nothing for --join-window; failing that, one of the network (/24)
 * holding the most slots, when it holds two more than the newcomer's: joiners that keep
 * resending JS from one network cannot hold a session against players from elsewhere.
 */
export function takeSlot(ctx: SlotContext, session: Session, remoteKey: string, ip: string, now: number): 'held' | 'free' | 'reclaimed' | 'full' {
  if (session.peers.has(remoteKey)) return 'held';
  if (session.peers.size < ctx.config.maxPeers && ctx.store.joiners < ctx.config.maxJoiners) return 'free';
  const oldest = session.peers.values().next().value; // Least recently heard first.
  if (!oldest) return 'full';
  const giving = now - oldest.seenAt >= ctx.config.joinWindowMs ? oldest : overRepresented(session, networkOf(ip));
  if (!giving) return 'full';
  ctx.store.removePeer(session, giving.remoteKey);
  ctx.stats.slotsReclaimed++;
  return 'reclaimed';
}

/**
 * Joiner [key] of [session] was heard from elsewhere (its relay carried its game): it is no
 * longer silent, and moves to the end of the least-recently-heard order, so joins do not take
 * the slot of a player in a running game.
 */
export function heardFromJoiner(store: SessionStore, session: Session | undefined, key: string, now: number): void {
  const peer = session?.peers.get(key);
  if (!session || !peer) return;
  peer.seenAt = now;
  store.putPeer(session, peer);
}
