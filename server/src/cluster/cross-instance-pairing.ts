/**
 * Random pairing across instances. Every stranger that waits is queued in Redis; a stranger that
 * arrives at any instance takes the oldest one (match-script.ts). The instance that matched answers
 * its own stranger (JR) and tells the waiting stranger's instance on that instance's channel,
 * which answers its own (NJ): each player hears only from the address it asked. Strangers queued
 * again after an outage are matched the same way, as if they arrived (reconnected).
 */
import { encodeKey, type Endpoint, type Message } from '../generated/protocol.ts';
import { type ChannelMessage, instanceChannel, type PairingHandlers, type RemoteJoiner, type RemoteRelayRequest, type TellOutcome } from './cross-instance-messages.ts';
import { giveBackSpent, type MatchSide } from './match-refund.ts';
import { leaveQueue, type Match, type MatchLimits, matchOrWait, refreshEntries, type WaitingEntry } from './match-script.ts';
import { PendingMatches } from './pending-matches.ts';
import { RecentMemory } from './recent-memory.ts';
import type { RedisLink } from './redis-link.ts';

/** Relay answers go to another instance's stranger for this long after its request came. */
const REQUESTER_MEMORY_MS = 60_000;

/** A matched stranger's JR is kept this long, to answer its resends of RS. */
const JOINED_MEMORY_MS = 60_000;

/** Queued entries are refreshed this often and last ENTRY_TTL_MS: a dead instance's strangers leave the queue within it. */
const REFRESH_MS = 5_000;
export const ENTRY_TTL_MS = 3 * REFRESH_MS;

export class CrossInstancePairing {
  /** Strangers whose match is being decided in Redis or told to another instance. */
  private readonly pending: PendingMatches;
  /** This instance's strangers queued in Redis, by session id: queued again after Redis restarts empty. */
  private readonly queued = new Map<string, WaitingEntry>();
  /** JR sent to strangers matched with another instance's, by their address. */
  private readonly joined: RecentMemory<{ answer: Message; sessionId: string; instance: string; hostKey: string }>;
  /** Another instance's strangers whose relay requests came here: by endpoint key, that instance. */
  private readonly requesters: RecentMemory<string>;
  /** Strangers that began waiting here while Redis was away: queued once it is back. */
  private readonly offline = new Map<string, WaitingEntry>();
  /** Queued strangers matched here while Redis was away: taken out of the queue once it is back. */
  private readonly leaving = new Set<string>();
  /** Subscribed to this instance's channel (the subscription is renewed after each reconnection). */
  private listening = false;
  private refresher: NodeJS.Timeout | undefined;
  private handlers: PairingHandlers | undefined;
  /** Matches this instance made with another instance's stranger, and ones it was told of. */
  readonly counts = { matchedAcross: 0, toldOfMatch: 0, lostMatches: 0 };

  constructor(
    private readonly link: RedisLink,
    private readonly instance: () => string,
    private readonly limits: MatchLimits,
    now: () => number,
  ) {
    this.pending = new PendingMatches(link);
    this.joined = new RecentMemory(JOINED_MEMORY_MS, now);
    this.requesters = new RecentMemory(REQUESTER_MEMORY_MS, now);
  }

  /**
   * Listens on this instance's channel: [onJoiner] runs for each of its strangers matched elsewhere.
   * Resolves once it listens, or at once while Redis is away (the instance serves alone meanwhile).
   */
  start(handlers: PairingHandlers): Promise<void> {
    this.handlers = handlers;
    this.link.subscriber.on('message', (_channel: string, text: string) => {
      try {
        const message = JSON.parse(text) as ChannelMessage;
        if (message.kind === 'joiner') {
          this.queued.delete(message.sessionId);
          this.pending.toldOf(message.sessionId);
          this.counts.toldOfMatch++;
          const taken = handlers.joiner(message);
          void this.publish(message.replyTo, { kind: 'joiner_answer', sessionId: message.sessionId, remoteKey: message.remoteKey, taken });
        } else if (message.kind === 'joiner_answer') {
          this.pending.answer(message);
        } else if (message.kind === 'relay_request') {
          this.requesters.remember(encodeKey(message.from), message.replyTo);
          handlers.relayRequest(message);
        } else if (message.kind === 'answer' && this.joined.holds(encodeKey(message.to))) {
          handlers.answer(message.to, message.message); // Only to a stranger of ours matched elsewhere.
        }
      } catch {
        this.counts.lostMatches++; // Nothing from Redis may throw out of its handler.
      }
    });
    // Online again once Redis answers and this instance listens on its channel, whichever comes last.
    this.link.whenReady(() => {
      if (this.online) this.reconnected();
    });
    this.link.subscriber.on('ready', () => this.listen());
    this.link.subscriber.on('close', () => {
      this.listening = false;
    });
    // With Redis away this completes once Redis answers, and the instance serves alone meanwhile.
    const listening = this.listen();
    this.refresher = setInterval(() => this.sweep(), REFRESH_MS);
    this.refresher.unref();
    return this.link.online ? listening : Promise.resolve();
  }

  /** A stranger waits here while Redis is away; it joins the queue once Redis is back. */
  waitingOffline(entry: WaitingEntry): void {
    this.offline.set(entry.sessionId, entry);
  }

  private reconnected(): void {
    const leaving = [...this.leaving];
    this.leaving.clear();
    if (leaving.length > 0) this.link.timed((redis) => leaveQueue(redis, leaving)).catch(() => undefined);
    // Redis may have restarted empty: the strangers queued before are queued again (kept where they
    // still are), and matched meanwhile when they may: two left waiting on different instances meet.
    const entries = [...this.queued.values(), ...this.offline.values()];
    this.offline.clear();
    for (const entry of entries) this.queueAgain(entry);
  }

  private queueAgain(entry: WaitingEntry): void {
    const handlers = this.handlers;
    this.seek(entry, handlers?.mayMatchAgain(entry) ?? false).then(
      (match) => handlers?.queuedAgain(entry, match),
      () => this.offline.set(entry.sessionId, entry),
    );
  }

  /**
   * Subscribes (again) to this instance's channel. Until that is done, a match of one of our
   * strangers made by another instance would find no listener and fall through, its stranger
   * taken out of the queue unheard: meanwhile this instance serves alone (not online), and once
   * it listens, its waiting strangers are queued again.
   */
  private listen(): Promise<void> {
    return this.link.subscriber.subscribe(instanceChannel(this.instance())).then(() => {
      const was = this.online;
      this.listening = true;
      if (!was && this.online) this.reconnected();
    }, () => undefined);
  }

  /** Whether Redis answers and this instance hears the words of its strangers' matches. */
  get online(): boolean {
    return this.listening && this.link.online;
  }

  /** Whether [remoteKey]'s match is being decided: its resends are not answered meanwhile. */
  isDeciding(remoteKey: string): boolean {
    return this.pending.isDeciding(remoteKey);
  }

  /** The JR already sent to [remoteKey], matched with another instance's stranger, for its resends. */
  answerFor(remoteKey: string): Message | undefined {
    const known = this.joined.recall(remoteKey);
    if (!known) this.joined.forget(remoteKey);
    return known?.answer;
  }

  /**
   * Matches [entry] (a stranger of this instance, waiting locally already) with the oldest
   * eligible stranger anywhere, or queues it. Rejects when Redis does not answer.
   */
  seek(entry: WaitingEntry, mayMatch: boolean): Promise<Match | null> {
    return this.pending.decide(entry, async () => {
      const other = await this.link.timed((redis) => matchOrWait(redis, entry, mayMatch, this.limits));
      // Queued, unless another instance took it already and said so before this answer came.
      if (other === null && !this.pending.toldMeanwhile(entry.sessionId)) this.queued.set(entry.sessionId, entry);
      return other;
    });
  }

  /**
   * Puts a waiting stranger back in the queue, not lost: one that Redis gave to ours that no longer
   * waits alone (its instance still keeps its entry alive), or ours whose match fell through.
   */
  giveBack(other: WaitingEntry): void {
    if (other.instance === this.instance()) {
      this.queueAgain(other);
      return;
    }
    this.link.timed((redis) => matchOrWait(redis, other, false, this.limits)).catch(() => this.counts.lostMatches++);
  }

  /**
   * Tells [other]'s instance that [joiner] joined its stranger; resolves 'taken' once its stranger
   * took it, and remembers [answer] for our stranger's resends. Otherwise our stranger gets no JR;
   * when the word could not go out (Redis went away, or that instance does not listen) the other
   * is queued again by its instance once it listens.
   */
  tell(other: WaitingEntry, joiner: Omit<RemoteJoiner, 'kind' | 'replyTo'>, answer: Message): Promise<TellOutcome> {
    return this.pending.whileTelling(joiner.remoteKey, async () => {
      const outcome = await this.pending.tell(other.instance, { kind: 'joiner', replyTo: this.instance(), ...joiner });
      if (outcome !== 'taken') {
        this.counts.lostMatches++;
        return outcome;
      }
      this.counts.matchedAcross++;
      this.joined.remember(joiner.remoteKey, { answer, sessionId: other.sessionId, instance: other.instance, hostKey: other.hostRemoteKey });
      return outcome;
    });
  }

  /**
   * Gives back what [match] spent of the budgets of matches for [sides] (match-refund.ts): at
   * most once a side, however often asked. Resolves also when Redis does not answer (nothing is
   * given back then).
   */
  giveBackSpent(match: Match, sides: readonly MatchSide[]): Promise<void> {
    if (sides.length === 0) return Promise.resolve();
    return this.link.timed((redis) => giveBackSpent(redis, match, sides)).then(() => undefined, () => undefined);
  }

  /**
   * A relay request from [fromKey] for the pair with [peerKey], when [fromKey] is our stranger
   * matched with [peerKey] waiting on another instance: passed on there, whose relay serves the
   * pair (both sides' requests must reach the same instance). False when it is no such pair.
   */
  passRelayRequest(fromKey: string, peerKey: string, from: Endpoint, nonce: string | undefined, pings?: string): boolean {
    const known = this.joined.recall(fromKey);
    if (!known || known.hostKey !== peerKey) return false;
    const request: RemoteRelayRequest = {
      kind: 'relay_request', sessionId: known.sessionId, fromKey, peerKey, from: { address: from.address, port: from.port }, nonce, replyTo: this.instance(),
      ...(pings === undefined ? {} : { pings }),
    };
    void this.publish(known.instance, request);
    return true;
  }

  /**
   * Sends [message] for another instance's stranger at [to] through that instance, when [to]
   * asked through it; false when [to] is no such stranger (the caller sends it itself).
   */
  routeAnswer(to: Endpoint, message: Message): boolean {
    const instance = this.requesters.recall(encodeKey(to));
    if (instance === undefined) return false;
    void this.publish(instance, { kind: 'answer', to: { address: to.address, port: to.port }, message });
    return true;
  }

  /** Resolves with how many instances listened: 0 also when Redis did not answer. */
  private publish(instance: string, message: ChannelMessage): Promise<number> {
    return this.link.timed((redis) => redis.publish(instanceChannel(instance), JSON.stringify(message))).catch(() => 0);
  }

  /** A session of ours ended or was matched here: its stranger, if queued, leaves the queue. */
  removed(sessionId: string): void {
    this.offline.delete(sessionId);
    if (this.queued.has(sessionId)) this.dequeue(sessionId);
  }

  /** Takes [sessionId] out of the queue, now or once Redis is back: also when only Redis still holds it. */
  dequeue(sessionId: string): void {
    this.queued.delete(sessionId);
    if (!this.online) {
      this.leaving.add(sessionId);
      return;
    }
    this.link.timed((redis) => leaveQueue(redis, [sessionId])).catch(() => this.leaving.add(sessionId));
  }

  /** A queued stranger of ours that the queue gave to one of our own strangers: it left the queue already. */
  takenFromQueue(sessionId: string): void {
    this.queued.delete(sessionId);
  }

  /** Keeps the queued strangers' entries alive; forgets old answers. */
  sweep(): void {
    this.joined.sweep();
    this.requesters.sweep();
    if (this.online) this.link.timed((redis) => refreshEntries(redis, [...this.queued.keys()], this.limits.entryTtlMs)).catch(() => undefined);
  }

  /** Takes this instance's strangers out of the queue (it stops). */
  async close(): Promise<void> {
    clearInterval(this.refresher);
    if (this.link.online) await this.link.timed((redis) => leaveQueue(redis, [...this.queued.keys()])).catch(() => undefined);
    this.queued.clear();
  }
}
