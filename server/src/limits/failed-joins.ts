/**
 * The budget of failed joins (JS for a session that does not exist), which bounds how fast
 * session codes can be guessed: per address, per /24 network and in total. Past a budget a JS
 * gets no answer at all, hit or miss, so an over-budget guesser learns nothing. A network with
 * no failed join in the last minute is not held back by the total, so guessers elsewhere cannot
 * stop every join on the server by spending it; a guessing network gets one try a minute then.
 */
import { type AddressKey, addressKey, networkKey } from '../addresses.ts';
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
  mayTry(ip: AddressKey, now: number): boolean {
    const key = addressKey(ip);
    if (!this.networks.allows(key, now)) return false;
    return this.total.peek(0, now) || this.recent.isFull(networkKey(key), now); // The total is the one bucket, 0.
  }

  failed(ip: AddressKey, now: number): void {
    const key = addressKey(ip);
    this.networks.spend(key, now);
    this.total.allow(0, now);
    this.recent.allow(networkKey(key), now);
  }
}
