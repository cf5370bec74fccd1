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

/** Of a host holding every port of a node: the port of its relay that would give way to a newcomer from elsewhere, once its game runs and before. */
export interface GivingPorts {
  readonly ended: number | undefined;
  readonly fair: number | undefined;
}

/**
 * For each host (by [hostOf]) whose [relays] hold all [portCount] ports of the node, the port
 * (index) whose relay would give way to a new player from a /24 holding none of its relays: once
 * the host's game runs (a relay whose game ended, else the /24 rule), and before (the /24 rule
 * alone). What the instance aims a full host's next grant at: the node still decides at the bind.
 */
export function givingPorts(relays: Iterable<Relay>, hostOf: ReadonlyMap<Relay, string>, portCount: number, now: number): Map<string, GivingPorts> {
  const byHost = new Map<string, Relay[]>();
  for (const relay of relays) {
    const host = hostOf.get(relay);
    if (host !== undefined) byHost.set(host, [...byHost.get(host) ?? [], relay]);
  }
  const found = new Map<string, GivingPorts>();
  const elsewhere = { endpoint: { address: '0.0.0.0', port: 0 }, nonce: undefined };
  for (const [hostIp, held] of byHost) {
    if (new Set(held.map((relay) => relay.portIndex)).size < portCount) continue;
    const host = { endpoint: { address: hostIp, port: 0 }, nonce: undefined };
    const giving = (gameRuns: boolean) => givingWay({ key: hostIp, gameRuns }, held, [host, elsewhere], [hostIp, '0.0.0.0'], () => true, now)?.portIndex;
    const ports = { ended: giving(true), fair: giving(false) };
    if (ports.ended !== undefined || ports.fair !== undefined) found.set(hostIp, ports);
  }
  return found;
}
