/**
 * Random sessions waiting for a stranger: by /24, then by host address, each oldest first. Keyed
 * by numbers (see AddressKey: a /24 is its address's first 24 bits), so that waiting and ceasing
 * to wait hash no text and build none; an address with one waiting session (most) keeps it as
 * itself, not in a collection of its own.
 */
import { type AddressKey, addressKey, networkKey, networkOf } from '../addresses.ts';
import type { Session } from './session.ts';

/**
 * Eligibility checks one random match makes at most (a /24 or an address each): bounds the work
 * one RS can cause. What a search found ineligible goes to the back of its queue, so the next
 * search starts with others: no number of ineligible hosts hides an eligible one for long.
 */
const MAX_WAITING_CHECKS = 1024;
/** Addresses looked at in one /24 per search, at most: one network's hosts cannot use up a search. */
const CHECKS_PER_NET = 16;

/** One address's waiting sessions: the only one, or several oldest first (at most --sessions-per-ip). */
type ByAddress = Session | Session[];
/** One /24's addresses, in the order they are looked at. */
type Network = Map<AddressKey, ByAddress>;

/** What one search may still look at, shared by the queues it searches. */
export interface Checks { left: number }

export const newChecks = (): Checks => ({ left: MAX_WAITING_CHECKS });

export class WaitingQueue {
  private readonly nets = new Map<AddressKey, Network>();

  add(session: Session): void {
    const ip = addressKey(session.hostIp);
    const netKey = networkKey(ip);
    let net = this.nets.get(netKey);
    if (!net) this.nets.set(netKey, (net = new Map()));
    const there = net.get(ip);
    if (there === undefined) net.set(ip, session);
    else if (Array.isArray(there)) there.push(session);
    else net.set(ip, [there, session]);
  }

  /** Removes [session]; whether it was there. */
  remove(session: Session): boolean {
    const ip = addressKey(session.hostIp);
    const netKey = networkKey(ip);
    const net = this.nets.get(netKey);
    const there = net?.get(ip);
    if (there === undefined) return false;
    if (there === session) {
      net!.delete(ip);
    } else if (Array.isArray(there)) {
      const at = there.indexOf(session);
      if (at < 0) return false;
      there.splice(at, 1);
      if (there.length === 1) net!.set(ip, there[0]!);
    } else {
      return false;
    }
    if (net!.size === 0) this.nets.delete(netKey);
    return true;
  }

  /**
   * The oldest waiting session of the first eligible address of the first eligible /24, not hosted
   * at [exceptHost]. A /24 whose budget is spent is passed over with one check, whatever number of
   * hosts it has waiting, and at most CHECKS_PER_NET of a /24's addresses are looked at; what was
   * found ineligible goes to the back, so that the bounded work of each search ([checks]) moves on
   * through the queue rather than looking at the same hosts again.
   */
  first(exceptHost: string, eligible: (ip: string) => boolean, netEligible: ((net: string) => boolean) | undefined, checks: Checks): Session | undefined {
    const passedNets: AddressKey[] = [];
    const passedIps: Array<[Network, AddressKey]> = [];
    let found: Session | undefined;
    search: for (const [key, net] of this.nets) {
      if (checks.left-- <= 0) break;
      // The callers judge by text: the /24 as networkOf writes it, the address as the socket did.
      if (netEligible && !netEligible(networkOf(oldest(net.values().next().value!).hostIp))) {
        passedNets.push(key);
        continue;
      }
      let inNet = 0;
      for (const [ip, there] of net) {
        if (inNet++ >= CHECKS_PER_NET || checks.left-- <= 0) {
          passedNets.push(key);
          continue search;
        }
        if (!eligible(oldest(there).hostIp)) {
          passedIps.push([net, ip]);
          continue;
        }
        found = notAt(there, exceptHost);
        if (found) break search;
      }
    }
    for (const [net, ip] of passedIps) toBack(net, ip);
    for (const key of passedNets) toBack(this.nets, key);
    return found;
  }
}

function oldest(there: ByAddress): Session {
  return Array.isArray(there) ? there[0]! : there;
}

/** The oldest of [there] not hosted at [exceptHost]. */
function notAt(there: ByAddress, exceptHost: string): Session | undefined {
  if (!Array.isArray(there)) return there.hostRemoteKey === exceptHost ? undefined : there;
  return there.find((session) => session.hostRemoteKey !== exceptHost);
}

/** Moves [key] to the back of [map]'s order. */
function toBack<V>(map: Map<AddressKey, V>, key: AddressKey): void {
  const value = map.get(key);
  if (value === undefined) return;
  map.delete(key);
  map.set(key, value);
}
