/**
 * A constant-time look at a datagram before it is decoded: a known request code, the separator,
 * and no more bytes than the longest valid request of that code. What fails it is malformed for
 * sure and goes to the junk bucket undecoded; what passes costs one decode of a few dozen bytes.
 */
import { MESSAGES } from '../generated/protocol.ts';

/** The longest request of each code the server handles, optional fields included (generated from the schema). */
const MAX_BYTES = new Map<string, number>(
  Object.values(MESSAGES).filter((m) => m.direction === 'client_to_server').map((m) => [m.code, m.maxBytes]),
);

/** Whether [data] may be a request: worth decoding. */
export function looksLikeRequest(data: Uint8Array): boolean {
  if (data.length < 4 || data[2] !== 0x3a) return false;
  const max = MAX_BYTES.get(String.fromCharCode(data[0]!, data[1]!));
  return max !== undefined && data.length <= max;
}

/** Whether [data] may be a KA: one cheap decode each, however many come. */
export function looksLikeKeepAlive(data: Uint8Array): boolean {
  return data[0] === 0x4b && data[1] === 0x41 && looksLikeRequest(data); // "KA"
}
