/**
 * Relay requests (RQ) and rebinds (RR) granted on relay nodes: the node checks the pair's grant,
 * not this instance. With several nodes, a side of ours asking without round trips is sent the
 * candidates (RN), and the pair waits for its figures at most FIGURES_WAIT_MS after its first such
 * request (a resend carries them); original clients (no nonce) are never waited for. A rebind whose
 * other side asked another instance meets it in Redis (rebind-meeting.ts).
 */
import type { Endpoint } from '../generated/protocol.ts';
import type { NodeGrants } from '../cluster/node-grants.ts';
import type { GrantRole } from '../cluster/relay-grant.ts';
import type { Asker, PendingRequests } from './pending-requests.ts';

/** A side sent the candidate nodes (RN) has this long to send its round trips before the pair is granted without them. */
const FIGURES_WAIT_MS = 1_000;

export class NodeRequests {
  constructor(
    private readonly nodes: NodeGrants,
    private readonly pending: PendingRequests,
    private readonly now: () => number,
    private readonly drop: (reason: string) => void,
  ) {}

  /**
   * [from] (public key [fromKey]) asks to move its relayed pair off the silent relay [relayKey]
   * (RR), with the pair's last grant: granted on another node, as an RQ is, once both sides of
   * the pair that grant names asked, here or at another instance. Needs no session. A side's
   * latest endpoint stands for it.
   */
  rebind(fromKey: string, from: Endpoint, relayKey: string, grant: string, nonce: string, pings?: ReadonlyMap<string, number>): void {
    const check = this.nodes.checkRebind(relayKey, grant, from.address);
    if (!check.ok) return this.drop(`rebind_${check.reason}`);
    const id = `rebind|${check.grantId}`;
    const asked = this.pending.get(id)?.asked;
    for (const [key, side] of asked ?? []) if (key !== fromKey && side.endpoint.address === from.address) asked!.delete(key);
    const asker: Asker = { endpoint: { address: from.address, port: from.port }, nonce, pings, peerIp: check.peerIp };
    // The new grant keeps the last one's role: which side hosts, and whether its game runs.
    this.request(id, id, fromKey, asker, check.role, { grantId: check.grantId, excluded: check.nodeId });
  }

  /**
   * [fromKey] asked for pair [id] of session [sessionId] (RQ), granted in [role] (which side hosts,
   * and whether its game runs: the node lets the host's relays give way by it); for a rebind, never
   * granted on its silent node, and met across instances while its other side did not ask here.
   */
  request(id: string, sessionId: string, fromKey: string, asking: Asker, role: GrantRole, rebind?: { grantId: string; excluded: string }): void {
    const { nodes } = this;
    if (nodes.resend(id, fromKey, asking.endpoint, asking.nonce, asking.pings)) return;
    const now = this.now();
    const before = this.pending.get(id)?.asked.get(fromKey);
    const asker: Asker = { ...asking, pings: asking.pings ?? before?.pings, listedAt: before?.listedAt ?? (asking.pings ? undefined : now) };
    const candidates = nodes.candidates().length;
    // Waited for from its first RQ without figures; each of its RQs in that time is answered (RN may be lost).
    const waiting = (side: Asker) => side.pings === undefined && side.nonce !== undefined && candidates > 1
      && now - side.listedAt! < FIGURES_WAIT_MS;
    const pending = this.pending.ask(id, sessionId, fromKey, asker, now);
    if (typeof pending === 'string') return this.drop(pending);
    if (waiting(asker)) nodes.list(asker.endpoint, asker.nonce!);
    if (!nodes.known) return; // Not known yet: a resend finds them (read in a moment).
    if (pending.asked.size < 2) {
      // A rebind's other side may have asked another instance: with our figures (or none to wait for), they meet in Redis.
      if (!rebind || waiting(asker)) return;
      void nodes.meetAcross(id, rebind.grantId, { key: fromKey, ...asker }, asker.peerIp!, rebind.excluded, role)
        .then((answered) => { if (answered) this.pending.remove(pending); });
      return;
    }

    if ([...pending.asked.values()].some(waiting)) return; // Granted at a later resend, with the figures.
    const [sideA, sideB] = [...pending.asked.values()] as [Asker, Asker];
    // A rebind: only the two addresses its grant names, each naming the other.
    if (sideA.peerIp !== sideB.peerIp && (sideA.peerIp !== sideB.endpoint.address || sideB.peerIp !== sideA.endpoint.address)) return this.drop('rebind_not_pair');
    this.pending.remove(pending);
    const [a, b] = [...pending.asked].map(([key, side]) => ({ key, endpoint: side.endpoint, nonce: side.nonce, pings: side.pings }));
    void nodes.grant(id, a!, b!, rebind?.excluded, role);
  }
}
