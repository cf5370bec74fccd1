/** What the server needs to know about IPv4 addresses: which are usable, private, or one network. */
import type { Endpoint } from './generated/protocol.ts';

/** The four octets of a dotted IPv4 address, or null. Hand-parsed: it runs for every request. */
function octets(address: string): [number, number, number, number] | null {
  const result: number[] = [];
  let value = -1;
  for (let i = 0; i <= address.length; i++) {
    const c = i < address.length ? address.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (value < 0 || value > 255 || result.length === 4) return null;
      result.push(value);
      value = -1;
    } else if (c >= 0x30 && c <= 0x39) {
      value = (value < 0 ? 0 : value * 10) + (c - 0x30);
    } else {
      return null;
    }
  }
  return result.length === 4 ? (result as [number, number, number, number]) : null;
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

/**
 * A source the server may answer: a unicast address and a port other than 0 (a send to port 0
 * throws). Called for every datagram, so it reads only the first octet of the dotted address the
 * socket reports, by its characters.
 */
export function isUsableSource(from: Endpoint): boolean {
  if (!(from.port > 0 && from.port <= 65535)) return false;
  const { address } = from;
  let first = 0;
  for (let i = 0; i < address.length && i < 4; i++) {
    const c = address.charCodeAt(i);
    if (c === 0x2e) return i > 0 && first > 0 && first < 224;
    if (c < 0x30 || c > 0x39) break;
    first = first * 10 + (c - 0x30);
  }
  // Not a dotted address the socket reports (an IPv6 source, say): read as before, by cutting.
  const octet = Number(address.slice(0, address.indexOf('.')));
  return octet > 0 && octet < 224;
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

/**
 * An address as the limits key it: a dotted IPv4 address as its 32-bit number,
 * anything else (an IPv6 /64, say) as its text. Every datagram's source arrives as a new string,
 * whose hash a Map would compute anew and whose characters it would compare with a stored key's;
 * a number (a small integer to the engine) is hashed and compared at once.
 */
export type AddressKey = number | string;

/** The key of [address] (a key already is its own). Hand-parsed: it runs several times a request. */
export function addressKey(address: AddressKey): AddressKey {
  if (typeof address === 'number') return address;
  const value = dotted(address, 4);
  return value < 0 ? address : value | 0; // A signed 32-bit integer: a small integer to the engine.
}

/**
 * The addressKey and endpointKey of [endpoint] at once, into [keys] (reused by the caller): the
 * address is read once for both.
 */
export function endpointKeys(endpoint: Endpoint, keys: { ip: AddressKey; endpoint: AddressKey }): void {
  const value = dotted(endpoint.address, 4);
  if (value < 0) {
    keys.ip = endpoint.address;
    keys.endpoint = `${endpoint.address}:${endpoint.port}`;
  } else {
    keys.ip = value | 0;
    keys.endpoint = value * 65536 + endpoint.port;
  }
}

/** The key of [address]'s /24 network: its first 24 bits for IPv4, networkOf's text otherwise. */
export function networkKey(address: AddressKey): AddressKey {
  const key = addressKey(address);
  return typeof key === 'number' ? key >>> 8 : networkOf(key);
}

/**
 * The key of an address and port, as AddressKey's: for IPv4 the 48-bit number of both (a double,
 * which a Map still hashes by value), otherwise "address:port".
 */
export function endpointKey(endpoint: Endpoint): AddressKey {
  const value = dotted(endpoint.address, 4);
  return value < 0 ? `${endpoint.address}:${endpoint.port}` : value * 65536 + endpoint.port;
}

/** The key (as networkKey's) of a /24 network written as networkOf writes it ("198.51.100"). */
export function networkTextKey(net: string): AddressKey {
  const value = dotted(net, 3);
  return value < 0 ? net : value;
}

/** [text] as [parts] dot-separated decimal octets, read as one unsigned number; -1 when it is not. */
function dotted(text: string, parts: 3 | 4): number {
  let value = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (octet < 0 || dots === parts - 1) return -1;
      value = value * 256 + octet;
      octet = -1;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      octet = (octet < 0 ? 0 : octet * 10) + (c - 0x30);
      if (octet > 255) return -1;
    } else {
      return -1;
    }
  }
  return octet < 0 || dots !== parts - 1 ? -1 : value * 256 + octet;
}

/** The /24 network of an IPv4 address ("198.51.100"): the unit one operator typically holds. */
export function networkOf(address: string): string {
  const dot = address.lastIndexOf('.');
  return dot < 0 ? address : address.slice(0, dot);
}
