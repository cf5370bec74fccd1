/**
 * Rebinds (RR): a relayed pair whose relay node went silent asks for the same pair on another
 * node. Its host may have closed the session long ago (the handover), so the pair's last grant
 * stands for it: signed with the shared secret for that node and the pair's two IP addresses, it
 * is checked here as a node checks it, and is good for a rebind for a relay's lifetime after it was
 * made (a grant's own expiry only bounds its binding). A grant used from any address but the two it
 * names fails as a forgery does, so only the pair it names is ever answered.
 */
import { decodeKey, encodeKey } from '../generated/protocol.ts';
import type { RelayNodeEntry } from './node-registry.ts';
import { checkGrant, type GrantRefusal, type GrantRole, readSideGrant } from './relay-grant.ts';

/**
 * How long after its grant a pair may rebind with it when no window is given: the default relay
 * lifetime (an instance uses its --relay-lifetime, which its nodes share).
 */
export const REBIND_WINDOW_MS = 7_200_000;

export type RebindCheck =
  | { readonly ok: true; readonly grantId: string; readonly nodeId: string; readonly peerIp: string; readonly role: GrantRole }
  | { readonly ok: false; readonly reason: GrantRefusal | 'unknown_node' };

/**
 * Whether [sideGrant] (the grant of an RG, the peer's address and the node's key port, as RB
 * carries it), presented from [fromIp] for the silent relay at [relayKey], was signed for the node
 * it names at that address (or, for a grant without the port, for one of [nodes] at that address
 * and port), for [fromIp] and its peer, within [windowMs] of [nowMs] (wall clock). [grantTtlMs] is how
 * long a grant is good for binding: the grant was made that long before its expiry.
 */
export function checkRebind(secret: string, nodes: Iterable<RelayNodeEntry>, relayKey: string, sideGrant: string, fromIp: string,
  nowMs: number, grantTtlMs: number, windowMs = REBIND_WINDOW_MS): RebindCheck {
  const side = readSideGrant(sideGrant);
  const relay = decodeKey(relayKey);
  if (!side || !relay) return { ok: false, reason: 'malformed' };
  const at = new Set([...nodes].filter((node) => node.publicIp === relay.address && node.ports.includes(relay.port)).map((node) => node.id));
  // The node's key from the grant itself (its MAC covers it): known to an instance that never saw the node alive.
  if (side.nodePort !== undefined) at.add(encodeKey({ address: relay.address, port: side.nodePort }));
  if (at.size === 0) return { ok: false, reason: 'unknown_node' };
  // Checked as at the time the grant was made plus the window: "expired" means past the window.
  const asOf = nowMs - windowMs + grantTtlMs;
  let refusal: GrantRefusal = 'forged';
  for (const nodeId of at) {
    const check = checkGrant(secret, nodeId, side.grant, fromIp, side.peerIp, asOf);
    if (check.ok) return { ok: true, grantId: check.id, nodeId, peerIp: side.peerIp, role: check.role };
    if (check.reason !== 'forged') refusal = check.reason;
  }
  return { ok: false, reason: refusal };
}
