/**
 * A relay node (--role relay): only relay ports, no sessions. A side binds with the grant an
 * instance signed for its pair and this node (RB's grant field); the node checks it with the
 * shared secret alone (GrantGate), so the data path never waits on Redis. The two sides of a
 * grant are one relay, forwarded byte for byte within the same per-address and bandwidth limits
 * as an instance's own relays. The node announces itself and its load in Redis while it runs.
 * It also answers players' round-trip probes (RP) that carry an instance's ticket for their
 * address, so that a pair can be given the node nearest to both.
 */
import type { Config } from '../config.ts';
import { decode, encode, encodeKey, type Endpoint } from '../generated/protocol.ts';
import { FairBandwidth } from '../relay/fair-bandwidth.ts';
import { forwardDatagram, HEADER_BYTES } from '../relay/relay-forward.ts';
import { Relay, type RelaySide } from '../relay/relay.ts';
import { RelayPorts, type RelaySocket } from '../relay/relay-ports.ts';
import { type OwnEndpoints, unusableSource } from '../relay/usable-source.ts';
import type { ServerStats } from '../stats.ts';
import { GrantGate } from './grant-gate.ts';
import { givesWayOnNode, givingPorts } from './node-giving-way.ts';
import { NodeRelays } from './node-relays.ts';
import { type GivingWayPorts, NodeAnnouncer, type RelayNodeEntry, writeGivingWay } from './node-registry.ts';
import type { RedisLink } from './redis-link.ts';
import { checkTicket } from './ping-ticket.ts';
import { readSideGrant } from './relay-grant.ts';

export type RelayNodeConfig = Pick<Config, 'relayPorts' | 'relayBandwidth' | 'relayTotalBandwidth' | 'relayIdleMs' | 'relayLifetimeMs'
  | 'maxRelays' | 'relaysPerIp' | 'relaysPerSubnet' | 'relaySecret' | 'region' | 'publicIp'>;

export interface RelayNodeOptions {
  readonly config: RelayNodeConfig;
  readonly redis: RedisLink;
  readonly stats: ServerStats;
  /** Monotonic milliseconds, for idle and lifetime. */
  readonly now: () => number;
  /** Wall-clock milliseconds, for grant expiry (signed by another machine). */
  readonly wallNow?: () => number;
  readonly log: (event: string, fields: Record<string, unknown>) => void;
  readonly openSocket: (port: number) => Promise<RelaySocket>;
  readonly own: OwnEndpoints & { readonly ports: Set<number> };
  /** How often the node refreshes its entry, and how long the entry lives without it. */
  readonly refreshMs?: number;
  readonly ttlMs?: number;
}

/** Both sides bind within this long of the first, or the relay closes. */
const BIND_MS = 10_000;
/** An RB with a grant is about 84 bytes; anything longer is game data. */
const MAX_BIND_BYTES = 128;
/** What the node writes of its full hosts' ports lives this long without the next sweep's write. */
const GIVING_TTL_MS = 3_000;
/** Grants remembered at once (against replays), per relay the node may hold. */
const GRANTS_PER_RELAY = 4;

export class RelayNode {
  private ports: RelayPorts | null = null;
  private readonly relays: NodeRelays;
  private readonly bandwidth: FairBandwidth;
  private gate: GrantGate | null = null;
  private announcer: NodeAnnouncer | null = null;
  private sweeper: NodeJS.Timeout | undefined;
  private key = '';
  /** Whether the ports of full hosts that would give way were written to Redis last sweep. */
  private toldGiving = false;
  /** Round-trip probes answered. */
  pings = 0;

  constructor(private readonly options: RelayNodeOptions) {
    const { config } = options;
    this.relays = new NodeRelays(config);
    this.bandwidth = new FairBandwidth(config.relayBandwidth, config.relayTotalBandwidth);
  }

  /** The node's key (its public address and first relay port): what grants for it are signed for. */
  get nodeKey(): string {
    return this.key;
  }

  get active(): number {
    return this.relays.size;
  }

  get boundPorts(): number[] {
    return this.ports?.numbers ?? [];
  }

  /** What the node announces in Redis. */
  entry(): RelayNodeEntry {
    const { config } = this.options;
    return { id: this.key, publicIp: config.publicIp, ports: this.boundPorts, region: config.region, capacity: config.maxRelays, load: this.relays.size };
  }

  /** Binds every relay port, then announces the node; rejects (closing what it bound) when a port cannot be bound. */
  async start(): Promise<number[]> {
    const { config } = this.options;
    const opened = await Promise.allSettled((config.relayPorts ?? []).map((port) => this.options.openSocket(port)));
    const sockets = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = opened.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) {
      for (const s of sockets) s.close();
      throw new Error(`relay port ${config.relayPorts![failed]}: ${((opened[failed] as PromiseRejectedResult).reason as Error).message}`);
    }
    this.ports = new RelayPorts(sockets);
    for (const port of this.ports.numbers) this.options.own.ports.add(port);
    this.key = encodeKey({ address: config.publicIp, port: this.ports.numbers[0]! });
    this.gate = new GrantGate(config.relaySecret, this.key, GRANTS_PER_RELAY * config.maxRelays);
    this.ports.onMessage((index, datagram, from) => {
      try {
        this.receive(index, datagram, from);
      } catch (error) {
        this.drop('handler_error');
        this.options.log('relay_handler_error', { error: (error as Error).message });
      }
    });
    this.sweeper = setInterval(() => this.sweep(), 1_000);
    this.sweeper.unref();
    this.announcer = new NodeAnnouncer(this.options.redis.commands, () => this.entry(), this.options.refreshMs, this.options.ttlMs);
    await this.announcer.start();
    return this.boundPorts;
  }

  /** Refusals of grants so far, by reason. */
  get refusals(): ReadonlyMap<string, number> {
    return this.gate?.refused ?? new Map();
  }

  /** Takes the node out of Redis at once (new grants go elsewhere); its relays go on until closed. */
  async deregister(): Promise<void> {
    await this.announcer?.stop();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.deregister();
    for (const relay of [...this.relays.values()]) this.closeRelay(relay, 'shutdown');
    this.ports?.close();
    this.ports = null;
  }

  /** Closes relays not bound by both sides in time, idle, or past their lifetime; forgets expired grants. */
  sweep(): void {
    const now = this.options.now();
    this.gate?.sweep(this.wallNow());
    const { relayIdleMs, relayLifetimeMs } = this.options.config;
    for (const relay of [...this.relays.values()]) {
      if (now - relay.createdAt > BIND_MS && relay.sides.some((side) => side.bound === null)) this.closeRelay(relay, 'unbound');
      else if (now - relay.lastForward > relayIdleMs) this.closeRelay(relay, 'idle');
      else if (now - relay.createdAt > relayLifetimeMs) this.closeRelay(relay, 'lifetime');
    }
    this.tellGiving(now);
  }

  /**
   * Writes to Redis, for each host holding every port here, the port whose relay would give way
   * to its next player (node-giving-way.ts), so that the instance grants that one: the grant names
   * the port, and only the relay there can give way. Off the data path, once a sweep.
   */
  private tellGiving(now: number): void {
    if (!this.ports || !this.options.redis.online) return;
    const found = givingPorts(this.relays.values(), this.relays.hosts, this.ports.count, now);
    if (found.size === 0 && !this.toldGiving) return;
    this.toldGiving = found.size > 0;
    const numbers = this.ports.numbers;
    const ports = new Map<string, GivingWayPorts>([...found].map(([ip, p]) => [ip, {
      ended: p.ended === undefined ? undefined : numbers[p.ended], fair: p.fair === undefined ? undefined : numbers[p.fair],
    }]));
    void writeGivingWay(this.options.redis.commands, this.key, ports, GIVING_TTL_MS).catch(() => { this.toldGiving = true; });
  }

  private wallNow(): number {
    return (this.options.wallNow ?? Date.now)();
  }

  private receive(portIndex: number, datagram: Buffer, from: Endpoint): void {
    const unusable = unusableSource(from, this.options.own);
    if (unusable) return this.drop(unusable);
    const bind = bindOf(datagram);
    const bound = this.ports!.boundSide(portIndex, from);
    if (bound) {
      const relay = this.relays.of(bound)!;
      // A resend of its RB (its RA was lost), or a keep-alive: answered, but it keeps nothing alive.
      // An RB for another relay from an endpoint bound here would be read as this relay's: it binds only where this relay gives way.
      if (bind?.grant !== undefined && readSideGrant(bind.grant)?.grant !== this.relays.grant(relay)) return this.bindGrant(portIndex, bind.grant, bind.token, from, relay);
      if (bind) return this.answerBind(relay, portIndex, bind.token, from);
      return this.forward(relay, bound, datagram);
    }
    if (!bind) {
      const ping = pingOf(datagram);
      if (ping) return this.echo(portIndex, ping, from);
    }
    if (!bind?.grant) return this.drop('stranger');
    this.bindGrant(portIndex, bind.grant, bind.token, from, undefined);
  }

  /**
   * A bind from [from] on port [portIndex] with [sideGrant], checked by the gate (and remembered
   * for [from]) first. When [holder], another relay, has [from] bound there, the bind is let in
   * only where the holder gives way to it (node-giving-way.ts): only a genuine grant naming [from]'s
   * address as its pair's host frees a port. Everything that could refuse the bind is decided
   * before the holder closes, so that a playing pair never loses its relay to a refused newcomer.
   */
  private bindGrant(portIndex: number, sideGrant: string, token: string, from: Endpoint, holder: Relay | undefined): void {
    const side = readSideGrant(sideGrant);
    if (!side) return this.drop(holder ? 'endpoint_busy' : 'grant_malformed');
    const admitted = this.gate!.admit(side.grant, from, side.peerIp, this.wallNow());
    if ('refused' in admitted) return this.drop(holder ? 'endpoint_busy' : `grant_${admitted.refused}`);
    const bind = { id: admitted.id, role: admitted.role, peerIp: side.peerIp, from };
    if (holder && !givesWayOnNode(holder, bind, this.relays.values(), this.relays.hosts, this.options.now())) return this.drop('endpoint_busy');
    const place = this.relays.place(bind, portIndex, holder);
    if (typeof place === 'string') return this.drop(place); // Its resend, once there is room, is admitted as a resend.
    if (holder) this.closeRelay(holder, 'gave_way');
    const relay = place ?? this.open(admitted.id, portIndex, [from.address, side.peerIp], side.grant, admitted.role.hostIp);
    this.ports!.bind(portIndex, relay.side(from.address)!, from);
    this.options.log('relay_bound', { relay: relay.id, port: this.ports!.numbers[portIndex], from: `${from.address}:${from.port}` });
    this.answerBind(relay, portIndex, token, from);
  }

  private forward(relay: Relay, side: RelaySide, datagram: Buffer): void {
    const dropped = forwardDatagram(relay, side, datagram, this.options.now(), this.bandwidth, this.ports!, this.options.stats);
    if (dropped) this.drop(dropped);
  }

  /**
   * Answers a round-trip probe (RP) with RE, shorter than the RP, only when its ticket is signed
   * for the address it comes from and unexpired: the node never reflects datagrams at anyone who
   * did not ask an instance from that address.
   */
  private echo(portIndex: number, ping: { ticket: string; nonce: string }, from: Endpoint): void {
    const check = checkTicket(this.options.config.relaySecret, ping.ticket, from.address, this.wallNow());
    if (check !== 'ok') return this.drop(`ping_${check}`);
    this.pings++;
    if (!this.ports!.send(portIndex, Buffer.from(encode({ code: 'RE', nonce: ping.nonce }), 'latin1'), from)) this.drop('send_failed');
  }

  private answerBind(relay: Relay, portIndex: number, token: string, to: Endpoint): void {
    // RA is shorter than the RB it answers (no amplification), and spends the relay's bandwidth.
    const ra = Buffer.from(encode({ code: 'RA', token }), 'latin1');
    if (!this.bandwidth.allow(relay.bucket, this.options.now(), HEADER_BYTES + ra.length)) return this.drop('bandwidth');
    if (!this.ports!.send(portIndex, ra, to)) this.drop('send_failed');
  }

  private open(id: string, portIndex: number, ips: readonly [string, string], grant: string, hostIp: string | undefined): Relay {
    const side = (ip: string): RelaySide => ({ key: ip, ip, token: '', nonce: undefined, bound: null, heardAt: -Infinity });
    const relay = new Relay(id, id, portIndex, [side(ips[0]), side(ips[1])], this.bandwidth.newBucket(), this.options.now());
    this.relays.add(relay, grant, hostIp);
    this.ports!.add(relay);
    this.options.stats.relaysOpened++;
    this.options.log('relay_opened', { relay: relay.id, port: this.ports!.numbers[relay.portIndex], sides: relay.ips });
    return relay;
  }

  private closeRelay(relay: Relay, reason: string): void {
    if (!this.relays.remove(relay)) return;
    this.ports?.remove(relay);
    this.bandwidth.forget(relay.bucket);
    this.options.stats.relaysClosed++;
    this.options.stats.count(this.options.stats.relayClosed, reason);
    this.options.log('relay_closed', { relay: relay.id, reason, bytes: relay.bytes, datagrams: relay.datagrams });
  }

  private drop(reason: string): void {
    this.options.stats.count(this.options.stats.relayDropped, reason);
  }
}

/** The ticket and nonce of a valid RP datagram, or null for anything else. */
function pingOf(datagram: Buffer): { ticket: string; nonce: string } | null {
  if (datagram.length > MAX_BIND_BYTES || datagram[0] !== 0x52 || datagram[1] !== 0x50 || datagram[2] !== 0x3a) return null; // "RP:"
  const result = decode(datagram);
  return result.ok && result.message.code === 'RP' ? { ticket: result.message.ticket, nonce: result.message.nonce } : null;
}

/** The token and grant of a valid RB datagram, or null for anything else (game data is never parsed). */
function bindOf(datagram: Buffer): { token: string; grant: string | undefined } | null {
  if (datagram.length > MAX_BIND_BYTES || datagram[0] !== 0x52 || datagram[1] !== 0x42 || datagram[2] !== 0x3a) return null; // "RB:"
  const result = decode(datagram);
  return result.ok && result.message.code === 'RB' ? { token: result.message.token, grant: result.message.grant } : null;
}
