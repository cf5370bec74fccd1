/**
 * The sockets NAT diagnosis may need beside the rendezvous port and the relay ports: a probe port
 * of its own (when --probe-port is not a relay port, or relays are off) and the rendezvous port on
 * the server's IPv6 address (--public-ip6). Each answers NP only; anything else is dropped and
 * counted, and so is a source no answer could reach, before anything reads the datagram.
 */
import type dgram from 'node:dgram';
import type { Endpoint } from '../generated/protocol.ts';
import type { OwnEndpoints } from '../relay/usable-source.ts';
import { unusableSource } from '../relay/usable-source.ts';
import type { ServerStats } from '../stats.ts';
import { udpSocket } from '../udp-socket.ts';
import { ip6Bytes, usableSource6 } from './ip6-address.ts';

/** What the probe sockets hand a datagram to (the rendezvous's ProbeAnswers): each returns false when it was not NP. */
export interface ProbeReceiver {
  receiveProbe(data: Uint8Array, from: Endpoint, reply: (datagram: Buffer) => void): boolean;
  receiveProbe6(data: Uint8Array, from: Endpoint, address: Uint8Array, reply: (datagram: Buffer) => void): boolean;
}

/** A bind failure, naming the socket for the operator ("probe port 7789 on 0.0.0.0"). */
export type ListenError = Error & { listenWhat?: string };

export class ProbeSockets {
  private probe: dgram.Socket | null = null;
  private ip6: dgram.Socket | null = null;
  private ownIp6: Uint8Array | null = null;

  constructor(
    private readonly receiver: ProbeReceiver,
    private readonly own: OwnEndpoints,
    private readonly stats: ServerStats,
  ) {}

  /** The probe port's number once bound here; undefined when it is a relay port or off. */
  get probePort(): number | undefined {
    return this.probe?.address().port;
  }

  /** Binds a probe port of its own on [bind]; resolves with its number. */
  async openProbePort(bind: string, port: number): Promise<number> {
    const socket = await open('udp4', bind, port, `probe port ${port} on ${bind}`);
    this.probe = socket;
    socket.on('message', (data, info) => {
      const from = { address: info.address, port: info.port };
      const unusable = unusableSource(from, this.own);
      if (unusable) return this.drop(unusable);
      if (!this.receiver.receiveProbe(data, from, (answer) => this.send(socket, answer, from))) this.drop('not_a_probe');
    });
    return socket.address().port;
  }

  /** Binds [port] on the server's IPv6 address [address] (IPv6 only: IPv4 has its own socket). */
  async openIp6(address: string, port: number): Promise<void> {
    const socket = await open('udp6', address, port, `IPv6 port ${port} on ${address}`);
    this.ip6 = socket;
    this.ownIp6 = ip6Bytes(address);
    socket.on('message', (data, info) => {
      const from = { address: info.address, port: info.port };
      const source = usableSource6(from);
      if (!source) return this.drop('bad_source');
      if (this.own.ports.has(from.port) && this.ownIp6 && Buffer.compare(source, this.ownIp6) === 0) return this.drop('source_is_server');
      if (!this.receiver.receiveProbe6(data, from, source, (answer) => this.send(socket, answer, from))) this.drop('not_a_probe');
    });
  }

  close(): void {
    for (const socket of [this.probe, this.ip6]) socket?.close();
    this.probe = null;
    this.ip6 = null;
  }

  private send(socket: dgram.Socket, datagram: Buffer, to: Endpoint): void {
    try {
      socket.send(datagram, to.port, to.address);
    } catch {
      this.drop('send_failed');
    }
  }

  private drop(reason: 'bad_source' | 'source_is_server' | 'not_a_probe' | 'send_failed'): void {
    this.stats.count(this.stats.dropped, reason);
  }
}

async function open(type: 'udp4' | 'udp6', address: string, port: number, what: string): Promise<dgram.Socket> {
  const socket = udpSocket(type, undefined, type === 'udp6');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error: ListenError) => {
      socket.close();
      reject(Object.assign(error, { listenWhat: what }));
    });
    socket.bind(port, address, () => resolve());
  });
  socket.removeAllListeners('error');
  socket.on('error', () => {}); // An asynchronous send failure (an unreachable source): the next probe goes on.
  return socket;
}
