/**
 * The server's UDP sockets. Every destination it sends to is an IPv4 or IPv6 literal (a source
 * it heard from, or a key it decoded), never a name: the address lookup answers at once instead
 * of through dns.lookup, which defers every send to the next tick with closures of its own.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** Kernel buffers of the rendezvous socket: large enough to absorb bursts that would otherwise be dropped before they are read. */
export const RENDEZVOUS_BUFFER_BYTES = 4 << 20;

/** A lookup for literal addresses only: anything else is an error, not a DNS query. */
function literal(address: string, _family: unknown, callback: LookupCallback): void {
  const family = isIP(address);
  if (family === 0) callback(Object.assign(new Error(`not an IP address: ${address}`), { code: 'EINVAL' }), address, 0);
  else callback(null, address, family);
}

/** A UDP socket of [type] with kernel buffers of [bufferBytes] (capped by net.core.rmem_max / wmem_max). */
export function udpSocket(type: 'udp4' | 'udp6', bufferBytes?: number, ipv6Only = false): dgram.Socket {
  return dgram.createSocket({
    type, ipv6Only, lookup: literal as unknown as dgram.SocketOptions['lookup'],
    ...(bufferBytes === undefined ? {} : { recvBufferSize: bufferBytes, sendBufferSize: bufferBytes }),
  });
}
