/**
 * Which of a host's relays gives way when every relay port has one of them: joiners from one
 * network cannot hold a host's relay ports against players from elsewhere.
 */
import { networkOf } from '../addresses.ts';
import type { Asker } from './pending-requests.ts';
import type { Relay } from './relay.ts';

/**
 * The relay of the host [hostKey] (among its session's [relays]) that gives way to the joiner
 * asking ([askers], [keys]): the least recently forwarding of the /24 that holds the most of the
 * host's relays, when it holds two more than the joiner's /24, on a port the joiner has no relay
 * on ([ports]). Undefined when none does, or the pair is not the host's.
 */
export function givingWay(hostKey: string | undefined, relays: Iterable<Relay>, askers: readonly [Asker, Asker], keys: readonly [string, string],
  ports: { holds(portIndex: number, key: string): boolean }): Relay | undefined {
  if (!hostKey || (keys[0] !== hostKey && keys[1] !== hostKey)) return undefined;
  const j = keys[0] === hostKey ? 1 : 0;
  const [joiner, joinerKey] = [askers[j], keys[j]];
  const byNet = new Map<string, Relay[]>();
  for (const relay of relays) {
    const other = relay.sides.find((s) => s.key !== hostKey);
    if (!other || !relay.side(hostKey)) continue;
    const net = networkOf(other.ip);
    byNet.set(net, [...byNet.get(net) ?? [], relay]);
  }
  let top: Relay[] = [];
  for (const held of byNet.values()) if (held.length > top.length) top = held;
  const joiners = byNet.get(networkOf(joiner.endpoint.address))?.length ?? 0;
  if (top.length < joiners + 2) return undefined;
  // Only a port the joiner has no relay on frees a place for this pair.
  const freeing = top.filter((relay) => !ports.holds(relay.portIndex, joinerKey));
  return freeing.reduce<Relay | undefined>((quietest, relay) => (!quietest || relay.lastForward < quietest.lastForward ? relay : quietest), undefined);
}
