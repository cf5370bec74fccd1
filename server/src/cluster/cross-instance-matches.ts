/**
 * The handlers' side of random pairing across instances: a stranger that arrives here is matched
 * through Redis (cross-instance-pairing.ts), and another instance's word of a match, or of a relay
 * request for a pair whose session is here, is answered as if it had come here.
 */
import type { Endpoint, Message, RandomSession } from '../generated/protocol.ts';
import type { HandlerContext } from '../handler-context.ts';
import { hostNatFields, type NatReport } from '../nat/nat-book.ts';
import { newJoiner, type SessionActions } from '../session-actions.ts';
import { decodeEndpoint } from '../sessions/session-rules.ts';
import type { Session, SessionPeer } from '../sessions/session.ts';
import { newToken } from '../sessions/tokens.ts';
import type { RemoteJoiner, RemoteRelayRequest, TellOutcome } from './cross-instance-messages.ts';
import type { MatchSide } from './match-refund.ts';
import type { Match, WaitingEntry } from './match-script.ts';
import { readPings } from './node-choice.ts';

export class CrossInstanceMatches {
  constructor(private readonly ctx: HandlerContext, private readonly sessions: SessionActions) {}

  /**
   * RS with Redis: the stranger waits here at once (so that another instance's word of its match
   * finds it), and Redis matches it with the oldest stranger waiting anywhere, or queues it.
   */
  seek(message: RandomSession, from: Endpoint, remoteKey: string, localKey: string, mayMatch: boolean): void {
    const pairing = this.ctx.pairing!;
    const session = this.sessions.createSession(from, remoteKey, localKey, true, message.nonce);
    if (typeof session === 'string') return this.sessions.refuse(from, session, message.nonce);
    const nat = this.ctx.natReport();
    pairing.seek(waitingEntry(session, this.ctx.serverKey()), mayMatch).then((match) => {
      if (match) return this.joinAcross(session, match, from, localKey, message.nonce, nat);
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
    this.sessions.answerHost(session, to, nonce, this.ctx.answer);
    const peer = session.peers.values().next().value;
    if (peer) this.ctx.answer(decodeEndpoint(session.hostLink ?? session.hostRemoteKey), newJoiner(session, peer));
  }

  /** Whether our stranger queued again after an outage may be matched now: it still waits alone, within its fair share. */
  mayMatchAgain(entry: WaitingEntry): boolean {
    const session = this.ctx.store.get(entry.sessionId);
    return session !== undefined && session.random && session.peers.size === 0 && this.ctx.matchShares.fair(session.hostIp, this.ctx.now());
  }

  /**
   * Redis answered our stranger queued again: matched with another, it joins the other's session
   * as an arriving stranger would (JR to it, NJ to the other), its own waiting session gone. Matched
   * by another instance meanwhile instead, it hears NJ now, held back while Redis decided.
   */
  queuedAgain(entry: WaitingEntry, match: Match | null): void {
    const session = this.ctx.store.get(entry.sessionId);
    const alone = session !== undefined && session.random && session.peers.size === 0;
    if (match && alone) return this.joinAcross(session, match, decodeEndpoint(session.hostLink ?? session.hostRemoteKey), session.hostLocalKey, session.hostNonce, session.hostNat, true);
    if (match) {
      // Ours no longer waits alone: the other is not lost, and gets back what the match spent of its
      // budgets. Ours does not: it left, or was matched meanwhile, spending for that match.
      const pairing = this.ctx.pairing!;
      void pairing.giveBackSpent(match, ['taken']).then(() => pairing.giveBack(match.other));
    }
    // Matched (by a stranger of ours queued again with it, or another instance's) or ended while Redis
    // decided: the entry its own request put back in the queue goes, or a newcomer's match would fall through.
    else if (!alone) this.ctx.pairing!.dequeue(entry.sessionId);
    const peer = session?.peers.values().next().value;
    if (session && peer) this.ctx.answer(decodeEndpoint(session.hostLink ?? session.hostRemoteKey), newJoiner(session, peer));
  }

  /**
   * Redis matched our stranger (waiting in [mine], since its RS or [hadWaited] as a random host) with
   * [match]'s stranger: ours is the joiner. Its own session stays until it joined.
   */
  private joinAcross(mine: Session, match: Match, from: Endpoint, localKey: string, nonce: string | undefined, nat: NatReport | undefined, hadWaited = false): void {
    const { other } = match;
    const pairing = this.ctx.pairing!;
    const remoteKey = mine.hostRemoteKey;
    // Its own session goes: one that waited only while Redis decided is not counted; one heard of as HR was.
    const leave = () => {
      if (this.ctx.store.remove(mine.id) && !hadWaited) this.ctx.stats.sessionsCreated--;
    };
    // Not joined after all: ours waits on in its session, queued again once [sides] got back what
    // the match spent. One that just arrived hears HR now: its resends were not answered meanwhile
    // (up to JOINER_ANSWER_MS), and its next one might come only a second later.
    const notJoined = (sides: readonly MatchSide[]) => {
      const waits = () => this.ctx.store.get(mine.id) === mine && mine.peers.size === 0;
      if (!hadWaited && waits()) this.sessions.answerHost(mine, from, nonce, this.ctx.answer);
      void pairing.giveBackSpent(match, sides).then(() => {
        if (waits()) pairing.giveBack(waitingEntry(mine, this.ctx.serverKey()));
      });
    };
    const now = this.ctx.now();
    this.ctx.matchShares.record(from.address, now);
    this.ctx.matchShares.record(other.hostIp, now);
    if (other.instance === this.ctx.serverKey()) {
      const waiting = this.ctx.store.get(other.sessionId);
      pairing.takenFromQueue(other.sessionId);
      // Gone or matched meanwhile, by its own doing: only ours gets its budgets back.
      if (!waiting || waiting.peers.size > 0) return notJoined(['asker']);
      leave();
      const peer = this.sessions.seePeer(waiting, remoteKey, localKey, now, nonce, nat);
      this.ctx.store.matchRandom(waiting.id, remoteKey);
      this.matched(waiting.id, waiting.hostRemoteKey, remoteKey);
      this.sessions.introduce(waiting, peer, from, nonce, this.ctx.answer);
      return;
    }
    const secret = nonce && other.hostNonce ? newToken() : undefined;
    const answer: Message = {
      code: 'JR', joinerRemoteKey: remoteKey, hostRemoteKey: other.hostRemoteKey, hostLocalKey: other.hostLocalKey,
      nonce, secret, ...hostNatFields(other.hostNat as NatReport | undefined, secret),
    };
    // JR only once the other instance's stranger took it.
    pairing.tell(other, { sessionId: other.sessionId, remoteKey, localKey, secret, nat }, answer).then((outcome) => {
      if (outcome !== 'taken') return notJoined(GIVEN_BACK[outcome]);
      leave();
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
    // While Redis's answer to its own RS is on its way, NJ waits for HR (seek sends both).
    if (!this.ctx.pairing?.isDeciding(session.hostRemoteKey)) this.ctx.answer(decodeEndpoint(session.hostLink ?? session.hostRemoteKey), newJoiner(session, peer));
    return true;
  }

  private matched(session: string, host: string, peer: string): void {
    this.ctx.stats.matches++;
    this.ctx.log('matched', { session, host, peer });
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
    this.ctx.relays.request(session.id, request.fromKey, request.peerKey, request.from, request.nonce, readPings(request.pings));
  }
}

/**
 * Whose budgets of matches a match across instances that fell through gives back, by how telling
 * the other instance ended. A side gets them back only when it certainly heard nothing of the
 * match and did not undo it itself: a stranger cannot earn matches by making its own fall through,
 * and one that undoes others' matches pays for each with its own budget. Ours (the asker) heard no
 * JR in any case. The taken stranger undid the match when it no longer waited (it left, or was
 * matched meanwhile and spent for that); when its instance heard the word but did not answer in
 * time, or Redis went away before saying whether anybody heard it, it may have heard NJ (the answer
 * lost or late), so the match counts for it; when Redis said no instance heard the word, neither
 * did it.
 */
const GIVEN_BACK: Record<Exclude<TellOutcome, 'taken'>, readonly MatchSide[]> = {
  not_waiting: ['asker'],
  unanswered: ['asker'],
  lost: ['asker'],
  unheard: ['asker', 'taken'],
};

/** A waiting stranger of this instance, as the shared queue keeps it. */
export function waitingEntry(session: Session, instance: string): WaitingEntry {
  return {
    instance, sessionId: session.id, hostRemoteKey: session.hostRemoteKey, hostIp: session.hostIp, hostNet: network24(session.hostIp),
    hostLocalKey: session.hostLocalKey, hostNonce: session.hostNonce, hostNat: session.hostNat,
  };
}

/** The /24 an IPv4 address belongs to, as the budgets of matches count networks. */
function network24(ip: string): string {
  return ip.slice(0, ip.lastIndexOf('.'));
}
