/**
 * Which of a host's relays gives way when every relay port has one of them: a relay whose game
 * has ended, and joiners from one network, cannot hold a host's relay ports against new players.
 * An instance's own relays and a relay node's follow the same rule.
 */
import { networkOf } from '../addresses.ts';
import type { Asker } from './pending-requests.ts';
import type { Relay } from './relay.ts';

/**
 * Once the host's game runs (it linked, HL), its relays carry ENet, which sends at least every
 * half second while a peer is connected: a relay silent this long carries a game that has ended.
 * Before the game a relay carries only the players' keep-alives, seconds apart, and never counts
 * as ended this way.
 */
export const GAME_ENDED_SILENCE_MS = 3_000;

/** The host of the pair asking: its key in the relays' sides, and whether its game runs (it linked, HL). */
export interface RelayHost {
  readonly key: string;
  readonly gameRuns: boolean;
}

/**
 * The relay of [host] (among its [relays]) that gives way to the joiner asking ([askers], [keys]),
 * among those whose closing [frees] a place for the pair (given the relay and the joiner's key):
 * once the host's game runs, the one silent longest if that is [GAME_ENDED_SILENCE_MS] or more;
 * failing that, the least recently forwarding of the /24 that holds the most of the host's relays,
 * when it holds two more than the joiner's /24. Undefined when none does, or the pair is not the
 * host's.
 */
export function givingWay(host: RelayHost | undefined, relays: Iterable<Relay>, askers: readonly [Asker, Asker],
  keys: readonly [string, string], frees: (relay: Relay, joinerKey: string) => boolean, now: number): Relay | undefined {
  const hostKey = host?.key;
  if (!hostKey || (keys[0] !== hostKey && keys[1] !== hostKey)) return undefined;
  const j = keys[0] === hostKey ? 1 : 0;
  const [joiner, joinerKey] = [askers[j], keys[j]];
  const hosts = [...relays].filter((relay) => relay.side(hostKey));
  const freeing = (held: readonly Relay[]) => held.filter((relay) => frees(relay, joinerKey));
  if (host.gameRuns) {
    const ended = quietest(freeing(hosts));
    if (ended && now - ended.lastForward >= GAME_ENDED_SILENCE_MS) return ended;
  }
  const byNet = new Map<string, Relay[]>();
  for (const relay of hosts) {
    const other = relay.sides.find((s) => s.key !== hostKey);
    if (!other) continue;
    const net = networkOf(other.ip);
    byNet.set(net, [...byNet.get(net) ?? [], relay]);
  }
  let top: Relay[] = [];
  for (const held of byNet.values()) if (held.length > top.length) top = held;
  const joiners = byNet.get(networkOf(joiner.endpoint.address))?.length ?? 0;
  if (top.length < joiners + 2) return undefined;
  return quietest(freeing(top));
}

function quietest(relays: readonly Relay[]): Relay | undefined {
  return relays.reduce<Relay | undefined>((found, relay) => (!found || relay.lastForward < found.lastForward ? relay : found), undefined);
}
