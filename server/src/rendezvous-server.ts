/** The rendezvous server on a UDP socket: binds, drains every datagram as it arrives, sweeps. */
import type dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { monotonicNow } from './clock.ts';
import { CrossInstancePairing, ENTRY_TTL_MS } from './cluster/cross-instance-pairing.ts';
import { NodeGrants } from './cluster/node-grants.ts';
import { ObservedSessionStore } from './cluster/observed-session-store.ts';
import type { RedisLink } from './cluster/redis-link.ts';
import type { Config } from './config.ts';
import { encodeKey, type Endpoint } from './generated/protocol.ts';
import { Rendezvous } from './rendezvous.ts';
import { RelayService, type RelaySocket } from './relay/relay-service.ts';
import { isOwnEndpoint, type OwnEndpoints } from './relay/usable-source.ts';
import { ProbeSockets } from './nat/probe-sockets.ts';
import { MemorySessionStore } from './sessions/memory-session-store.ts';
import { heardFromJoiner } from './sessions/session-rules.ts';
import type { SessionStore } from './sessions/session-store.ts';
import { ServerStats } from './stats.ts';
import { RENDEZVOUS_BUFFER_BYTES, udpSocket } from './udp-socket.ts';

export type Log = (event: string, fields: Record<string, unknown>) => void;

export interface ServerOptions {
  /** probePort undefined: the first relay port (none with relays off). publicIp6 empty: none. */
  readonly config: Config;
  readonly socket?: dgram.Socket;
  readonly store?: SessionStore;
  readonly now?: () => number;
  readonly log?: Log;
  /** Redis shared with other instances: random strangers are matched across all of them. */
  readonly redis?: RedisLink;
}

/** How often a draining server looks whether its sessions have ended. */
const DRAIN_POLL_MS = 100;

/** Waiting strangers Redis looks at per match at most. */
const MAX_MATCH_CHECKS = 64;

export class RendezvousServer {
  readonly store: SessionStore;
  readonly rendezvous: Rendezvous;
  readonly relays: RelayService;
  readonly pairing: CrossInstancePairing | undefined;
  private readonly socket: dgram.Socket;
  private readonly probes: ProbeSockets;
  /** The relay port that is also the probe port, or -1. */
  private readonly probeIndex: number;
  private readonly now: () => number;
  private readonly log: Log;
  private sweep: NodeJS.Timeout | undefined;
  private key = '';
  private closed = false;
  /** Our own addresses and bound ports: a datagram claiming to come from them is never answered. */
  private readonly own: { addresses: Set<string>; ports: Set<number> } & OwnEndpoints;

  constructor(private readonly options: ServerOptions) {
    // Large kernel buffers absorb bursts that would otherwise be dropped before we read them
    // (the kernel caps them at net.core.rmem_max / wmem_max).
    this.socket = options.socket ?? udpSocket('udp4', RENDEZVOUS_BUFFER_BYTES);
    this.now = options.now ?? monotonicNow;
    const { redis } = options;
    this.pairing = redis && new CrossInstancePairing(redis, () => this.key, {
      perIp: options.config.matchesPerIp, perNet: options.config.matchesPerNet,
      entryTtlMs: ENTRY_TTL_MS, maxChecks: MAX_MATCH_CHECKS,
    }, this.now);
    this.store = options.store ?? (this.pairing ? new ObservedSessionStore((id) => this.pairing!.removed(id)) : new MemorySessionStore());
    this.log = options.log ?? (() => {});
    const { config } = options;
    const stats = new ServerStats();
    this.own = { addresses: ownAddresses(config.publicIp, config.bind), ports: new Set() };
    const { probePort } = config;
    const { relayPorts } = config;
    this.probeIndex = probePort === undefined ? (relayPorts ? 0 : -1) : probePort === null ? -1 : relayPorts?.indexOf(probePort) ?? -1;
    this.relays = new RelayService({
      config,
      publicIp: config.publicIp,
      stats,
      now: this.now, log: this.log,
      openSocket: (port) => openRelaySocket(config.bind, port),
      // Another instance's stranger, relayed here with its pair, is answered through its own instance.
      send: (to, message) => this.pairing?.routeAnswer(to, message) || this.rendezvous.answer(to, message),
      session: (id) => this.store.get(id),
      own: this.own,
      probe: (index, datagram, from, reply) => index === this.probeIndex && this.rendezvous.probes.receiveProbe(datagram, from, reply),
      heard: (id, key) => heardFromJoiner(this.store, this.store.get(id), key, this.now()),
      ...(redis && config.relaySecret && !relayPorts ? {
        nodes: new NodeGrants(redis, config.relaySecret, config.region,
          (to, message) => this.pairing?.routeAnswer(to, message) || this.rendezvous.answer(to, message),
          (reason) => stats.count(stats.relayDropped, reason), this.now, config.relayLifetimeMs),
      } : {}),
    });
    this.rendezvous = new Rendezvous({
      config, now: this.now, log: this.log, relays: this.relays, stats,
      store: this.store,
      serverKey: () => this.key,
      probePort: () => (this.probeIndex >= 0 ? this.relays.boundPorts[this.probeIndex] : this.probes.probePort),
      pairing: this.pairing,
      transmit: (to, datagram) => {
        try {
          this.socket.send(datagram, to.port, to.address);
        } catch (error) {
          // Only an unusable destination throws here, and the guard below keeps those out.
          stats.count(stats.dropped, 'send_failed');
          this.rendezvous.socketError(error as Error); // Logged at most once an interval.
        }
      },
    });
    this.probes = new ProbeSockets(this.rendezvous.probes, this.own, stats);
  }

  get stats(): ServerStats {
    return this.rendezvous.stats;
  }

  /** The key of the public address that session codes embed; set once listening. */
  get serverKey(): string {
    return this.key;
  }

  /**
   * Binds the rendezvous socket and every relay port (and nothing else, ever); resolves with the
   * rendezvous address. Rejects on EADDRINUSE and the like, naming the port.
   */
  async listen(): Promise<Endpoint> {
    const { port, bind, publicIp, publicPort, sweepIntervalMs, probePort, publicIp6 } = this.options.config;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(port, bind, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    const bound = this.socket.address();
    this.own.ports.add(bound.port);
    try {
      for (const relayPort of await this.relays.start()) this.own.ports.add(relayPort);
      if (probePort !== undefined && probePort !== null && this.probeIndex < 0) this.own.ports.add(await this.probes.openProbePort(bind, probePort));
      // IPv6 probes go to the port the server key names, as everything else does.
      if (publicIp6) await this.probes.openIp6(publicIp6, publicPort || bound.port);
    } catch (error) {
      this.relays.closeAll();
      this.probes.close();
      this.socket.close();
      throw error;
    }
    this.socket.on('error', (error) => this.rendezvous.socketError(error));
    this.socket.on('message', (data, from) => this.receive(data, from)); // The socket's own endpoint object: no copy per datagram.
    this.key = encodeKey({ address: publicIp, port: publicPort || bound.port });
    const listening = this.pairing?.start({
      joiner: (joiner) => this.rendezvous.handlers.across.joinedFromElsewhere(joiner),
      relayRequest: (request) => this.rendezvous.handlers.across.relayRequestFromElsewhere(request),
      answer: (to, message) => this.rendezvous.answer(to, message),
      mayMatchAgain: (entry) => this.rendezvous.handlers.across.mayMatchAgain(entry),
      queuedAgain: (entry, match) => this.rendezvous.handlers.across.queuedAgain(entry, match),
    });
    // Listening before the first stranger comes, so that it is queued for every instance (a bounded wait).
    if (listening) await Promise.race([listening, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    this.sweep = setInterval(() => {
      this.expire();
      this.relays.sweep();
    }, Math.min(sweepIntervalMs, 5_000));
    this.sweep.unref();
    return { address: bound.address, port: bound.port };
  }

  /**
   * One datagram on the rendezvous port. Nothing may escape a socket handler (it would kill the
   * process and every session): unusable sources are dropped and counted first, and anything the
   * handlers throw is caught and counted.
   */
  private receive(data: Buffer, from: Endpoint): void {
    const stats = this.rendezvous.stats;
    try {
      // The rendezvous drops unusable sources itself; only it cannot know our own endpoints.
      if (isOwnEndpoint(from, this.own)) {
        stats.count(stats.dropped, 'source_is_server');
        return;
      }
      this.rendezvous.receive(data, from);
    } catch (error) {
      stats.count(stats.dropped, 'handler_error');
      this.log('handler_error', { error: (error as Error).message });
    }
  }

  /** Drops sessions whose host has been silent for the configured expiry. */
  expire(): void {
    this.rendezvous.expire(this.now() - this.options.config.expiryMs);
  }

  /** Whether drain() was called: no new sessions. */
  get draining(): boolean {
    return this.rendezvous.draining;
  }

  /**
   * Takes no new sessions (HS and RS of newcomers are refused as server_full) and leaves the shared
   * queue at once, while answering the sessions it has; resolves once none is left ('ended') or
   * after [timeoutMs] ('deadline'). Close it afterwards.
   */
  async drain(timeoutMs: number): Promise<'ended' | 'deadline'> {
    this.rendezvous.draining = true;
    await this.pairing?.close();
    const deadline = performance.now() + timeoutMs;
    while (this.store.size > 0 && performance.now() < deadline && !this.closed) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      this.expire(); // Sessions whose hosts left end on time, whatever --sweep-interval says.
    }
    return this.store.size === 0 ? 'ended' : 'deadline';
  }

  /** Stops reading and closes the sockets; closing again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    await this.pairing?.close();
    this.relays.closeAll();
    this.probes.close();
    this.socket.removeAllListeners('message');
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** The addresses a datagram from ourselves could claim: public, bound, and every interface's. */
export function ownAddresses(publicIp: string, bind: string): Set<string> {
  const addresses = new Set([publicIp, bind]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4') addresses.add(a.address);
  return addresses;
}

/** A relay port: a UDP socket on the bind address, with its own large buffers. */
export async function openRelaySocket(bind: string, port: number): Promise<RelaySocket> {
  const socket = udpSocket('udp4', 1 << 20);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, bind, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => {}); // A send to a vanished peer; the relay goes on.
  return {
    port: socket.address().port,
    send: (datagram, to) => socket.send(datagram, to.port, to.address),
    // The socket's own endpoint object, as on the rendezvous port: the relay copies what it keeps.
    onMessage: (handler) => socket.on('message', handler),
    close: () => socket.close(),
  };
}
