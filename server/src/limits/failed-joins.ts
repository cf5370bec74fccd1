/**
 * The budget of failed joins (JS for a session that does not exist), which bounds how fast
 * session codes can be guessed: per address, per /24 network and in total. Past a budget a JS
 * gets no answer at all, hit or miss, so an over-budget guesser learns nothing. A network that
 * has not failed lately is not held back by the total, so guessers elsewhere cannot stop every
 * join on the server by spending the total.
 */
import { NetworkBudget } from './network-budget.ts';
import { RateLimiter } from './rate-limiter.ts';

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

  constructor(limits: FailedJoinLimits) {
    this.networks = new NetworkBudget(limits);
    this.total = new RateLimiter({ rate: limits.total / 60, burst: limits.total, maxTracked: 1 });
  }

  /** Whether a JS from [ip] may be looked up now. */
  mayTry(ip: string, now: number): boolean {
    if (!this.networks.allows(ip, now)) return false;
    return this.total.peek('total', now) || this.networks.netUntouched(ip, now);
  }

  failed(ip: string, now: number): void {
    this.networks.spend(ip, now);
    this.total.allow('total', now);
  }
}
