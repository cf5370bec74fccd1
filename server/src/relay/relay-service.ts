/**
 * Relays for pairs that could not punch, multiplexed on a small fixed set of UDP ports. A relay
 * opens only when both sides of a pair in a live session ask (RQ), within the limits: relays in
 * total, per IP address and per /24, pending requests per address, and a fair share of the total
 * bandwidth. It closes when its session expires or a side leaves the session, when it has
 * forwarded nothing for the idle time (after the handover that means the game stopped), and at
 * its lifetime.
 */
import { decode, encode, encodeKey, type Endpoint, type RelayGranted } from '../generated/protocol.ts';
import type { NodeGrants } from '../cluster/node-grants.ts';
import { FairBandwidth } from './fair-bandwidth.ts';
import { type Asker, PendingRequests } from './pending-requests.ts';
import { NodeRequests } from './node-requests.ts';
import { forwardDatagram, HEADER_BYTES } from './relay-forward.ts';
import { givingWay } from './giving-way.ts';
import { Relay, type RelaySide } from './relay.ts';
import { RelayPorts } from './relay-ports.ts';
import type { RelayServiceOptions } from './relay-service-options.ts';
import { SessionRelays } from './session-relays.ts';
import { unusableSource } from './usable-source.ts';

export type { RelaySocket } from './relay-ports.ts';

export type { RelayConfig, RelayServiceOptions, SessionMembers } from './relay-service-options.ts';

/** A side's relay traffic counts as its activity in its session at most this often. */
const HEARD_MS = 1_000;
/** A single-sided request waits this long for the other side (the node gives up after 5 s). */
const PENDING_MS = 10_000;
/** Both sides bind within this long of the grant (our node binds at once), or the relay closes. */
const BIND_MS = 10_000;
/** Per /24, this many times the per-address limit of pending requests. */
const PENDING_SUBNET_FACTOR = 4;
/**
 * Pending requests in all (a few hundred bytes each): at the default 256 per /24 it takes 40
 * networks to fill the table, and a request that completes a waiting pair is never refused.
 */
const MAX_PENDING = 10_000;

export class RelayService {
  private readonly relays: SessionRelays;
  private readonly pending: PendingRequests;
  private readonly bandwidth: FairBandwidth;
  private ports: RelayPorts | null = null;
  /** Requests granted on relay nodes, when this instance grants relays there. */
  private readonly onNodes: NodeRequests | undefined;

  constructor(private readonly options: RelayServiceOptions) {
    const { config } = options;
    this.relays = new SessionRelays(config);
    this.pending = new PendingRequests({
      total: Math.max(MAX_PENDING, 2 * config.maxRelays), perIp: config.relayRequestsPerIp,
      perSubnet: PENDING_SUBNET_FACTOR * config.relayRequestsPerIp, ms: PENDING_MS,
    });
    this.bandwidth = new FairBandwidth(config.relayBandwidth, config.relayTotalBandwidth);
    if (options.nodes) this.onNodes = new NodeRequests(options.nodes, this.pending, options.now, (reason) => this.drop(reason));
  }

  get enabled(): boolean {
    return this.options.config.relayPorts !== null || this.options.nodes !== undefined;
  }

  get active(): number {
    return this.relays.size;
  }

  /** The grants on relay nodes, when this instance grants relays there. */
  get nodeGrants(): NodeGrants | undefined {
    return this.options.nodes;
  }

  /** Relays granted on relay nodes so far, by node key (empty without nodes). */
  get grantsPerNode(): ReadonlyMap<string, number> {
    return this.options.nodes?.perNode ?? new Map();
  }

  get pendingRequests(): number {
    return this.pending.size;
  }

  /** The bound relay ports (empty before start, or with relays off). */
  get boundPorts(): number[] {
    return this.ports?.numbers ?? [];
  }

  /** Binds every relay port; rejects (closing what it bound) when one cannot be bound. */
  async start(): Promise<number[]> {
    const wanted = this.options.config.relayPorts;
    if (!wanted || this.ports) return this.boundPorts;
    const opened = await Promise.allSettled(wanted.map((port) => this.options.openSocket(port)));
    const sockets = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = opened.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) {
      for (const s of sockets) s.close();
      const reason = (opened[failed] as PromiseRejectedResult).reason as Error;
      // No error code passed on: the caller would report it as its own port's.
      throw new Error(`relay port ${wanted[failed]}: ${reason.message}`);
    }
    this.ports = new RelayPorts(sockets);
    this.ports.onMessage((index, datagram, from) => {
      try {
        this.receive(index, datagram, from);
      } catch (error) {
        this.drop('handler_error');
        this.options.log('relay_handler_error', { error: (error as Error).message });
      }
    });
    return this.boundPorts;
  }

  /**
   * [from] (public key [fromKey]) asks for a relay to [peerKey] in session [sessionId]; the caller
   * has checked that both belong to it. Answers RG when the relay is (or becomes) open.
   */
  request(sessionId: string, fromKey: string, peerKey: string, from: Endpoint, nonce?: string, pings?: ReadonlyMap<string, number>): void {
    if (!this.ports && !this.onNodes) return this.drop('relays_off');
    const id = `${sessionId}|${[fromKey, peerKey].sort().join('|')}`;
    if (!this.ports) {
      const session = this.options.session(sessionId);
      const role = { hostIp: session?.hostIp, gameRuns: session?.hostLink !== undefined };
      return this.onNodes!.request(id, sessionId, fromKey, { endpoint: { address: from.address, port: from.port }, nonce, pings }, role);
    }
    const relay = this.relays.get(id);
    if (relay) {
      const side = relay.side(fromKey)!;
      side.nonce = nonce;
      return this.grant(relay, side, from);
    }
    const pending = this.pending.ask(id, sessionId, fromKey, { endpoint: { address: from.address, port: from.port }, nonce }, this.options.now());
    if (typeof pending === 'string') return this.drop(pending);
    if (pending.asked.size < 2) return; // Only a pair that both failed to punch gets a relay.
    const [[keyA, a], [keyB, b]] = [...pending.asked] as [[string, Asker], [string, Asker]];
    let portIndex = this.ports.choose([keyA, keyB]);
    const giving = portIndex < 0 ? this.givingWay(sessionId, [a, b], [keyA, keyB]) : undefined;
    // The request stays pending: a retry may find room.
    const refusal = this.relays.refusal([a.endpoint.address, b.endpoint.address], giving) ?? (portIndex < 0 && !giving ? 'host_ports_full' : null);
    if (refusal) return this.drop(refusal);
    if (giving) {
      this.close(giving, 'gave_way'); // Only once the new relay is sure to open: it takes the port.
      portIndex = this.ports.choose([keyA, keyB]);
    }
    this.pending.remove(pending);
    const side = (key: string, asker: Asker): RelaySide => ({
      key, ip: asker.endpoint.address, token: this.relays.newToken(), nonce: asker.nonce, bound: null, heardAt: -Infinity,
    });
    const opened = new Relay(id, sessionId, portIndex, [side(keyA, a), side(keyB, b)], this.bandwidth.newBucket(), this.options.now());
    this.add(opened);
    this.grant(opened, opened.sides[0], a.endpoint);
    this.grant(opened, opened.sides[1], b.endpoint);
  }

  /** A rebind (RR): see NodeRequests.rebind. */
  rebind(fromKey: string, from: Endpoint, relayKey: string, grant: string, nonce: string, pings?: ReadonlyMap<string, number>): void {
    if (!this.onNodes) return this.drop('relays_off');
    this.onNodes.rebind(fromKey, from, relayKey, grant, nonce, pings);
  }

  /** Closes the relays of sessions that expired, and forgets their pending requests. */
  sessionsExpired(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    this.pending.removeSessions(new Set(sessionIds));
    for (const id of sessionIds) for (const relay of [...this.relays.ofSession(id)]) this.close(relay, 'session_expired');
  }

  /**
   * Closes relays not bound by both sides soon after the grant, that forwarded nothing for the
   * idle time, are past their lifetime, or one of whose sides left a session that is still live;
   * forgets stale single-sided requests.
   */
  sweep(): void {
    const now = this.options.now();
    this.pending.sweep(now);
    const { relayIdleMs, relayLifetimeMs } = this.options.config;
    for (const relay of [...this.relays.values()]) {
      if (now - relay.createdAt > BIND_MS && relay.sides.some((side) => side.bound === null)) this.close(relay, 'unbound');
      else if (now - relay.lastForward > relayIdleMs) this.close(relay, 'idle');
      else if (now - relay.createdAt > relayLifetimeMs) this.close(relay, 'lifetime');
      else if (this.sideLeft(relay)) this.close(relay, 'peer_left');
    }
  }

  closeAll(): void {
    this.options.nodes?.close();
    for (const relay of [...this.relays.values()]) this.close(relay, 'shutdown');
    this.ports?.close();
    this.ports = null;
  }

  /** A datagram on relay port [portIndex]: a bind, a bound side's traffic, or a stranger's. */
  private receive(portIndex: number, datagram: Buffer, from: Endpoint): void {
    const unusable = unusableSource(from, this.options.own);
    if (unusable) return this.drop(unusable);
    const ports = this.ports!;
    const side = ports.boundSide(portIndex, from);
    const token = bindToken(datagram);
    if (side) {
      const relay = this.relays.claimedBy(side.token)!.relay;
      // A resend of its RB (its RA was lost), or a keep-alive: answered, but it keeps nothing alive.
      if (token === side.token) return this.answerBind(relay, side, from);
      return this.forward(relay, side, datagram);
    }
    const claimed = token === null ? undefined : this.relays.claimedBy(token);
    if (!claimed && this.options.probe?.(portIndex, datagram, from, (answer) => ports.send(portIndex, answer, from))) return;
    if (!claimed) return this.drop('stranger');
    if (claimed.relay.portIndex !== portIndex) return this.drop('wrong_port');
    if (from.address !== claimed.side.ip) return this.drop('bind_from_other_ip');
    if (claimed.side.bound !== null) return this.drop('spoofed_bind'); // Its side is bound elsewhere.
    ports.bind(portIndex, claimed.side, from);
    this.options.log('relay_bound', { relay: claimed.relay.id, port: ports.numbers[portIndex], side: claimed.side.key, from: `${from.address}:${from.port}` });
    this.answerBind(claimed.relay, claimed.side, from);
  }

  private forward(relay: Relay, side: RelaySide, datagram: Buffer): void {
    const now = this.options.now();
    const dropped = forwardDatagram(relay, side, datagram, now, this.bandwidth, this.ports!, this.options.stats);
    if (dropped) return this.drop(dropped);
    if (now - side.heardAt >= HEARD_MS) {
      side.heardAt = now;
      this.options.heard?.(relay.sessionId, side.key);
    }
  }

  private answerBind(relay: Relay, side: RelaySide, to: Endpoint): void {
    // RA is exactly as long as the RB it answers (no amplification), and it spends the relay's
    // bandwidth like any datagram, so RB floods cost the flooder's own share.
    const ra = Buffer.from(encode({ code: 'RA', token: side.token }), 'latin1');
    if (!this.bandwidth.allow(relay.bucket, this.options.now(), HEADER_BYTES + ra.length)) return this.drop('bandwidth');
    if (!this.ports!.send(relay.portIndex, ra, to)) this.drop('send_failed');
  }

  private grant(relay: Relay, side: RelaySide, to: Endpoint): void {
    const other = relay.other(side);
    const relayKey = encodeKey({ address: this.options.publicIp, port: this.ports!.numbers[relay.portIndex]! });
    // The nonce of this side's own RQ: our node drops an RG without it (original clients send none).
    const rg: RelayGranted = { code: 'RG', peerKey: other.key, relayKey, token: side.token, ...(side.nonce === undefined ? {} : { nonce: side.nonce }) };
    this.options.send(to, rg);
  }

  /**
   * The relay of session [sessionId]'s host that gives way to the pair asking ([askers], [keys]),
   * when the host's relays hold every port (giving-way.ts).
   */
  private givingWay(sessionId: string, askers: readonly [Asker, Asker], keys: readonly [string, string]): Relay | undefined {
    const session = this.options.session(sessionId);
    if (!session) return undefined;
    // Only a port the joiner has no relay on frees a place for this pair.
    const frees = (relay: Relay, joinerKey: string) => !this.ports!.holds(relay.portIndex, joinerKey);
    const host = { key: session.hostRemoteKey, gameRuns: session.hostLink !== undefined };
    return givingWay(host, this.relays.ofSession(sessionId), askers, keys, frees, this.options.now());
  }

  private sideLeft(relay: Relay): boolean {
    const session = this.options.session(relay.sessionId);
    if (!session) return false; // Closed by its host (the handover): the relay lives while the game does.
    return relay.sides.some((s) => s.key !== session.hostRemoteKey && !session.peers.has(s.key));
  }

  private add(relay: Relay): void {
    this.relays.add(relay);
    this.ports!.add(relay);
    this.options.stats.relaysOpened++;
    this.options.log('relay_opened', { relay: relay.id, port: this.ports!.numbers[relay.portIndex], sides: relay.sides.map((s) => s.key) });
  }

  private close(relay: Relay, reason: string): void {
    if (!this.relays.remove(relay)) return;
    this.ports?.remove(relay);
    this.bandwidth.forget(relay.bucket);
    this.options.stats.relaysClosed++;
    this.options.stats.count(this.options.stats.relayClosed, reason);
    const now = this.options.now();
    this.options.log('relay_closed', {
      relay: relay.id, port: this.ports?.numbers[relay.portIndex], reason, bytes: relay.bytes, datagrams: relay.datagrams,
      seconds: Math.round((now - relay.createdAt) / 1000),
    });
  }

  private drop(reason: string): void {
    this.options.stats.count(this.options.stats.relayDropped, reason);
  }
}

/** The token of a valid RB datagram, or null for anything else (game data is never parsed). */
function bindToken(datagram: Buffer): string | null {
  if (datagram.length > 64 || datagram[0] !== 0x52 || datagram[1] !== 0x42 || datagram[2] !== 0x3a) return null; // "RB:"
  const result = decode(datagram);
  return result.ok && result.message.code === 'RB' ? result.message.token : null;
}
