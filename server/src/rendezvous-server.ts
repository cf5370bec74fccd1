/** The rendezvous server on a UDP socket: binds, drains every datagram as it arrives, sweeps. */
import dgram from 'node:dgram';
import { monotonicNow } from './clock.ts';
import type { Config } from './config.ts';
import { encodeKey, type Endpoint } from './generated/protocol.ts';
import { Rendezvous, type RendezvousConfig } from './rendezvous.ts';
import type { RelaySocket } from './relay/relay.ts';
import { type RelayConfig, RelayService } from './relay/relay-service.ts';
import { MemorySessionStore } from './sessions/memory-session-store.ts';
import type { SessionStore } from './sessions/session-store.ts';
import { ServerStats } from './stats.ts';

export type Log = (event: string, fields: Record<string, unknown>) => void;

export interface ServerOptions {
  readonly config: RendezvousConfig & Partial<RelayConfig> & Pick<Config, 'port' | 'bind' | 'publicIp' | 'publicPort' | 'expiryMs' | 'sweepIntervalMs'>;
  readonly socket?: dgram.Socket;
  readonly store?: SessionStore;
  readonly now?: () => number;
  readonly log?: Log;
}

export class RendezvousServer {
  readonly store: SessionStore;
  readonly rendezvous: Rendezvous;
  readonly relays: RelayService;
  private readonly socket: dgram.Socket;
  private readonly now: () => number;
  private readonly log: Log;
  private sweep: NodeJS.Timeout | undefined;
  private key = '';

  constructor(private readonly options: ServerOptions) {
    // Large kernel buffers absorb bursts that would otherwise be dropped before we read them
    // (the kernel caps them at net.core.rmem_max / wmem_max).
    this.socket = options.socket ?? dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    this.store = options.store ?? new MemorySessionStore();
    this.now = options.now ?? monotonicNow;
    this.log = options.log ?? (() => {});
    const { config } = options;
    const stats = new ServerStats();
    this.relays = new RelayService({
      config: {
        relayPorts: config.relayPorts ?? null, relayBandwidth: config.relayBandwidth ?? 256 * 1024,
        relayTotalBandwidth: config.relayTotalBandwidth ?? 4 * 1024 * 1024, relayIdleMs: config.relayIdleMs ?? 30_000,
        relayLifetimeMs: config.relayLifetimeMs ?? 7_200_000, relaysPerIp: config.relaysPerIp ?? 4,
      },
      publicIp: config.publicIp,
      stats,
      now: this.now, log: this.log,
      openSocket: (port) => openRelaySocket(config.bind, port),
      send: (to, message) => this.rendezvous.answer(to, message),
    });
    this.rendezvous = new Rendezvous({
      config, store: this.store, now: this.now, log: this.log, relays: this.relays, stats,
      serverKey: () => this.key,
      transmit: (to, datagram) => this.socket.send(datagram, to.port, to.address),
    });
  }

  get stats(): ServerStats {
    return this.rendezvous.stats;
  }

  /** The key of the public address that session codes embed; set once listening. */
  get serverKey(): string {
    return this.key;
  }

  /** Binds the socket; resolves with the bound address. Rejects on EADDRINUSE and the like. */
  async listen(): Promise<Endpoint> {
    const { port, bind, publicIp, publicPort, sweepIntervalMs } = this.options.config;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(port, bind, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    this.socket.on('error', (error) => this.rendezvous.socketError(error));
    this.socket.on('message', (data, from) => this.rendezvous.receive(data, from));
    const bound = this.socket.address();
    this.key = encodeKey({ address: publicIp, port: publicPort || bound.port });
    this.sweep = setInterval(() => {
      this.expire();
      this.relays.sweep();
    }, Math.min(sweepIntervalMs, 5_000));
    this.sweep.unref();
    return { address: bound.address, port: bound.port };
  }

  /** Drops sessions whose host has been silent for the configured expiry. */
  expire(): void {
    this.rendezvous.expire(this.now() - this.options.config.expiryMs);
  }

  /** Stops reading and closes the socket. */
  async close(): Promise<void> {
    clearInterval(this.sweep);
    this.relays.closeAll();
    this.socket.removeAllListeners('message');
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** A relay port: a UDP socket on the bind address, with its own large buffers. */
async function openRelaySocket(bind: string, port: number): Promise<RelaySocket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, bind, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => {}); // A send to a vanished peer; the relay goes on.
  return {
    port,
    send: (datagram, to) => socket.send(datagram, to.port, to.address),
    onMessage: (handler) => socket.on('message', (data, from) => handler(data, { address: from.address, port: from.port })),
    close: () => socket.close(),
  };
}
