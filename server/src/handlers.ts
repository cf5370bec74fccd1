/**
 * What the server does with each request. Every handler is idempotent: a duplicate request gets
 * the same answer and creates no second session or peer. The server only answers; it never
 * sends on its own.
 */
import {
  type CloseSession, type Endpoint, type HostLink, type HostSession, type JoinSession, type KeepAlive, type ListSessions,
  type LobbyPublish, type NatProbe, type RandomSession, type RelayBind, type RelayPing, type RelayRebind, type RelayRequest, type ServerHandlers,
} from './generated/protocol.ts';
import { type AddressKey, addressKey } from './addresses.ts';
import type { HandlerContext } from './handler-context.ts';
import { CrossInstanceMatches, waitingEntry } from './cluster/cross-instance-matches.ts';
import { readPings } from './cluster/node-choice.ts';
import { pairSession } from './relay/pair-session.ts';
import { newJoiner, SessionActions } from './session-actions.ts';
import { endSilentSession, expireSessions, hostGone } from './session-expiry.ts';
import { passableLanKey } from './sessions/lan-key.ts';
import { hostNonceMatches, hostSide, isHost, takeSlot } from './sessions/session-rules.ts';
import type { Session } from './sessions/session.ts';
import { lobbyPage } from './sessions/lobby-page.ts';

export class RendezvousHandlers implements ServerHandlers<Endpoint> {
  private readonly sessions: SessionActions;
  /** Random pairing across instances, and another instance's word of a match or a relay request. */
  readonly across: CrossInstanceMatches;
  /** The KA isHostKeepAlive last found to be its host's, and the session: keepAlive need not look it up again. */
  private provenKeepAlive: KeepAlive | undefined;
  private provenSession: Session | undefined;

  /** The time of the random match being sought, for the two checks below (methods made once, not closures per request). */
  private matchAt = 0;
  /** Whether [ip] (an address, or its key) may take part in a random match now: within its budget and its fair share. */
  private readonly canMatch = (ip: AddressKey): boolean => this.ctx.matches.allows(ip, this.matchAt) && this.ctx.matchShares.fair(ip, this.matchAt);
  private readonly canNetMatch = (net: string): boolean => this.ctx.matches.netAllows(net, this.matchAt);

  constructor(private readonly ctx: HandlerContext) {
    this.sessions = new SessionActions(ctx);
    this.across = new CrossInstanceMatches(ctx, this.sessions);
  }

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
      this.sessions.answerHost(existing, from, message.nonce);
      return;
    }
    const session = this.sessions.createSession(from, remoteKey, localKey, false, message.nonce);
    if (typeof session === 'string') this.sessions.refuse(from, session, message.nonce);
    else this.sessions.answerHost(session, from, message.nonce);
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
      endSilentSession(this.ctx, session);
      this.ctx.send(from, { code: 'BK', sessionId: message.sessionId, nonce: message.nonce });
      return;
    }
    const slot = takeSlot(this.ctx, session, remoteKey, from.address, now);
    if (slot === 'full') {
      if (message.nonce) this.sessions.refuse(from, 'session_full', message.nonce);
      else this.ctx.send(from, { code: 'BK', sessionId: message.sessionId }); // What the original server answers.
      return;
    }
    // Reclaimed slots are counted, not logged: with them, 'joined' lines stay within --max-peers a session.
    if (slot === 'free') this.ctx.log('joined', { session: session.id, peer: remoteKey });
    const peer = this.sessions.seePeer(session, remoteKey, passableLanKey(message.localKey, from), now, message.nonce);
    this.sessions.introduce(session, peer, from, message.nonce);
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
    if (this.ctx.pairing?.isDeciding(remoteKey)) {
      this.ctx.stats.ignored++; // Redis is deciding its match, or the other instance is told of it: the answer follows.
      return;
    }
    if (hosted) {
      if (hostNonceMatches(hosted, message.nonce)) hosted.hostSeenAt = now; // As for HS: only the host's nonce refreshes.
      const peer = hosted.peers.values().next().value;
      // Matched already: the stranger's NJ may have been lost, so it is sent again.
      if (peer) this.ctx.send(from, newJoiner(hosted, peer));
      else this.sessions.answerHost(hosted, from, message.nonce);
      return;
    }
    const joined = this.ctx.store.randomJoinedBy(remoteKey);
    if (joined) {
      this.sessions.introduce(joined, this.sessions.seePeer(joined, remoteKey, localKey, now, message.nonce), from, message.nonce);
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
      this.across.seek(message, from, remoteKey, localKey, matchShares.fair(from.address, now));
      return;
    }
    // A match spends the budget of both sides' addresses and networks, and takes from both
    // addresses' fair shares: however many ports it uses, one address (or /24) takes part in at
    // most its budget of matches, and no more than its share of the strangers who come by. An
    // address past its share waits as a random host, offered only to strangers once it is back within it.
    const ip = addressKey(from.address); // Read once for the budgets and shares below.
    matchShares.seen(ip, now);
    this.matchAt = now;
    const found = this.canMatch(ip) ? this.ctx.store.waitingRandom(remoteKey, this.canMatch, this.canNetMatch) : undefined;
    // A stranger whose match Redis is deciding (it went away meanwhile) is not taken here too.
    const waiting = found && !this.ctx.pairing?.isDeciding(found.hostRemoteKey) ? found : undefined;
    if (waiting) {
      matches.spend(ip, now);
      matches.spend(waiting.hostIp, now);
      matchShares.record(ip, now);
      matchShares.record(waiting.hostIp, now);
      const peer = this.sessions.seePeer(waiting, remoteKey, localKey, now, message.nonce);
      this.ctx.store.matchRandom(waiting.id, remoteKey);
      this.ctx.stats.matches++;
      this.ctx.log('matched', { session: waiting.id, host: waiting.hostRemoteKey, peer: remoteKey });
      this.ctx.pairing?.removed(waiting.id);
      this.sessions.introduce(waiting, peer, from, message.nonce);
      return;
    }
    const session = this.sessions.createSession(from, remoteKey, localKey, true, message.nonce);
    if (typeof session === 'string') return this.sessions.refuse(from, session, message.nonce);
    this.ctx.pairing?.waitingOffline(waitingEntry(session, this.ctx.serverKey()));
    this.sessions.answerHost(session, from, message.nonce);
  }

  keepAlive(message: KeepAlive, from: Endpoint): void {
    // The same datagram (and nothing changed sessions since): its session was found already.
    const session = message === this.provenKeepAlive ? this.provenSession : this.ownSession(message.sessionId, from, message.nonce);
    this.provenKeepAlive = undefined;
    this.provenSession = undefined;
    if (session) this.sessions.heardFromHost(session);
  }

  /** Whether [message] is a KA from the host of an existing session: cheap, and never answered. */
  isHostKeepAlive(message: KeepAlive, from: Endpoint): boolean {
    const session = this.ctx.store.get(message.sessionId);
    if (session === undefined || !isHost(session, this.ctx.keyOf(from)) || !hostNonceMatches(session, message.nonce)) return false;
    this.provenKeepAlive = message;
    this.provenSession = session;
    return true;
  }

  /** HL: the host's node moves its conversation to [from]; its registered address stays the game's. */
  hostLink(message: HostLink, from: Endpoint): void {
    const session = this.ctx.store.get(message.sessionId);
    if (!session || session.random || session.hostNonce === undefined || session.hostNonce !== message.nonce) {
      this.ctx.stats.ignored++; // Only a host of ours, which alone knows its nonce, may link.
      return;
    }
    session.hostLink = this.ctx.keyOf(from);
    this.sessions.heardFromHost(session);
    this.sessions.answerHost(session, from, message.nonce);
  }

  closeSession(message: CloseSession, from: Endpoint): void {
    const session = this.ownSession(message.sessionId, from, message.nonce);
    if (!session) return;
    this.ctx.store.remove(session.id);
    this.ctx.stats.sessionsClosed++;
    this.ctx.log('closed', { session: session.id, peers: session.peers.size });
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
    this.sessions.heardFromHost(session);
    const { alias, name, mode, map, version } = message;
    const players = message.players === undefined ? undefined : Number(message.players);
    this.ctx.store.publish(session, name === '' ? undefined : { cap: Number(message.cap), alias, name, mode, map, version, players });
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
    if (!session && this.ctx.pairing?.passRelayRequest(fromKey, peer, from, message.nonce, message.pings)) return;
    if (!session) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'not_in_session');
      return;
    }
    // Either side asking shows it is alive: a joiner keeps its slot, and a host that names its
    // session's id (which only HR told it) with its nonce proves its return path.
    if (session.hostRemoteKey !== fromKey) session.peers.get(fromKey)!.seenAt = this.ctx.now();
    else if (message.sessionId === session.id && hostNonceMatches(session, message.nonce)) this.sessions.heardFromHost(session);
    if (!this.ctx.relays?.enabled) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'relays_off');
      return;
    }
    this.ctx.relays.request(session.id, fromKey, peer, from, message.nonce, readPings(message.pings));
  }

  relayRebind(message: RelayRebind, from: Endpoint): void {
    if (!this.ctx.relays?.nodeGrants) {
      this.ctx.stats.count(this.ctx.stats.relayDropped, 'relays_off');
      return;
    }
    this.ctx.relays.rebind(this.ctx.keyOf(from), from, message.relayKey, message.grant, message.nonce, readPings(message.pings));
  }

  relayBind(_message: RelayBind, _from: Endpoint): void {
    this.ctx.stats.ignored++; // RB belongs on a relay port, not here.
  }

  relayPing(_message: RelayPing, _from: Endpoint): void {
    this.ctx.stats.ignored++; // RP belongs on a relay node's port, not here.
  }

  /** NAT diagnosis on the rendezvous port: the source address seen here, and where the probe port is. */
  natProbe(message: NatProbe, from: Endpoint): void {
    this.ctx.send(from, this.ctx.natAnswer(message, from));
  }

  /** Drops sessions whose host has been silent since before [cutoff], and provisional ones created before [unconfirmedCutoff]. */
  expire(cutoff: number, unconfirmedCutoff: number): void {
    expireSessions(this.ctx, cutoff, unconfirmedCutoff);
  }

  /** The session [id] when [from] is its host; otherwise counts the request as ignored. */
  private ownSession(id: string, from: Endpoint, nonce: string | undefined): Session | undefined {
    const session = this.ctx.store.get(id);
    if (session && isHost(session, this.ctx.keyOf(from)) && hostNonceMatches(session, nonce)) return session;
    this.ctx.stats.ignored++;
    return undefined;
  }
}
