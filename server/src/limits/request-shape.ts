/**
 * A constant-time look at a datagram before it is decoded: a known request code, the separator,
 * and no more bytes than the longest valid request of that code. What fails it is malformed for
 * sure and goes to the junk bucket undecoded; what passes costs one decode of a few dozen bytes.
 */
import { type ClientToServerMessage, encode, KEY_LENGTH, LIMITS, TOKEN_LENGTH } from '../generated/protocol.ts';

const KEY = 'x'.repeat(KEY_LENGTH);
const SESSION_ID = 'x'.repeat(KEY_LENGTH + 2 * LIMITS.maxSuffixBigrams);
const TOKEN = 'x'.repeat(TOKEN_LENGTH);

/** The longest request of each code the server handles, optional fields included (the compiler keeps this list complete). */
const LONGEST = {
  HS: { code: 'HS', localKey: KEY, nonce: TOKEN, nat: 'port_randomising', ip6Prefix: TOKEN, ip6Host: TOKEN, ip6Proof: TOKEN },
  JS: { code: 'JS', localKey: KEY, sessionId: SESSION_ID, nonce: TOKEN, nat: 'port_randomising', ip6Prefix: TOKEN, ip6Host: TOKEN, ip6Proof: TOKEN, cookie: TOKEN },
  RS: { code: 'RS', localKey: KEY, nonce: TOKEN, nat: 'port_randomising', ip6Prefix: TOKEN, ip6Host: TOKEN, ip6Proof: TOKEN, cookie: TOKEN },
  KA: { code: 'KA', sessionId: SESSION_ID, nonce: TOKEN },
  CS: { code: 'CS', sessionId: SESSION_ID, nonce: TOKEN },
  HL: { code: 'HL', sessionId: SESSION_ID, nonce: TOKEN },
  RQ: { code: 'RQ', sessionId: SESSION_ID, peerKey: KEY, nonce: TOKEN },
  RB: { code: 'RB', token: TOKEN },
  NP: { code: 'NP', localKey: KEY, probeKey: KEY, nonce: TOKEN, serverIp6Prefix: TOKEN, serverIp6Host: TOKEN },
} satisfies { [C in ClientToServerMessage['code']]: Extract<ClientToServerMessage, { code: C }> };

const MAX_BYTES = new Map<string, number>(Object.values(LONGEST).map((m) => [m.code, encode(m).length]));

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
