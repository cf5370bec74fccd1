/**
 * What the server does with each request. Every handler is idempotent: a duplicate request gets
 * the same answer and creates no second session or peer. The server only answers; it never
 * sends on its own.
 */
import {
  type CloseSession, type Endpoint, type HostLink, type HostSession, type JoinSession, type KeepAlive, type ListSessions,
  type LobbyPublish, type Message, type NatProbe, type RandomSession, type RelayBind, type RelayRequest, type ServerHandlers,
} from './generated/protocol.ts';
import type { HandlerContext, Refusal } from './handler-context.ts';
import type { RemoteJoiner, RemoteRelayRequest } from './cluster/cross-instance-pairing.ts';
import type { WaitingEntry } from './cluster/match-script.ts';
import { hostNatFields, joinerNatFields, type NatReport } from './nat/nat-book.ts';
import { pairSession } from './relay/pair-session.ts';
import { passableLanKey } from './sessions/lan-key.ts';
import { decodeEndpoint, hostNonceMatches, hostSide, isHost, takeSlot } from './sessions/session-rules.ts';
import type { Session, SessionPeer } from './sessions/session.ts';
import { PeerTable } from './sessions/peer-table.ts';
import { newSessionId } from './sessions/session-codes.ts';
import { lobbyPage } from './sessions/lobby-page.ts';
import { newToken } from './sessions/tokens.ts';

export class RendezvousHandlers implements ServerHandlers<Endpoint> {
  constructor(private readonly ctx: HandlerContext) {}

  hostSession(message: HostSession, from: Endpoint): void {
    const remoteKey = this.ctx.keyOf(from);
    const localKey = passableLanKey(message.localKey, from);
    const existing = this.ctx.store.hostedBy(remoteKey);
    if (existing?.random) {
      this.ctx.stats.ignored++; // One session per host address: this one waits for a stranger.
      return;
    }
    if (existing) {
      // A resend (HR was lost). It proves nothing about the return path, so a provisional
      // session still expires from when it was created. Once confirmed, the LAN key stays: an HS
      // forged from the host's address (which every joiner learns) must not redirect later joiners.
      // Only the host's own nonce refreshes: a forged resend must not keep a dead host's session.
      if (hostNonceMatches(existing, message.nonce)) {
        if (!existing.confirmed) existing.hostLocalKey = localKey;
        existing.hostNat = this.ctx.natReport() ?? existing.hostNat;
        existing.hostSeenAt = this.ctx.now();
      }
      this.answerHost(existing, from, message.nonce);
      return;
    }
    const session = this.createSession(from, remoteKey, localKey, false, message.nonce);
    if (typeof session === 'string') this.refuse(from, session, message.nonce);
    else this.answerHost(session, from, message.nonce);
  }

  joinSession(message: JoinSession, from: Endpoint): void {
    const now = this.ctx.now();
    if (!this.ctx.failedJoins.mayTry(from.address, now)) {
      // Past its budget of failed joins: no answer at all, so a guess cannot tell a hit.
      this.ctx.stats.count(this.ctx.stats.dropped, 'join_budget');
      return;
    }
    const remoteKey = this.ctx.keyOf(from);
    const session = this.ctx.store.get(message.sessionId);
    if (!session) this.ctx.failedJoins.failed(from.address, now);
    if (!session || session.random || session.hostRemoteKey === remoteKey) {
      this.ctx.send(from, { code: 'BK', sessionId: message.sessionId, nonce: message.nonce });
      return;
    }
    if (hostGone(session, session.peers.get(remoteKey), now, this.ctx.config.hostSilenceMs)) {
      // The joiner's resends carried NJ to the host, which a live node of ours answers with KA
      // (an original host keeps alive every second): nothing came, so the host crashed or quit.
      this.endSilentSession(session);
      this.ctx.send(from, { code: 'BK', sessionId: message.sessionId, nonce: message.nonce });
      return;
    }
    const slot = takeSlot(this.ctx, session, remoteKey, from.address, now);
    if (slot === 'full') {
      if (message.nonce) this.refuse(from, 'session_full', message.nonce);
      else this.ctx.send(from, { code: 'BK', sessionId: message.sessionId }); // What the original server answers.
      return;
    }
    // Reclaimed slots are counted, not logged: with them, 'joined' lines stay within --max-peers a session.
    if (slot === 'free') this.ctx.log('joined', { session: session.id, peer: remoteKey });
    const peer = this.seePeer(session, remoteKey, passableLanKey(message.localKey, from), now, message.nonce);
    this.introduce(session, peer, from, message.nonce);
  }

  randomSession(message: RandomSession, from: Endpoint): void {
    const now = this.ctx.now();
    const remoteKey = this.ctx.keyOf(from);
    const localKey = passableLanKey(message.localKey, from);
    const hosted = this.ctx.store.hostedBy(remoteKey);
    if (hosted && !hosted.random) {
      this.ctx.stats.ignored++; // One session per host address: this one is a hosted session.
      return;
    }
    if (hosted) {
      if (this.ctx.pairing?.isDeciding(remoteKey)) {
        this.ctx.stats.ignored++; // Redis is deciding its match: the answer follows.
        return;
      }
      if (hostNonceMatches(hosted, message.nonce)) hosted.hostSeenAt = now; // As for HS: only the host's nonce refreshes.
      const peer = hosted.peers.values().next().value;
      // Matched already: the stranger's NJ may have been lost, so it is sent again.
      if (peer) this.ctx.send(from, newJoiner(hosted, peer));
      else this.answerHost(hosted, from, message.nonce);
      return;
    }
    const joined = this.ctx.store.randomJoinedBy(remoteKey);
    if (joined) {
      this.introduce(joined, this.seePeer(joined, remoteKey, localKey, now, message.nonce), from, message.nonce);
      return;
    }
    const across = this.ctx.pairing?.answerFor(remoteKey);
    if (across) {
      this.ctx.send(from, across); // Matched with another instance's stranger: its JR again.
      return;
    }
    const { matches, matchShares } = this.ctx;
    if (this.ctx.pairing?.online) {
      // The budgets of matches count in Redis, across instances; the fair share of the strangers who come by, here.
      matchShares.seen(from.address, now);
      this.seekAcross(message, from, remoteKey, localKey, matchShares.fair(from.address, now));
      return;
    }
    // A match spends the budget of both sides' addresses and networks, and takes from both
    // addresses' fair shares: however many ports it uses, one address (or /24) takes part in at
    // most its budget of matches, and no more than its share of the strangers who come by. An
    // address past its share waits as a random host, offered only to strangers once it is back within it.
    matchShares.seen(from.address, now);
    const canMatch = (ip: string) => matches.allows(ip, now) && matchShares.fair(ip, now);
    const canNetMatch = (net: string) => matches.netAllows(net, now);
    const found = canMatch(from.address) ? this.ctx.store.waitingRandom(remoteKey, canMatch, canNetMatch) : undefined;
    // A stranger whose match Redis is deciding (it went away meanwhile) is not taken here too.
    const waiting = found && !this.ctx.pairing?.isDeciding(found.hostRemoteKey) ? found : undefined;
    if (waiting) {
      matches.spend(from.address, now);
      matches.spend(waiting.hostIp, now);
      matchShares.record(from.address, now);
      matchShares.record(waiting.hostIp, now);
      const peer = this.seePeer(waiting, remoteKey, localKey, now, message.nonce);
      this.ctx.store.matchRandom(waiting.id, remoteKey);
      this.ctx.stats.matches++;
      this.ctx.log('matched', { session: waiting.id, host: waiting.hostRemoteKey, peer: remoteKey });
      this.ctx.pairing?.removed(waiting.id);
      this.introduce(waiting, peer, from, message.nonce);
      return;
    }
    const session = this.createSession(from, remoteKey, localKey, true, message.nonce);
    if (typeof session === 'string') return this.refuse(from, session, message.nonce);
    this.ctx.pairing?.waitingOffline(waitingEntry(session, this.ctx.serverKey()));
    this.answerHost(session, from, message.nonce);
  }

  /**
   * RS with Redis: the stranger waits here at once (so that another instance's word of its match
   * finds it), and Redis matches it with the oldest stranger waiting anywhere, or queues it.
   */
  private seekAcross(message: RandomSession, from: Endpoint, remoteKey: string, localKey: string, mayMatch: boolean): void {
    const pairing = this.ctx.pairing!;
    const session = this.createSession(from, remoteKey, localKey, true, message.nonce);
    if (typeof session === 'string') return this.refuse(from, session, message.nonce);
    const nat = this.ctx.natReport();
    pairing.seek(waitingEntry(session, this.ctx.serverKey()), mayMatch).then((other) => {
      if (other) return this.joinAcross(session, other, from, localKey, message.nonce, nat);
      if (this.ctx.store.get(session.id) !== session) return;
      // Matched already (by another instance, whose word came before Redis's answer, or here while
      // Redis was away): out of the queue, and NJ follows HR, as a node expects.
      if (session.peers.size > 0) pairing.removed(session.id);
      this.answerMatchedHost(session, from, message.nonce);
    }, () => {
      if (this.ctx.store.get(session.id) !== session) return;
      // Told of its match by another instance before Redis went away: HR and NJ.
      if (session.peers.size > 0) return this.answerMatchedHost(session, from, message.nonce);
      // Redis went away meanwhile: no answer, as if the RS were lost; its resend is matched here, as without Redis.
      if (this.ctx.store.remove(session.id)) this.ctx.stats.sessionsCreated--;
    });
  }

  /** HR to a stranger that waits here, and NJ after it when it was matched meanwhile. */
  private answerMatchedHost(session: Session, to: Endpoint, nonce: string | undefined): void {
    this.answerHost(session, to, nonce, this.ctx.answer);
    const peer = session.peers.values().next().value;
    if (peer) this.ctx.answer(decodeEndpoint(session.hostLink ?? session.hostRemoteKey), newJoiner(session, peer));
  }

  /** Redis matched our stranger (waiting in [mine]) with [other]: ours is the joiner. */
  private joinAcross(mine: Session, other: WaitingEntry, from: Endpoint, localKey: string, nonce: string | undefined, nat: NatReport | undefined): void {
    const remoteKey = mine.hostRemoteKey;
    if (this.ctx.store.remove(mine.id)) this.ctx.stats.sessionsCreated--; // It waited only while Redis decided.
    const now = this.ctx.now();
    this.ctx.matchShares.record(from.address, now);
    this.ctx.matchShares.record(other.hostIp, now);
    if (other.instance === this.ctx.serverKey()) {
      const waiting = this.ctx.store.get(other.sessionId);
      this.ctx.pairing!.takenFromQueue(other.sessionId);
      if (!waiting || waiting.peers.size > 0) return; // Gone meanwhile: our stranger's resend asks again.
      const peer = this.seePeer(waiting, remoteKey, localKey, now, nonce, nat);
      this.ctx.store.matchRandom(waiting.id, remoteKey);
      this.matched(waiting.id, waiting.hostRemoteKey, remoteKey);
      this.introduce(waiting, peer, from, nonce, this.ctx.answer);
      return;
    }
    const secret = nonce && other.hostNonce ? newToken() : undefined;
    const answer: Message = {
      code: 'JR', joinerRemoteKey: remoteKey, hostRemoteKey: other.hostRemoteKey, hostLocalKey: other.hostLocalKey,
      nonce, secret, ...hostNatFields(other.hostNat as NatReport | undefined, secret),
    };
    // JR only once the other instance's stranger took it; otherwise our stranger's resend asks again.
    this.ctx.pairing!.tell(other, { sessionId: other.sessionId, remoteKey, localKey, secret, nat }, answer).then((told) => {
      if (!told) return;
      this.matched(other.sessionId, other.hostRemoteKey, remoteKey);
      this.ctx.answer(from, answer);
    }, () => undefined);
  }

  /** Another instance matched our waiting stranger with [joiner]: NJ to ours; false when ours no longer waits. */
  joinedFromElsewhere(joiner: RemoteJoiner): boolean {
    const session = this.ctx.store.get(joiner.sessionId);
    if (!session || !session.random || session.peers.size > 0) {
      this.ctx.stats.count(this.ctx.stats.dropped, 'match_lost'); // Ended, or matched here while Redis was away.
      return false;
    }
    const now = this.ctx.now();
    const peer: SessionPeer = { remoteKey: joiner.remoteKey, localKey: joiner.localKey, seenAt: now, joinedAt: now, secret: joiner.secret, nat: joiner.nat };
    this.ctx.store.putPeer(session, peer);
    this.ctx.store.matchRandom(session.id, joiner.remoteKey);
    // While Redis's answer to its own RS is on its way, NJ waits for HR (seekAcross sends both).
    if (!this.ctx.pairing?.isDeciding(session.hostRemoteKey)) this.ctx.answer(decodeEndpoint(session.hostLink ?? session.hostRemoteKey), newJoiner(session, peer));
    return true;
  }

  private matched(session: string, host: string, peer: string): void {
    this.ctx.stats.matches++;
    this.ctx.log('matched', { session, host, peer });
  }

  keepAlive(message: KeepAlive, from: Endpoint): void {
    const session = this.ownSession(message.sessionId, from, message.nonce);
    if (session) this.heardFromHost(session);
  }

  /** Whether [message] is a KA from the host of an existing session: cheap, and never answered. */
  isHostKeepAlive(message: KeepAlive, from: Endpoint): boolean {
    const session = this.ctx.store.get(message.sessionId);
    return session !== undefined && isHost(session, this.ctx.keyOf(from)) && hostNonceMatches(session, message.nonce);
  }

  /** HL: the host's node moves its conversation to [from]; its registered address stays the game's. */
  hostLink(message: HostLink, from: Endpoint): void {
    const session = this.ctx.store.get(message.sessionId);
    if (!session || session.random || session.hostNonce === undefined || session.hostNonce !== message.nonce) {
      this.ctx.stats.ignored++; // Only a host of ours, which alone knows its nonce, may link.
      return;
    }
    session.hostLink = this.ctx.keyOf(from);
    this.heardFromHost(session);
    this.answerHost(session, from, message.nonce);
  }

  closeSession(message: CloseSession, from: Endpoint): void {
    const session = this.ownSession(message.sessionId, from, message.nonce);
    if (!session) return;
    this.ctx.store.remove(session.id);
    this.ctx.stats.sessionsClosed++;
    this.ctx.log('closed', { session: session.id, peers: session.peers.size });
  }

  /** A session whose host went silent while a joiner waited: it ends now, as at expiry. */
  private endSilentSession(session: Session): void {
    this.ctx.store.remove(session.id);
    this.ctx.relays?.sessionsExpired([session.id]);
    this.ctx.stats.sessionsExpired++;
    this.ctx.log('expired', { session: session.id, peers: session.peers.size });
  }

  /**
   * LP: the host lists its session, changes its metadata, or (empty name) takes it off the list.
   * Only a hosted session of ours may be listed: the nonce proves the host, as in HL, and like a
   * KA it shows the host alive.
   */
  lobbyPublish(message: LobbyPublish, from: Endpoint): void {
    const session = this.ctx.store.get(message.sessionId);
    if (!session || session.random || session.hostNonce === undefined || session.hostNonce !== message.nonce || !isHost(session, this.ctx.keyOf(from))) {
      this.ctx.stats.ignored++;
      return;
    }
    this.heardFromHost(session);
    const { alias, name, mode, map, version } = message;
    this.ctx.store.publish(session, name === '' ? undefined : { cap: Number(message.cap), alias, name, mode, map, version });
    this.ctx.send(from, { code: 'LD', sessionId: session.id, nonce: message.nonce });
  }

  /** LS: a page of the listed sessions, within the request's length and its address's and /24's budget. */
  listSessions(message: ListSessions, from: Endpoint): void {
    const now = this.ctx.now();
    if (!this.ctx.lists.allows(from.address, now)) {
      this.ctx.stats.count(this.ctx.stats.dropped, 'list_budget');
      return;
    }
    this.ctx.lists.spend(from.address, now);
    const { store, config } = this.ctx;
    const page = lobbyPage(message, this.ctx.requestBytes(), { store, aliveSince: now - config.expiryMs, maxPeers: config.maxPeers });
    if (page) this.ctx.send(from, page);
    else this.ctx.stats.count(this.ctx.stats.dropped, 'amplification'); // Too short for even one session.
  }

  relayRequest(message: RelayRequest, from: Endpoint): void {
    // A host's link (HL) asks for a late joiner on behalf of the game's address.
    const fromKey = hostSide(this.ctx.store.get(message.sessionId), this.ctx.keyOf(from));
    const peer = message.peerKey;
    // Found by the pair, not only by id: a random session's stranger never learns the id.
    const session = pairSession(this.ctx.store, message.sessionId, fromKey, peer);
    // A stranger of ours matched with one waiting on another instance: that instance relays the pair.
    if (!session && this.ctx.pairing?.passRelayRequest(fromKey, peer, from, message.nonce)) return;
    if (!session) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'not_in_session');
      return;
    }
    // Either side asking shows it is alive: a joiner keeps its slot, and a host that names its
    // session's id (which only HR told it) with its nonce proves its return path.
    if (session.hostRemoteKey !== fromKey) session.peers.get(fromKey)!.seenAt = this.ctx.now();
    else if (message.sessionId === session.id && hostNonceMatches(session, message.nonce)) this.heardFromHost(session);
    if (!this.ctx.relays?.enabled) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'relays_off');
      return;
    }
    this.ctx.relays.request(session.id, fromKey, peer, from, message.nonce);
  }

  /** Another instance passed on its stranger's RQ for a pair whose session is here: as if it came here. */
  relayRequestFromElsewhere(request: RemoteRelayRequest): void {
    const session = this.ctx.store.get(request.sessionId);
    const peer = session?.peers.get(request.fromKey);
    if (!session || !peer || session.hostRemoteKey !== request.peerKey || !this.ctx.relays?.enabled) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'not_in_session');
      return;
    }
    peer.seenAt = this.ctx.now();
    this.ctx.relays.request(session.id, request.fromKey, request.peerKey, request.from, request.nonce);
  }

  relayBind(_message: RelayBind, _from: Endpoint): void {
    this.ctx.stats.ignored++; // RB belongs on a relay port, not here.
  }

  /** NAT diagnosis on the rendezvous port: the source address seen here, and where the probe port is. */
  natProbe(message: NatProbe, from: Endpoint): void {
    this.ctx.send(from, this.ctx.natAnswer(message, from));
  }

  /** Drops sessions whose host has been silent since before [cutoff], and provisional ones created before [unconfirmedCutoff]. */
  expire(cutoff: number, unconfirmedCutoff: number): void {
    // Provisional sessions are counted, not logged: spoofed registrations must not fill the log.
    const unconfirmed = this.ctx.store.removeUnconfirmed(unconfirmedCutoff);
    this.ctx.stats.registrationsUnconfirmed += unconfirmed.length;
    const stale = this.ctx.store.removeStale(cutoff);
    // Sessions that ended without a handover take their relays with them.
    this.ctx.relays?.sessionsExpired([...unconfirmed, ...stale].map((s) => s.id));
    for (const session of stale) {
      if (!session.confirmed) {
        this.ctx.stats.registrationsUnconfirmed++;
        continue;
      }
      this.ctx.stats.sessionsExpired++;
      this.ctx.log('expired', { session: session.id, peers: session.peers.size });
    }
  }

  /**
   * A new session, or the reason a limit refuses it (counted). At a
   * limit, the oldest provisional session (of this address, or of the server) gives way: an
   * unproven registration cannot keep a real host out, and holding the table full takes an
   * attacker a fresh registration for every one it holds, within every confirm window.
   */
  private createSession(from: Endpoint, hostRemoteKey: string, hostLocalKey: string, random: boolean, hostNonce: string | undefined): Session | Refusal {
    const { store, stats } = this.ctx;
    if (this.ctx.draining()) {
      stats.registrationsRefused++; // Draining: the node registers elsewhere.
      return 'server_full';
    }
    if (store.hostedFromIp(from.address) >= this.ctx.config.sessionsPerIp && !this.evictProvisional(from.address)) {
      stats.registrationsRefused++;
      return 'address_limit';
    }
    if (store.size >= this.ctx.config.maxSessions && !this.evictProvisional()) {
      stats.registrationsRefused++;
      return 'server_full';
    }
    const id = newSessionId(this.ctx.serverKey(), this.ctx.config.suffixBigrams, (candidate) => store.get(candidate) !== undefined);
    if (id === null) {
      stats.registrationsRefused++;
      return 'server_full';
    }
    const now = this.ctx.now();
    const session: Session = {
      id, hostRemoteKey, hostIp: from.address, hostLocalKey, hostNonce, hostNat: this.ctx.natReport(), random, peers: new PeerTable(), createdAt: now,
      hostSeenAt: now, confirmed: false,
    };
    store.add(session);
    stats.sessionsCreated++;
    return session;
  }

  private evictProvisional(ip?: string): boolean {
    const oldest = this.ctx.store.oldestProvisional(ip);
    if (!oldest) return false;
    this.ctx.store.remove(oldest.id);
    this.ctx.relays?.sessionsExpired([oldest.id]);
    this.ctx.stats.registrationsEvicted++;
    return true;
  }

  /** The host sent something only HR told it: the return path works. */
  private heardFromHost(session: Session): void {
    session.hostSeenAt = this.ctx.now();
    if (session.confirmed) return;
    this.ctx.store.confirm(session.id);
    this.ctx.log('registered', { session: session.id, host: session.hostRemoteKey, random: session.random });
  }

  /**
   * Adds or refreshes a joiner, moving it to the end of the least-recently-heard order. A pair
   * whose two sides both sent nonces (both are ours) gets a secret, the same for every duplicate.
   */
  private seePeer(session: Session, remoteKey: string, localKey: string, now: number, nonce: string | undefined, nat = this.ctx.natReport()): SessionPeer {
    const known = session.peers.get(remoteKey);
    if (known) {
      // A duplicate (its JR was lost) or a join again: the same joiner, updated where it stands.
      known.localKey = localKey;
      known.seenAt = now;
      known.secret ??= nonce && session.hostNonce ? newToken() : undefined;
      known.nat = nat ?? known.nat;
      this.ctx.store.putPeer(session, known);
      return known;
    }
    const secret = nonce && session.hostNonce ? newToken() : undefined;
    const peer: SessionPeer = { remoteKey, localKey, seenAt: now, joinedAt: now, secret, nat };
    this.ctx.store.putPeer(session, peer);
    return peer;
  }

  private answerHost(session: Session, to: Endpoint, nonce: string | undefined, via = this.ctx.send): void {
    via(to, { code: 'HR', remoteKey: session.hostRemoteKey, sessionId: session.id, nonce });
  }

  /** RF to a request that carried a nonce (our node); an original client gets today's silence. */
  private refuse(to: Endpoint, reason: Refusal, nonce: string | undefined): void {
    if (nonce) this.ctx.send(to, { code: 'RF', reason, nonce });
  }

  /** NJ to the host and JR to the joiner: each learns where to punch. */
  private introduce(session: Session, peer: SessionPeer, joiner: Endpoint, joinerNonce: string | undefined, via: HandlerContext['send'] = this.ctx.send): void {
    const hostKey = session.hostLink ?? session.hostRemoteKey;
    via(decodeEndpoint(hostKey), newJoiner(session, peer), hostKey);
    via(joiner, {
      code: 'JR', joinerRemoteKey: peer.remoteKey, hostRemoteKey: session.hostRemoteKey, hostLocalKey: session.hostLocalKey,
      nonce: joinerNonce, secret: peer.secret, ...hostNatFields(session.hostNat, peer.secret),
    }, peer.remoteKey);
  }

  /** The session [id] when [from] is its host; otherwise counts the request as ignored. */
  private ownSession(id: string, from: Endpoint, nonce: string | undefined): Session | undefined {
    const session = this.ctx.store.get(id);
    if (session && isHost(session, this.ctx.keyOf(from)) && hostNonceMatches(session, nonce)) return session;
    this.ctx.stats.ignored++;
    return undefined;
  }
}

/** Whether [session]'s host has not been heard since [joiner] came, [silenceMs] ago or more. */
function hostGone(session: Session, joiner: SessionPeer | undefined, now: number, silenceMs: number): boolean {
  return joiner !== undefined && session.hostSeenAt <= joiner.joinedAt && now - joiner.joinedAt >= silenceMs;
}

/** A waiting stranger of this instance, as the shared queue keeps it. */
function waitingEntry(session: Session, instance: string): WaitingEntry {
  return {
    instance, sessionId: session.id, hostRemoteKey: session.hostRemoteKey, hostIp: session.hostIp, hostNet: network24(session.hostIp),
    hostLocalKey: session.hostLocalKey, hostNonce: session.hostNonce, hostNat: session.hostNat,
  };
}

/** The /24 an IPv4 address belongs to, as the budgets of matches count networks. */
function network24(ip: string): string {
  return ip.slice(0, ip.lastIndexOf('.'));
}

/** NJ for the host: the joiner, with the host's own nonce, the pair's secret and the joiner's NAT report when there are. */
function newJoiner(session: Session, peer: SessionPeer): Message {
  return {
    code: 'NJ', joinerRemoteKey: peer.remoteKey, joinerLocalKey: peer.localKey, nonce: session.hostNonce, secret: peer.secret,
    ...joinerNatFields(peer.nat, peer.secret),
  };
}
