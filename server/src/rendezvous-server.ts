/**
 * The rendezvous server: one UDP socket, every datagram decoded and validated against the schema,
 * dispatched to the handlers, counted. Nothing a datagram contains can throw past this class.
 */
import dgram from 'node:dgram';
import type { Config } from './config.ts';
import { decode, dispatchToServer, encode, encodeKey, type Endpoint, type Message } from './generated/protocol.ts';
import { RendezvousHandlers } from './handlers.ts';
import { MemorySessionStore } from './sessions/memory-session-store.ts';
import type { SessionStore } from './sessions/session-store.ts';
import { ServerStats } from './stats.ts';

export type Log = (event: string, fields: Record<string, unknown>) => void;

export interface ServerOptions {
  readonly config: Pick<Config, 'port' | 'bind' | 'publicIp' | 'publicPort' | 'suffixBigrams' | 'expiryMs' | 'sweepIntervalMs' | 'maxPeers'>;
  readonly socket?: dgram.Socket;
  readonly store?: SessionStore;
  readonly now?: () => number;
  readonly log?: Log;
}

export class RendezvousServer {
  readonly stats = new ServerStats();
  readonly store: SessionStore;
  readonly handlers: RendezvousHandlers;
  private readonly socket: dgram.Socket;
  private readonly now: () => number;
  private readonly log: Log;
  private sweep: NodeJS.Timeout | undefined;
  private key = '';

  constructor(private readonly options: ServerOptions) {
    this.socket = options.socket ?? dgram.createSocket('udp4');
    this.store = options.store ?? new MemorySessionStore();
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.handlers = new RendezvousHandlers({
      store: this.store, stats: this.stats, now: this.now, log: this.log,
      serverKey: () => this.key,
      suffixBigrams: options.config.suffixBigrams,
      maxPeers: options.config.maxPeers,
      send: (to, message) => this.send(to, message),
    });
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
    this.socket.on('message', (data, from) => this.receive(data, from));
    const bound = this.socket.address();
    this.key = encodeKey({ address: publicIp, port: publicPort || bound.port });
    this.sweep = setInterval(() => this.expire(), sweepIntervalMs);
    this.sweep.unref();
    return { address: bound.address, port: bound.port };
  }

  /** Drops sessions whose host has been silent for the configured expiry. */
  expire(): void {
    this.handlers.expire(this.now() - this.options.config.expiryMs);
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  /** Handles one datagram; public so tests and benchmarks can drive it without a socket. */
  receive(data: Uint8Array, from: Endpoint): void {
    const result = decode(data);
    if (!result.ok) {
      this.stats.count(this.stats.dropped, result.error);
      return;
    }
    this.stats.count(this.stats.received, result.message.code);
    try {
      if (!dispatchToServer(this.handlers, result.message, { address: from.address, port: from.port })) {
        this.stats.count(this.stats.dropped, 'not_for_server');
      }
    } catch (error) {
      this.stats.count(this.stats.dropped, 'handler_error');
      this.log('handler_error', { error: (error as Error).message, code: result.message.code });
    }
  }

  private send(to: Endpoint, message: Message): void {
    this.stats.count(this.stats.sent, message.code);
    this.socket.send(encode(message), to.port, to.address);
  }
}
