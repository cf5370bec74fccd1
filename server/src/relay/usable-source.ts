/**
 * Whether a datagram's source can be answered at all. A raw socket can send from UDP port 0, a
 * broadcast or multicast address, or the server's own ports; answering such a source throws
 * (`ERR_SOCKET_BAD_PORT` for port 0), floods a network, or loops the server into itself. Such a
 * datagram is dropped and counted before anything reads it.
 */
import { isUsableSource } from '../addresses.ts';
import type { Endpoint } from '../generated/protocol.ts';

/**
 * `bad_source`: port 0, or an address that is not one host's (0/8, multicast, reserved,
 * broadcast); `source_is_server`: one of the server's own endpoints, spoofed.
 */
export type UnusableSource = 'bad_source' | 'source_is_server';

export interface OwnEndpoints {
  /** The server's own addresses (public, bound, interfaces): a source there with one of our ports is us. */
  readonly addresses: ReadonlySet<string>;
  readonly ports: ReadonlySet<number>;
}

/** Whether [from] claims to be one of the server's own endpoints (it can only be spoofed). */
export function isOwnEndpoint(from: Endpoint, own: OwnEndpoints): boolean {
  return own.ports.has(from.port) && own.addresses.has(from.address);
}

/** Why [from] cannot be answered or forwarded to, or null when it can. */
export function unusableSource(from: Endpoint, own: OwnEndpoints): UnusableSource | null {
  if (!isUsableSource(from)) return 'bad_source';
  return isOwnEndpoint(from, own) ? 'source_is_server' : null;
}
