/**
 * What the server does with each request. Every handler is idempotent: a duplicate request gets
 * the same answer and creates no second session or peer. The server only answers; it never
 * sends on its own.
 */
import {
  type CloseSession, decodeKey, encodeKey, type Endpoint, type HostSession, type JoinSession, type KeepAlive,
  type Message, type NatProbe, type RandomSession, type RelayBind, type RelayRequest, type ServerHandlers,
} from './generated/protocol.ts';
import { natAnswer, probeKey } from './nat/nat-probe.ts';
import { pairSession } from './relay/pair-session.ts';
import type { RelayService } from './relay/relay-service.ts';
import type { Session } from './sessions/session.ts';
import { newSessionId } from './sessions/session-codes.ts';
import type { SessionStore } from './sessions/session-store.ts';
import type { ServerStats } from './stats.ts';

export interface HandlerContext {
  readonly store: SessionStore;
  readonly stats: ServerStats;
  readonly serverKey: () => string;
  readonly suffixBigrams: number;
  readonly maxPeers: number;
  readonly maxSessions: number;
  readonly sessionsPerIp: number;
  readonly now: () => number;
  readonly send: (to: Endpoint, message: Message) => void;
  /** Absent when the server runs without relays. */
  readonly relays?: RelayService;
  readonly log: (event: string, fields: Record<string, unknown>) => void;
}

export class RendezvousHandlers implements ServerHandlers<Endpoint> {
  constructor(private readonly ctx: HandlerContext) {}

  hostSession(message: HostSession, from: Endpoint): void {
    const remoteKey = encodeKey(from);
    const existing = this.ctx.store.hostedBy(remoteKey);
    if (existing?.random) {
      this.ctx.stats.ignored++; // One session per host address: this one waits for a stranger.
      return;
    }
    if (existing) {
      existing.hostLocalKey = message.localKey;
      existing.hostSeenAt = this.ctx.now();
      this.answerHost(existing, from);
      return;
    }
    const session = this.createSession(from, remoteKey, message.localKey, false);
    if (session) this.answerHost(session, from);
  }

  joinSession(message: JoinSession, from: Endpoint): void {
    const remoteKey = encodeKey(from);
    const session = this.ctx.store.get(message.sessionId);
    const full = session !== undefined && !session.peers.has(remoteKey) && session.peers.size >= this.ctx.maxPeers;
    if (!session || session.random || session.hostRemoteKey === remoteKey || full) {
      this.ctx.send(from, { code: 'BK', sessionId: message.sessionId });
      return;
    }
    if (!session.peers.has(remoteKey)) this.ctx.log('joined', { session: session.id, peer: remoteKey });
    session.peers.set(remoteKey, { remoteKey, localKey: message.localKey });
    this.introduce(session, remoteKey, message.localKey, from);
  }

  randomSession(message: RandomSession, from: Endpoint): void {
    const remoteKey = encodeKey(from);
    const hosted = this.ctx.store.hostedBy(remoteKey);
    if (hosted && !hosted.random) {
      this.ctx.stats.ignored++; // One session per host address: this one is a hosted session.
      return;
    }
    if (hosted) {
      const peer = [...hosted.peers.values()][0];
      if (!peer) {
        hosted.hostSeenAt = this.ctx.now();
        this.answerHost(hosted, from);
      }
      return; // Already matched as host: the stranger's NJ is what this host waits for.
    }
    const joined = this.ctx.store.randomJoinedBy(remoteKey);
    if (joined) {
      joined.peers.get(remoteKey)!.localKey = message.localKey;
      this.introduce(joined, remoteKey, message.localKey, from);
      return;
    }
    const waiting = this.ctx.store.waitingRandom(remoteKey);
    if (waiting) {
      waiting.peers.set(remoteKey, { remoteKey, localKey: message.localKey });
      this.ctx.store.matchRandom(waiting.id, remoteKey);
      this.ctx.stats.matches++;
      this.ctx.log('matched', { session: waiting.id, host: waiting.hostRemoteKey, peer: remoteKey });
      this.introduce(waiting, remoteKey, message.localKey, from);
      return;
    }
    const session = this.createSession(from, remoteKey, message.localKey, true);
    if (session) this.answerHost(session, from);
  }

  keepAlive(message: KeepAlive, from: Endpoint): void {
    const session = this.ownSession(message.sessionId, from);
    if (session) session.hostSeenAt = this.ctx.now();
  }

  closeSession(message: CloseSession, from: Endpoint): void {
    const session = this.ownSession(message.sessionId, from);
    if (!session) return;
    this.ctx.store.remove(session.id);
    this.ctx.stats.sessionsClosed++;
    this.ctx.log('closed', { session: session.id, peers: session.peers.size });
  }

  relayRequest(message: RelayRequest, from: Endpoint): void {
    const fromKey = encodeKey(from);
    const peer = message.peerKey;
    // Found by the pair, not only by id: a random session's stranger never learns the id.
    const session = pairSession(this.ctx.store, message.sessionId, fromKey, peer);
    if (!session) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'not_in_session');
      return;
    }
    if (!this.ctx.relays?.enabled) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'relays_off');
      return;
    }
    this.ctx.relays.request(session.id, fromKey, peer, from, message.nonce);
  }

  relayBind(_message: RelayBind, _from: Endpoint): void {
    this.ctx.stats.ignored++; // RB belongs on a relay port, not here.
  }

  /** NAT diagnosis on the rendezvous port: the source address seen here, and where the probe port is. */
  natProbe(message: NatProbe, from: Endpoint): void {
    this.ctx.send(from, natAnswer(message, from, probeKey(this.ctx.serverKey(), this.ctx.relays?.boundPorts ?? [])));
  }

  /** Drops sessions whose host has been silent since before [cutoff]. */
  expire(cutoff: number): void {
    for (const session of this.ctx.store.removeStale(cutoff)) {
      this.ctx.stats.sessionsExpired++;
      this.ctx.log('expired', { session: session.id, peers: session.peers.size });
    }
  }

  /** A new session, or null when a limit refuses it (counted; the request gets no answer). */
  private createSession(from: Endpoint, hostRemoteKey: string, hostLocalKey: string, random: boolean): Session | null {
    const { store, stats } = this.ctx;
    if (store.size >= this.ctx.maxSessions || store.hostedFromIp(from.address) >= this.ctx.sessionsPerIp) {
      stats.registrationsRefused++;
      return null;
    }
    const id = newSessionId(this.ctx.serverKey(), this.ctx.suffixBigrams, (candidate) => store.get(candidate) !== undefined);
    if (id === null) {
      stats.registrationsRefused++;
      return null;
    }
    const now = this.ctx.now();
    const session: Session = {
      id, hostRemoteKey, hostIp: from.address, hostLocalKey, random, peers: new Map(), createdAt: now, hostSeenAt: now,
    };
    this.ctx.store.add(session);
    this.ctx.stats.sessionsCreated++;
    this.ctx.log('registered', { session: id, host: hostRemoteKey, random });
    return session;
  }

  private answerHost(session: Session, to: Endpoint): void {
    this.ctx.send(to, { code: 'HR', remoteKey: session.hostRemoteKey, sessionId: session.id });
  }

  /** NJ to the host and JR to the joiner: each learns where to punch. */
  private introduce(session: Session, joinerRemoteKey: string, joinerLocalKey: string, joiner: Endpoint): void {
    const host = decodeEndpoint(session.hostRemoteKey);
    this.ctx.send(host, { code: 'NJ', joinerRemoteKey, joinerLocalKey });
    this.ctx.send(joiner, {
      code: 'JR', joinerRemoteKey, hostRemoteKey: session.hostRemoteKey, hostLocalKey: session.hostLocalKey,
    });
  }

  /** The session [id] when [from] is its host; otherwise counts the request as ignored. */
  private ownSession(id: string, from: Endpoint): Session | undefined {
    const session = this.ctx.store.get(id);
    if (session && session.hostRemoteKey === encodeKey(from)) return session;
    this.ctx.stats.ignored++;
    return undefined;
  }
}

function decodeEndpoint(key: string): Endpoint {
  const endpoint = decodeKey(key);
  if (!endpoint) throw new Error(`stored key ${key} does not decode`);
  return endpoint;
}
