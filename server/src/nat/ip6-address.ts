/**
 * IPv6 addresses as the server handles them: parsed to 16 bytes (keys are IPv4-only, so an IPv6
 * address travels as two tokens, its first and last 8 bytes, one bigram per byte), which sources
 * can be answered, and the /64 one host (or one home) typically holds.
 */
import { BIGRAMS, type Endpoint } from '../generated/protocol.ts';

const BIGRAM_INDEX = new Map<string, number>(BIGRAMS.map((b, i) => [b, i]));

/** The 16 bytes of IPv6 address [text] (any spelling, no zone and no embedded IPv4), or null. */
export function ip6Bytes(text: string): Uint8Array | null {
  if (text.length > 39 || text.includes('.') || text.includes('%')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string | undefined): number[] | null => {
    if (!half) return [];
    const out: number[] = [];
    for (const part of half.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
      out.push(parseInt(part, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** The two tokens that carry [bytes]: the first 8 bytes and the last 8. */
export function ip6Tokens(bytes: Uint8Array): [string, string] {
  const letters = Array.from(bytes, (b) => BIGRAMS[b]!).join('');
  return [letters.slice(0, 16), letters.slice(16)];
}

/** The 16 bytes two tokens carry (each a valid token: the decoder checked). */
export function ip6FromTokens(prefix: string, host: string): Uint8Array {
  const letters = prefix + host;
  return Uint8Array.from({ length: 16 }, (_, i) => BIGRAM_INDEX.get(letters.slice(2 * i, 2 * i + 2)) ?? 0);
}

/**
 * An address an IPv6 datagram may be answered at: one host's. Not unspecified, not multicast
 * (ff00::/8), not link-local (fe80::/10, meaningless without a zone), not IPv4-mapped or -compatible.
 */
export function isUsableIp6(bytes: Uint8Array): boolean {
  if (bytes[0] === 0xff || (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80)) return false;
  const zeroTo = (n: number) => bytes.subarray(0, n).every((b) => b === 0);
  if (zeroTo(10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || zeroTo(12))) {
    return zeroTo(15) && bytes[15] === 1; // ::1 only: the loopback is one host, this one.
  }
  return true;
}

/** The parsed source of an IPv6 datagram when it can be answered (a usable address, a port), or null. */
export function usableSource6(from: Endpoint): Uint8Array | null {
  if (!(from.port > 0 && from.port <= 65535)) return null;
  const bytes = ip6Bytes(from.address);
  return bytes && isUsableIp6(bytes) ? bytes : null;
}

/**
 * The /64 of [bytes] ("2001:db8:1:2::/64"): one host's interface, often a whole home. Rate limits
 * count per /64, since whoever holds one can send from any of its 2^64 addresses.
 */
export function network64(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}
