/**
 * Relays granted on relay nodes (an instance with --relay-secret and Redis): once both sides of a
 * pair asked, the instance picks the node with the most room (its own region first) in one Redis
 * step and sends each side an RG naming that node's relay port, with a fresh token and the grant
 * signed for the node and the pair. A side that asks again soon (its RG was lost) gets the same
 * grant; later, a new one, so a pair whose node died is granted on another.
 */
import { decodeKey, encodeKey, type Endpoint, type Message, type RelayGranted } from '../generated/protocol.ts';
import { newToken } from '../sessions/tokens.ts';
import { MAX_CANDIDATES, preferredNodes } from './node-choice.ts';
import { listNodes, NODE_REFRESH_MS, pickNode, readGivingWay, type RelayNodeEntry } from './node-registry.ts';
import { mintTicket } from './ping-ticket.ts';
import type { RedisLink } from './redis-link.ts';
import { type GrantRole, mintGrant, NO_ROLE, sideGrant } from './relay-grant.ts';
import { decide, meet, type MeetingSide } from './rebind-meeting.ts';
import { checkRebind, type RebindCheck, REBIND_WINDOW_MS } from './relay-rebind.ts';

/** How long a grant is good for binding (both sides bind within it). */
export const GRANT_TTL_MS = 30_000;
/** A side asking again within this long gets the grant it had (its RG was lost). */
const RESEND_MS = 5_000;
/** Pairs remembered for resends at most. */
const MAX_REMEMBERED = 10_000;

export interface GrantAsker {
  readonly key: string;
  readonly endpoint: Endpoint;
  readonly nonce: string | undefined;
  /** Its round trips to the nodes, by node id, when it measured them. */
  readonly pings?: ReadonlyMap<string, number> | undefined;
}

/** A side of a pair to grant: its key, its IP address and its round trips. */
interface PairSide {
  readonly key: string;
  readonly ip: string;
  readonly pings?: ReadonlyMap<string, number> | undefined;
}

interface Granted {
  readonly at: number;
  /** The node granted, and whether the pair's round trips chose it. */
  readonly node: string;
  readonly byPing: boolean;
  /** Each side's RG by its key, without the nonce. */
  readonly rgs: Map<string, RelayGranted>;
}

export class NodeGrants {
  private readonly granted = new Map<string, Granted>();
  /** The node ports granted lately to each side, by node and side key. */
  private readonly portsOf = new Map<string, number[]>();
  /** Grants made, by node key. */
  readonly perNode = new Map<string, number>();
  /** Grants by how their node was chosen: by the pair's round trips, or by load. */
  readonly chosenBy = { ping: 0, load: 0 };
  /** The live nodes as last read from Redis (for RN, the choice by round trips, and metrics). */
  private live: readonly RelayNodeEntry[] = [];
  /** Every node read lately, live or gone since, by id: a rebind names a node that may have died. */
  private readonly seen = new Map<string, RelayNodeEntry>();
  private nodesReadAt = -Infinity;
  private reading = false;
  /** Rebinds whose meeting in Redis is under way (a resend waits for it). */
  private readonly meeting = new Set<string>();
  /** Keeps the reading fresh, so that the first request of a pair already finds the candidates. */
  private readonly reader: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisLink,
    private readonly secret: string,
    private readonly region: string,
    private readonly send: (to: Endpoint, message: Message) => void,
    private readonly drop: (reason: string) => void,
    private readonly now: () => number,
    /** How long after its grant a pair may rebind with it: the relay lifetime. */
    private readonly rebindWindowMs = REBIND_WINDOW_MS,
  ) {
    redis.whenReady(() => void this.candidates());
    void this.candidates();
    this.reader = setInterval(() => void this.candidates(), NODE_REFRESH_MS);
    this.reader.unref();
  }

  close(): void {
    clearInterval(this.reader);
  }

  /**
   * Sends [from] its RG again when pair [id] was granted a moment ago; false otherwise. A side
   * that asks again with round trips that leave out the node it was granted, or without any when
   * its node was chosen by them (it measures anew), has lost that node: it is not sent it again.
   */
  resend(id: string, fromKey: string, from: Endpoint, nonce: string | undefined, pings?: ReadonlyMap<string, number>): boolean {
    const known = this.granted.get(id);
    if (!known || this.now() - known.at > RESEND_MS) return false;
    if (pings ? !pings.has(known.node) : known.byPing) {
      this.granted.delete(id);
      return false;
    }
    const rg = known.rgs.get(fromKey);
    if (!rg) return false;
    this.send(from, { ...rg, ...(nonce === undefined ? {} : { nonce }) });
    return true;
  }

  /**
   * The nodes a pair may choose among by round trips (none when fewer than two are registered),
   * from a reading of Redis at most NODE_REFRESH_MS old; a stale reading is renewed behind it.
   */
  candidates(): readonly RelayNodeEntry[] {
    if (this.now() - this.nodesReadAt >= NODE_REFRESH_MS && !this.reading && this.redis.online) {
      this.reading = true;
      void this.redis.timed((redis) => listNodes(redis))
        .then((nodes) => {
          this.live = nodes;
          for (const node of nodes) {
            this.seen.delete(node.id); // Re-inserted last: the longest unseen go first when the map is full.
            if (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
            this.seen.set(node.id, node);
          }
          this.nodesReadAt = this.now();
        })
        .catch(() => undefined)
        .finally(() => { this.reading = false; });
    }
    // The candidates: the nodes with room, the least loaded first.
    const room = this.live.filter((node) => node.load < node.capacity)
      .sort((x, y) => x.load / x.capacity - y.load / y.capacity).slice(0, MAX_CANDIDATES);
    return room.length > 1 ? room : [];
  }

  /** Every live node, as last read from Redis. */
  get nodes(): readonly RelayNodeEntry[] {
    return this.live;
  }

  /** Whether the nodes were read from Redis yet (a pair waits for it: its choice depends on them). */
  get known(): boolean {
    return this.nodesReadAt > -Infinity;
  }

  /** Sends [to] the candidate nodes and a ticket to ping them with (RN), answering its RQ's [nonce]. */
  list(to: Endpoint, nonce: string): void {
    const nodes = this.candidates();
    if (nodes.length < 2) return;
    this.send(to, { code: 'RN', ticket: mintTicket(this.secret, to.address, Date.now()), nonce, nodeKey: nodes.map((node) => node.id) });
  }

  /** Whether [sideGrant], sent from [fromIp] to rebind the pair from the silent relay [relayKey], stands for a pair (relay-rebind.ts). */
  checkRebind(relayKey: string, sideGrant: string, fromIp: string): RebindCheck {
    return checkRebind(this.secret, this.seen.values(), relayKey, sideGrant, fromIp, Date.now(), GRANT_TTL_MS, this.rebindWindowMs);
  }

  /** Grants pair [id] ([a] and [b] both asked) a relay on a node other than [excluded], in [role], and answers both. */
  async grant(id: string, a: GrantAsker, b: GrantAsker, excluded = '', role: GrantRole = NO_ROLE): Promise<void> {
    if (!this.redis.online) return this.drop('redis_down');
    const chosen = await this.choose({ ...a, ip: a.endpoint.address }, { ...b, ip: b.endpoint.address }, excluded, role);
    if (!chosen) return;
    const rgs = new Map([[a.key, chosen.rgs[0]], [b.key, chosen.rgs[1]]]);
    this.remember(id, { at: this.now(), node: chosen.node, byPing: chosen.byPing, rgs });
    for (const side of [a, b]) this.answer(side, rgs.get(side.key)!);
  }

  /**
   * A rebind (pair [id], grant [grantId]) of which only [mine] asked here, its grant naming
   * [peerIp]: meets the other side's instance in Redis (rebind-meeting.ts), decides the node (never
   * [excluded]) when both sides are there and no instance did yet, and answers [mine] alone; the new
   * grant keeps the [role] of the last. True once [mine] was answered.
   */
  async meetAcross(id: string, grantId: string, mine: GrantAsker, peerIp: string, excluded: string, role: GrantRole = NO_ROLE): Promise<boolean> {
    // Two sides behind one address are told apart by nothing their grant names: as here, where the latest stands for both.
    if (!this.redis.online || this.meeting.has(id) || peerIp === mine.endpoint.address) return false;
    this.meeting.add(id);
    try {
      const side: MeetingSide = { key: mine.key, ip: mine.endpoint.address, peerIp, ...(mine.pings ? { pings: Object.fromEntries(mine.pings) } : {}) };
      const met = await this.redis.timed((redis) => meet(redis, grantId, side));
      let decided = met.decided;
      if (!decided && met.other) {
        const other = met.other;
        const chosen = await this.choose({ ...mine, ip: side.ip }, { ...other, pings: other.pings && new Map(Object.entries(other.pings)) }, excluded, role);
        if (!chosen) return false;
        const decision = { node: chosen.node, byPing: chosen.byPing, rgs: { [side.ip]: chosen.rgs[0], [other.ip]: chosen.rgs[1] } };
        decided = await this.redis.timed((redis) => decide(redis, grantId, decision));
      }
      const rg = decided?.rgs[side.ip];
      if (!decided || !rg) return false;
      this.remember(id, { at: this.now(), node: decided.node, byPing: decided.byPing, rgs: new Map([[mine.key, rg]]) });
      this.answer(mine, rg);
      return true;
    } catch {
      this.drop('redis_down');
      return false;
    } finally {
      this.meeting.delete(id);
    }
  }

  /** The node for pair [a] and [b] (never [excluded]) and each side's RG (without its nonce), granted in [role], counted; null when none has room. */
  private async choose(a: PairSide, b: PairSide, excluded: string, role: GrantRole): Promise<{ node: string; byPing: boolean; rgs: [RelayGranted, RelayGranted] } | null> {
    const preferred = preferredNodes(this.live, a.pings, b.pings).filter((node) => node !== excluded);
    const node = await this.redis.timed((redis) => pickNode(redis, this.region, preferred, excluded)).catch(() => null);
    if (!node) {
      this.drop('nodes_full');
      return null;
    }
    const byPing = preferred.includes(node.id);
    this.chosenBy[byPing ? 'ping' : 'load']++;
    this.perNode.set(node.id, (this.perNode.get(node.id) ?? 0) + 1);
    const grant = mintGrant(this.secret, node.id, a.ip, b.ip, Date.now(), GRANT_TTL_MS, role);
    const relayKey = encodeKey({ address: node.publicIp, port: await this.choosePort(node.id, node.ports, [a.key, b.key], role) });
    const nodePort = decodeKey(node.id)?.port;
    const rg = (other: PairSide): RelayGranted => ({ code: 'RG', peerKey: other.key, relayKey, token: newToken(), grant: sideGrant(grant, other.ip, nodePort) });
    return { node: node.id, byPing, rgs: [rg(b), rg(a)] };
  }

  /** Sends [side] its RG with its nonce. */
  private answer(side: GrantAsker, rg: RelayGranted): void {
    // A grant needs the nonce field before it on the wire: only our own nodes send one, and only they bind with a grant.
    if (side.nonce === undefined) this.drop('grant_needs_nonce');
    else this.send(side.endpoint, { ...rg, nonce: side.nonce });
  }

  /**
   * A port of the node on which neither side was granted a relay lately: a host's game socket
   * tells its relayed peers apart only by their address, so two relays of one host on one node
   * need two ports. When every one is taken, the one whose relay the node last said would give
   * way to the host's next player ([role] says whether its game runs); else any (the node then
   * refuses the second bind, unless the relay there gives way).
   */
  private async choosePort(nodeId: string, ports: readonly number[], keys: readonly string[], role: GrantRole): Promise<number> {
    const held = new Set(keys.flatMap((key) => this.portsOf.get(`${nodeId} ${key}`) ?? []));
    const free = ports.filter((port) => !held.has(port));
    const giving = free.length === 0 && role.hostIp !== undefined
      ? await this.redis.timed((redis) => readGivingWay(redis, nodeId, role.hostIp!)).catch(() => null)
      : null;
    const aimed = role.gameRuns ? giving?.ended ?? giving?.fair : giving?.fair;
    const port = aimed !== undefined && ports.includes(aimed) ? aimed
      : (free.length > 0 ? free : ports)[Math.floor(Math.random() * (free.length > 0 ? free : ports).length)]!;
    for (const key of keys) {
      const id = `${nodeId} ${key}`;
      const list = this.portsOf.get(id) ?? [];
      this.portsOf.delete(id); // Re-inserted last: the oldest entries go first when the map is full.
      if (this.portsOf.size >= MAX_REMEMBERED) this.portsOf.delete(this.portsOf.keys().next().value!);
      this.portsOf.set(id, [...list.filter((p) => p !== port), port].slice(-ports.length));
    }
    return port;
  }

  private remember(id: string, granted: Granted): void {
    this.granted.delete(id);
    if (this.granted.size >= MAX_REMEMBERED) this.granted.delete(this.granted.keys().next().value!);
    this.granted.set(id, granted);
  }
}
