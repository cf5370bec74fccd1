/**
 * A UDP relay between clients and the server that drops and duplicates datagrams both ways.
 * Each client gets its own upstream socket, as a NAT gives each host its own mapping, so the
 * server still sees one address per client. Datagrams reaching an upstream socket from anyone
 * but the server are dropped, as a home router's firewall does.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface LossyRelayOptions {
  /** Where to forward; may be set after listen() with setServer(), once the server runs. */
  server?: { readonly address: string; readonly port: number };
  /** Probability in [0, 1] that a datagram is dropped. */
  readonly loss: number;
  /** Probability in [0, 1] that a datagram that got through is sent twice. */
  readonly duplicate: number;
  readonly seed: number;
}

export interface RelayStats { forwarded: number; dropped: number; duplicated: number }

export class LossyRelay {
  readonly stats: RelayStats = { forwarded: 0, dropped: 0, duplicated: 0 };
  private readonly front = dgram.createSocket('udp4');
  private readonly upstream = new Map<string, dgram.Socket>();
  private random: () => number;

  constructor(private readonly options: LossyRelayOptions) {
    this.random = mulberry32(options.seed);
  }

  setServer(server: { readonly address: string; readonly port: number }): void {
    this.options.server = server;
  }

  async listen(): Promise<AddressInfo> {
    this.front.on('message', (data, from) => {
      const id = `${from.address}:${from.port}`;
      let socket = this.upstream.get(id);
      if (!socket) {
        socket = dgram.createSocket('udp4');
        socket.bind(0, '127.0.0.1');
        socket.on('message', (reply, replyFrom) => {
          const server = this.options.server;
          if (!server || replyFrom.address !== server.address || replyFrom.port !== server.port) return;
          this.pass(() => this.front.send(reply, from.port, from.address));
        });
        this.upstream.set(id, socket);
      }
      const up = socket;
      const server = this.options.server;
      if (server) this.pass(() => up.send(data, server.port, server.address));
    });
    await new Promise<void>((done) => this.front.bind(0, '127.0.0.1', done));
    return this.front.address();
  }

  private pass(send: () => void): void {
    if (this.random() < this.options.loss) {
      this.stats.dropped++;
      return;
    }
    send();
    this.stats.forwarded++;
    if (this.random() < this.options.duplicate) {
      send();
      this.stats.duplicated++;
    }
  }

  close(): void {
    this.front.close();
    for (const socket of this.upstream.values()) socket.close();
  }
}

/** A small seeded PRNG, so a failing run can be repeated with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
