/**
 * Counts of something held (relays, pending requests) per IP address and per /24 network, with a
 * limit on each, so that no address and no small group of addresses (one machine with several
 * IPs, one hosting provider's /24) holds more than its share.
 */
import { networkOf } from '../addresses.ts';

export interface QuotaLimits {
  readonly perIp: number;
  readonly perSubnet: number;
}

export class AddressQuota {
  private readonly byIp = new Map<string, number>();
  private readonly bySubnet = new Map<string, number>();

  constructor(private readonly limits: QuotaLimits) {}

  /**
   * Why [ips] (each counted once) cannot take one more, or null when they can; [freed], what a
   * holding about to be released for them holds, counted as released already.
   */
  refusal(ips: readonly string[], freed: readonly string[] = []): 'per_ip_limit' | 'per_subnet_limit' | null {
    const [freedIps, freedSubnets] = [distinct(freed), distinct(freed.map(networkOf))];
    const held = (map: Map<string, number>, key: string, released: string[]) => (map.get(key) ?? 0) - (released.includes(key) ? 1 : 0);
    for (const ip of distinct(ips)) if (held(this.byIp, ip, freedIps) >= this.limits.perIp) return 'per_ip_limit';
    for (const subnet of distinct(ips.map(networkOf))) {
      if (held(this.bySubnet, subnet, freedSubnets) >= this.limits.perSubnet) return 'per_subnet_limit';
    }
    return null;
  }

  take(ips: readonly string[]): void {
    for (const ip of distinct(ips)) add(this.byIp, ip, 1);
    for (const subnet of distinct(ips.map(networkOf))) add(this.bySubnet, subnet, 1);
  }

  release(ips: readonly string[]): void {
    for (const ip of distinct(ips)) add(this.byIp, ip, -1);
    for (const subnet of distinct(ips.map(networkOf))) add(this.bySubnet, subnet, -1);
  }

  held(ip: string): number {
    return this.byIp.get(ip) ?? 0;
  }
}

function distinct(values: readonly string[]): string[] {
  return values.length === 2 && values[0] === values[1] ? [values[0]!] : [...new Set(values)];
}

function add(map: Map<string, number>, key: string, delta: number): void {
  const value = (map.get(key) ?? 0) + delta;
  if (value > 0) map.set(key, value);
  else map.delete(key);
}
