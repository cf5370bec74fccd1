/** What the server needs to know about IPv4 addresses: which are usable, private, or one network. */
import type { Endpoint } from './generated/protocol.ts';

function octets(address: string): [number, number, number, number] | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  const values = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : -1));
  if (values.some((v) => v < 0 || v > 255)) return null;
  return values as [number, number, number, number];
}

/**
 * An address that can be an endpoint: not "this network" (0/8, which includes 0.0.0.0), not
 * multicast (224/4) and not reserved (240/4, which includes the broadcast address). Nothing sent
 * to such an address reaches one player, so no datagram from one is answered.
 */
export function isUnicastAddress(address: string): boolean {
  const o = octets(address);
  return o !== null && o[0] !== 0 && o[0] < 224;
}

/** A source the server may answer: a unicast address and a port other than 0 (a send to port 0 throws). */
export function isUsableSource(from: Endpoint): boolean {
  return Number.isInteger(from.port) && from.port > 0 && from.port <= 65535 && isUnicastAddress(from.address);
}

/**
 * Whether a claimed LAN address may be passed on to a peer: private (10/8, 172.16/12,
 * 192.168/16), link-local (169.254/16) or shared carrier-grade NAT space (100.64/10). Any other
 * address would make the peer ping a stranger on the internet.
 */
export function isLanAddress(address: string): boolean {
  const o = octets(address);
  if (!o) return false;
  const [a, b] = o;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
    || (a === 100 && b >= 64 && b <= 127);
}

/** The /24 network of an IPv4 address ("198.51.100"): the unit one operator typically holds. */
export function networkOf(address: string): string {
  const dot = address.lastIndexOf('.');
  return dot < 0 ? address : address.slice(0, dot);
}
