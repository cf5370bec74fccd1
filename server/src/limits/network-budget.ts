/**
 * A budget of events (random matches, failed joins) per address and per /24 network, each a
 * number a minute with a minute's burst. Many ports on one address, or many addresses in one
 * network, share one budget; memory is bounded like the rate limiter's. Addresses are given as
 * text or as their keys (see AddressKey), and kept by their keys.
 */
import { type AddressKey, addressKey, networkKey, networkTextKey } from '../addresses.ts';
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
  allows(ip: AddressKey, now: number): boolean {
    const key = addressKey(ip);
    return this.ips.peek(key, now) && this.nets.peek(networkKey(key), now);
  }

  /** Whether the /24 [net] (as networkOf writes it) has an event left. */
  netAllows(net: string, now: number): boolean {
    return this.nets.peek(networkTextKey(net), now);
  }

  spend(ip: AddressKey, now: number): void {
    const key = addressKey(ip);
    this.ips.allow(key, now);
    this.nets.allow(networkKey(key), now);
  }
}
