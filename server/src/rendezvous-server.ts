/** The rendezvous server on a UDP socket: binds, drains every datagram as it arrives, sweeps. */
import dgram from 'node:dgram';
import type { Config } from './config.ts';
import { encodeKey, type Endpoint } from './generated/protocol.ts';
import { Rendezvous, type RendezvousConfig } from './rendezvous.ts';
import { MemorySessionStore } from './sessions/memory-session-store.ts';
import type { SessionStore } from './sessions/session-store.ts';
import type { ServerStats } from './stats.ts';

export type Log = (event: string, fields: Record<string, unknown>) => void;

export interface ServerOptions {
  readonly config: RendezvousConfig & Pick<Config, 'port' | 'bind' | 'publicIp' | 'publicPort' | 'expiryMs' | 'sweepIntervalMs'>;
  readonly socket?: dgram.Socket;
  readonly store?: SessionStore;
  readonly now?: () => number;
  readonly log?: Log;
}

export class RendezvousServer {
  readonly store: SessionStore;
  readonly rendezvous: Rendezvous;
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
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.rendezvous = new Rendezvous({
      config: options.config, store: this.store, now: this.now, log: this.log,
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
    this.socket.on('error', (error) => this.log('socket_error', { error: error.message }));
    this.socket.on('message', (data, from) => this.rendezvous.receive(data, from));
    const bound = this.socket.address();
    this.key = encodeKey({ address: publicIp, port: publicPort || bound.port });
    this.sweep = setInterval(() => this.expire(), sweepIntervalMs);
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
    this.socket.removeAllListeners('message');
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
