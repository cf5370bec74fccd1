/**
 * A budget of events (random matches, failed joins) per address and per /24 network, each a
 * number a minute with a minute's burst. Many ports on one address, or many addresses in one
 * network, share one budget; memory is bounded like the rate limiter's.
 */
import { networkOf } from '../addresses.ts';
import { RateLimiter } from './rate-limiter.ts';

export interface NetworkBudgetLimits {
  /** Events a minute one address may cause. */
  readonly perIp: number;
  /** Events a minute one /24 network may cause. */
  readonly perNet: number;
  readonly maxTracked: number;
}

export class NetworkBudget {
  private readonly ips: RateLimiter;
  private readonly nets: RateLimiter;

  constructor(limits: NetworkBudgetLimits) {
    this.ips = new RateLimiter({ rate: limits.perIp / 60, burst: limits.perIp, maxTracked: limits.maxTracked });
    this.nets = new RateLimiter({ rate: limits.perNet / 60, burst: limits.perNet, maxTracked: limits.maxTracked });
  }

  /** Whether [ip] and its network both have an event left. */
  allows(ip: string, now: number): boolean {
    return this.ips.peek(ip, now) && this.nets.peek(networkOf(ip), now);
  }

  /** Whether the /24 [net] has an event left. */
  netAllows(net: string, now: number): boolean {
    return this.nets.peek(net, now);
  }

  spend(ip: string, now: number): void {
    this.ips.allow(ip, now);
    this.nets.allow(networkOf(ip), now);
  }
}
