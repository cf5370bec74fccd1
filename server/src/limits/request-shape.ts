/**
 * A constant-time look at a datagram before it is decoded: a known request code, the separator,
 * and no more bytes than the longest valid request of that code. What fails it is malformed for
 * sure and goes to the junk bucket undecoded; what passes costs one decode of a few dozen bytes.
 */
import { MESSAGES } from '../generated/protocol.ts';

/** Where code [first][second] (two capital letters) is in MAX_BYTES, or -1 when it is none. */
function codeIndex(first: number, second: number): number {
  return first >= 0x41 && first <= 0x5a && second >= 0x41 && second <= 0x5a ? (first - 0x41) * 26 + (second - 0x41) : -1;
}

/**
 * The longest request of each code the server handles, optional fields included (generated from
 * the schema), by the code's two letters; 0 for codes that are no request. Indexed by bytes: no
 * string is made to look a code up.
 */
const MAX_BYTES = new Uint16Array(26 * 26);
for (const m of Object.values(MESSAGES)) {
  if (m.direction === 'client_to_server') MAX_BYTES[codeIndex(m.code.charCodeAt(0), m.code.charCodeAt(1))] = m.maxBytes;
}

/** Whether [data] may be a request: worth decoding. */
export function looksLikeRequest(data: Uint8Array): boolean {
  if (data.length < 4 || data[2] !== 0x3a) return false;
  const at = codeIndex(data[0]!, data[1]!);
  return at >= 0 && data.length <= MAX_BYTES[at]!;
}

/** Whether [data] may be a KA: one cheap decode each, however many come. */
export function looksLikeKeepAlive(data: Uint8Array): boolean {
  return data[0] === 0x4b && data[1] === 0x41 && looksLikeRequest(data); // "KA"
}
