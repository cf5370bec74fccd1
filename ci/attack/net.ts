/**
 * Loopback sockets for the attack suite: every participant binds its own 127.x.y.z address, so
 * the server's per-address and per-network limits see many clients, as on the internet.
 */
import type { Endpoint } from '../../server/src/generated/protocol.ts';
import { UdpClient } from '../harness/udp-client.ts';

export { type Arrival, UdpClient } from '../harness/udp-client.ts';

/**
 * A participant's socket on [address]: a large receive buffer (the kernel's default drops bursts
 * when the event loop is busy, and a busy attack process would count its own drops as the
 * server's), and nothing kept: listeners read what arrives.
 */
export function bindPeer(address: string, port = 0): Promise<UdpClient> {
  return UdpClient.open(address, port, { recvBufferSize: 1 << 20, keep: false });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Binds [count] sockets on [address(i)]. */
export function bindMany(count: number, address: (i: number) => string): Promise<UdpClient[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => bindPeer(address(i))));
}

/**
 * A socket on an address no participant owns. Whatever arrives there was sent by the server or
 * by a legitimate peer to a third party on an attacker's word; the figure must stay 0.
 */
export class Canary {
  received = 0;
  bytes = 0;
  readonly senders = new Map<string, number>();

  private constructor(readonly peer: UdpClient) {
    peer.on((arrival) => {
      this.received++;
      this.bytes += arrival.data.length;
      const from = `${arrival.from.address}:${arrival.from.port}`;
      this.senders.set(from, (this.senders.get(from) ?? 0) + 1);
    });
  }

  static async open(address: string): Promise<Canary> {
    return new Canary(await bindPeer(address));
  }

  get endpoint(): Endpoint {
    return this.peer.endpoint;
  }

  get key(): string {
    return this.peer.key;
  }
}

/** A loopback address from a /8 layout: 127.a.b.c, each part kept in 0..255 (c in 1..254). */
export function loopback(a: number, b: number, c: number): string {
  return `127.${a & 255}.${b & 255}.${1 + (c % 254)}`;
}
