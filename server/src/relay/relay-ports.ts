/**
 * The server's small fixed set of relay ports, bound at start, shared by every relay. A datagram
 * is told apart by the port it arrives at and the address it comes from: a side, once bound, owns
 * its source address on its relay's port. Two relays that share a side (a host with several
 * relayed clients) get different ports, because the host's game socket tells its peers apart
 * only by their address, and the relay tells the host's datagrams apart only by the port.
 */
import type { Endpoint } from '../generated/protocol.ts';
import type { Relay, RelaySide } from './relay.ts';

export interface RelaySocket {
  readonly port: number;
  /** Throws when the datagram cannot be sent at all (the caller counts it). */
  send(datagram: Uint8Array, to: Endpoint): void;
  onMessage(handler: (datagram: Buffer, from: Endpoint) => void): void;
  close(): void;
}

const addressKey = (e: Endpoint) => `${e.address}:${e.port}`;

class RelayPort {
  /** Bound sides by source address. */
  readonly bound = new Map<string, RelaySide>();
  /** Relays on this port by side key: a side key appears on a port at most once. */
  readonly sideKeys = new Map<string, Relay>();
  relays = 0;

  constructor(readonly socket: RelaySocket) {}
}

export class RelayPorts {
  private readonly ports: RelayPort[];

  constructor(sockets: readonly RelaySocket[]) {
    this.ports = sockets.map((s) => new RelayPort(s));
  }

  /** The bound port numbers, in order. */
  get numbers(): number[] {
    return this.ports.map((p) => p.socket.port);
  }

  get count(): number {
    return this.ports.length;
  }

  onMessage(handler: (portIndex: number, datagram: Buffer, from: Endpoint) => void): void {
    this.ports.forEach((port, index) => port.socket.onMessage((datagram, from) => handler(index, datagram, from)));
  }

  /**
   * The least used port on which neither [keys] has a relay yet, or -1 when every port has one
   * (the side already has as many relays as there are ports).
   */
  choose(keys: readonly [string, string]): number {
    let best = -1;
    this.ports.forEach((port, index) => {
      if (port.sideKeys.has(keys[0]) || port.sideKeys.has(keys[1])) return;
      if (best < 0 || port.relays < this.ports[best]!.relays) best = index;
    });
    return best;
  }

  /** Whether side [key] has a relay on port [portIndex]. */
  holds(portIndex: number, key: string): boolean {
    return this.ports[portIndex]!.sideKeys.has(key);
  }

  add(relay: Relay): void {
    const port = this.ports[relay.portIndex]!;
    port.relays++;
    for (const side of relay.sides) port.sideKeys.set(side.key, relay);
  }

  remove(relay: Relay): void {
    const port = this.ports[relay.portIndex]!;
    port.relays--;
    for (const side of relay.sides) {
      if (port.sideKeys.get(side.key) === relay) port.sideKeys.delete(side.key);
      if (side.bound && port.bound.get(addressKey(side.bound)) === side) port.bound.delete(addressKey(side.bound));
    }
  }

  /** The side bound to [from] on this port, if any. */
  boundSide(portIndex: number, from: Endpoint): RelaySide | undefined {
    return this.ports[portIndex]!.bound.get(addressKey(from));
  }

  bind(portIndex: number, side: RelaySide, from: Endpoint): void {
    side.bound = { address: from.address, port: from.port };
    this.ports[portIndex]!.bound.set(addressKey(from), side);
  }

  /** Sends from the port; false when the socket refused (a closed socket, an unusable address). */
  send(portIndex: number, datagram: Uint8Array, to: Endpoint): boolean {
    try {
      this.ports[portIndex]!.socket.send(datagram, to);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    for (const port of this.ports) port.socket.close();
  }
}
