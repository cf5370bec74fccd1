/**
 * A relay node lets a host's relays give way as an instance lets its own (giving-way.ts). A node
 * has no sessions: the grant tells it which address hosts the pair and whether the host's game
 * runs, signed by the instance that knows (relay-grant.ts). The question comes up only when the
 * host's own endpoint, already bound on the granted port by another of its relays, binds with a
 * new grant: that relay, and no other, is the one whose closing frees the port, and only the
 * host itself (sending from that endpoint, with a grant naming it as the host) ever asks.
 */
import type { Endpoint } from '../generated/protocol.ts';
import { givingWay } from '../relay/giving-way.ts';
import type { Relay } from '../relay/relay.ts';
import type { GrantRole } from './relay-grant.ts';

export interface NodeBind {
  /** The new grant's id, its role, and the peer's address it names. */
  readonly id: string;
  readonly role: GrantRole;
  readonly peerIp: string;
  /** Where the bind came from: the endpoint [holder] has bound on the same port. */
  readonly from: Endpoint;
}

/**
 * Whether [holder], the relay holding [bind]'s endpoint on its port, gives way to it, among the
 * node's [relays] and each one's host ([hostOf]). Never for a grant that names no host, or whose
 * host is not the one binding, nor for a holder that is not that host's relay.
 */
export function givesWayOnNode(holder: Relay, bind: NodeBind, relays: Iterable<Relay>, hostOf: ReadonlyMap<Relay, string>, now: number): boolean {
  const hostIp = bind.role.hostIp;
  if (hostIp === undefined || hostIp !== bind.from.address || hostOf.get(holder) !== hostIp) return false;
  const hosts = [...relays].filter((relay) => relay.id !== bind.id && hostOf.get(relay) === hostIp);
  const asker = (address: string) => ({ endpoint: { address, port: 0 }, nonce: undefined });
  const giving = givingWay({ key: hostIp, gameRuns: bind.role.gameRuns }, hosts, [asker(hostIp), asker(bind.peerIp)], [hostIp, bind.peerIp],
    (relay) => relay === holder, now);
  return giving === holder;
}
