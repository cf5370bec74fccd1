/**
 * Matches across instances not settled yet: a stranger's match being decided in Redis, or told to
 * the waiting stranger's instance, which answers whether its stranger still waited and took it.
 * The stranger's resends of RS wait meanwhile, so that they do not seek a second match.
 */
import { answered, instanceChannel, type JoinerAnswer, type RemoteJoiner, type TellOutcome } from './cross-instance-messages.ts';
import type { WaitingEntry } from './match-script.ts';
import type { RedisLink } from './redis-link.ts';

/** How long the matching instance waits for the other's answer before it gives the match up. */
const JOINER_ANSWER_MS = 2_000;

export class PendingMatches {
  /** Strangers whose match is being decided in Redis or told to another instance: their resends wait for it. */
  private readonly deciding = new Set<string>();
  /** The session ids of those decided in Redis; and those of them whose match another instance told of before Redis's answer came. */
  private readonly decidingIds = new Set<string>();
  private readonly toldWhileDeciding = new Set<string>();
  /** Joiners told to another instance, waiting for its answer: by session id and joiner key. */
  private readonly awaiting = new Map<string, (taken: boolean) => void>();

  constructor(private readonly link: RedisLink) {}

  /** Whether [remoteKey]'s match is being decided: its resends are not answered meanwhile. */
  isDeciding(remoteKey: string): boolean {
    return this.deciding.has(remoteKey);
  }

  /** Runs [ask], which has Redis decide the match of [entry] (a stranger of this instance, waiting locally already). */
  async decide<T>(entry: WaitingEntry, ask: () => Promise<T>): Promise<T> {
    this.deciding.add(entry.hostRemoteKey);
    this.decidingIds.add(entry.sessionId);
    try {
      return await ask();
    } finally {
      this.deciding.delete(entry.hostRemoteKey);
      this.decidingIds.delete(entry.sessionId);
      this.toldWhileDeciding.delete(entry.sessionId);
    }
  }

  /** Another instance told of the match of our stranger [sessionId]. */
  toldOf(sessionId: string): void {
    if (this.decidingIds.has(sessionId)) this.toldWhileDeciding.add(sessionId);
  }

  /** Whether another instance told of [sessionId]'s match while Redis decided it: before Redis's answer came. */
  toldMeanwhile(sessionId: string): boolean {
    return this.toldWhileDeciding.has(sessionId);
  }

  /** Runs [run], which tells another instance of [remoteKey]'s match: a resend of its RS meanwhile must not seek a second one. */
  async whileTelling<T>(remoteKey: string, run: () => Promise<T>): Promise<T> {
    this.deciding.add(remoteKey);
    try {
      return await run();
    } finally {
      this.deciding.delete(remoteKey);
    }
  }

  /** Tells [instance] that [joiner] joined its stranger; resolves with how that ended. */
  async tell(instance: string, joiner: RemoteJoiner): Promise<TellOutcome> {
    const key = `${joiner.sessionId} ${joiner.remoteKey}`;
    const taken = new Promise<boolean | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), JOINER_ANSWER_MS);
      this.awaiting.set(key, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
    const listeners = await this.link.timed((redis) => redis.publish(instanceChannel(instance), JSON.stringify(joiner))).catch(() => undefined);
    // Taken only when the other instance says its stranger still waited (its session may have ended
    // while its entry was still queued): a stranger is never sent to a host that will not hear of it.
    const outcome: TellOutcome = listeners === undefined ? 'lost' : listeners === 0 ? 'unheard' : answered(await taken);
    this.awaiting.delete(key);
    return outcome;
  }

  /** The other instance's answer to a joiner told to it. */
  answer(message: JoinerAnswer): void {
    this.awaiting.get(`${message.sessionId} ${message.remoteKey}`)?.(message.taken);
  }
}
