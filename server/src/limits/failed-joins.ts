/**
 * The budget of failed joins (JS for a session that does not exist), which bounds how fast
 * session codes can be guessed: per address, per /24 network and in total. Past a budget a JS
 * gets no answer at all, hit or miss, so an over-budget guesser learns nothing. A network with
 * no failed join in the last minute is not held back by the total, so guessers elsewhere cannot
 * stop every join on the server by spending it; a guessing network gets one try a minute then.
 */
import { networkOf } from '../addresses.ts';
import { NetworkBudget } from './network-budget.ts';
import { RateLimiter } from './rate-limiter.ts';

/** How long a network counts as guessing after a failed join, once the total is spent. */
const QUIET_MS = 60_000;

export interface FailedJoinLimits {
  /** Failed joins a minute per address, per /24 network and in total. */
  readonly perIp: number;
  readonly perNet: number;
  readonly total: number;
  readonly maxTracked: number;
}

export class FailedJoinBudget {
  private readonly networks: NetworkBudget;
  private readonly total: RateLimiter;
  /** One token a minute per network: empty while it failed within QUIET_MS. */
  private readonly recent: RateLimiter;

  constructor(limits: FailedJoinLimits) {
    this.networks = new NetworkBudget(limits);
    this.total = new RateLimiter({ rate: limits.total / 60, burst: limits.total, maxTracked: 1 });
    this.recent = new RateLimiter({ rate: 1000 / QUIET_MS, burst: 1, maxTracked: limits.maxTracked });
  }

  /** Whether a JS from [ip] may be looked up now. */
  mayTry(ip: string, now: number): boolean {
    if (!this.networks.allows(ip, now)) return false;
    return this.total.peek('total', now) || this.recent.isFull(networkOf(ip), now);
  }

  failed(ip: string, now: number): void {
    this.networks.spend(ip, now);
    this.total.allow('total', now);
    this.recent.allow(networkOf(ip), now);
  }
}
