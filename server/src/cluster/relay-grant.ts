/**
 * Relay grants, as the TURN REST API does them: an instance that grants a pair a relay on a node
 * signs, with the secret every instance and node shares (--relay-secret), the node, the pair's two
 * IP addresses, an expiry and a random grant id. The node checks a grant with the secret alone,
 * without asking Redis, so the data path never waits on it. Addresses are bound by IP, not port: a
 * port-randomising NAT shows the node another port than it showed the instance.
 *
 * On the wire a grant is bigrams (the alphabet of every token): one per byte of
 * version (1) | expiry in seconds since the epoch (4) | grant id (6) | MAC (12).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BIGRAMS } from '../generated/protocol.ts';

const VERSION = 1;
const ID_BYTES = 6;
const MAC_BYTES = 12;
const GRANT_BYTES = 1 + 4 + ID_BYTES + MAC_BYTES;
/** Characters of a grant on the wire. */
export const GRANT_LENGTH = GRANT_BYTES * 2;

const BYTE_OF = new Map(BIGRAMS.map((bigram, i) => [bigram, i]));

export type GrantRefusal = 'malformed' | 'forged' | 'expired';

export type GrantCheck = { readonly ok: true; readonly id: string; readonly expiresAtMs: number } | { readonly ok: false; readonly reason: GrantRefusal };

/** A grant for the pair at [ipA] and [ipB] on [node] (its public address and port key), good until [nowMs] + [ttlMs]. */
export function mintGrant(secret: string, node: string, ipA: string, ipB: string, nowMs: number, ttlMs: number): string {
  const bytes = Buffer.alloc(GRANT_BYTES);
  bytes[0] = VERSION;
  bytes.writeUInt32BE(Math.ceil((nowMs + ttlMs) / 1000), 1);
  randomBytes(ID_BYTES).copy(bytes, 5);
  mac(secret, node, ipA, ipB, bytes.subarray(0, 5 + ID_BYTES)).copy(bytes, 5 + ID_BYTES);
  return [...bytes].map((b) => BIGRAMS[b]).join('');
}

/**
 * Whether [grant], presented to [node] from [fromIp] for the pair with [peerIp], was signed with
 * [secret] for exactly that node and pair, and is still good at [nowMs]. The MAC covers both
 * addresses: a grant used from any other address fails as a forgery does.
 */
export function checkGrant(secret: string, node: string, grant: string, fromIp: string, peerIp: string, nowMs: number): GrantCheck {
  const bytes = decodeBigrams(grant);
  if (!bytes || bytes.length !== GRANT_BYTES || bytes[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const signed = bytes.subarray(0, 5 + ID_BYTES);
  if (!timingSafeEqual(mac(secret, node, fromIp, peerIp, signed), bytes.subarray(5 + ID_BYTES))) return { ok: false, reason: 'forged' };
  const expiresAtMs = bytes.readUInt32BE(1) * 1000;
  if (nowMs >= expiresAtMs) return { ok: false, reason: 'expired' };
  return { ok: true, id: bytes.subarray(5, 5 + ID_BYTES).toString('hex'), expiresAtMs };
}

/** The MAC of a grant's first bytes, for [node] and the pair in either order. */
function mac(secret: string, node: string, ipA: string, ipB: string, signed: Buffer): Buffer {
  const [low, high] = ipA < ipB ? [ipA, ipB] : [ipB, ipA];
  return createHmac('sha256', secret).update(signed).update(`\n${node}\n${low}\n${high}`).digest().subarray(0, MAC_BYTES);
}

/** The bytes of [text], one per bigram, or null when it is not bigrams (or longer than a grant). */
export function decodeBigrams(text: string): Buffer | null {
  if (text.length % 2 !== 0 || text.length > GRANT_LENGTH) return null;
  const bytes = Buffer.alloc(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const byte = BYTE_OF.get(text.slice(2 * i, 2 * i + 2) as (typeof BIGRAMS)[number]);
    if (byte === undefined) return null;
    bytes[i] = byte;
  }
  return bytes;
}

/**
 * What RG gives each side to send back in RB: the pair's grant and the other side's IPv4 address
 * (4 bigrams), which the node needs to check the MAC and learns from nowhere else; and, when given,
 * the port of the node's key (2 bigrams), with which an instance that never saw the node alive
 * (started after it died) knows the node a rebind names: the MAC covers the node's key, so a port
 * changed there fails as a forgery does.
 */
export function sideGrant(grant: string, peerIp: string, nodePort?: number): string {
  const port = nodePort === undefined ? '' : BIGRAMS[nodePort >> 8]! + BIGRAMS[nodePort & 0xff]!;
  return grant + peerIp.split('.').map((part) => BIGRAMS[Number(part)]).join('') + port;
}

/** The grant, the peer's address and the node's key port (when it carries one) of an RB's grant field, or null when it is not one. */
export function readSideGrant(text: string): { grant: string; peerIp: string; nodePort?: number } | null {
  if (text.length !== GRANT_LENGTH + 8 && text.length !== GRANT_LENGTH + 12) return null;
  const ip = decodeBigrams(text.slice(GRANT_LENGTH, GRANT_LENGTH + 8));
  const port = text.length === GRANT_LENGTH + 12 ? decodeBigrams(text.slice(GRANT_LENGTH + 8)) : undefined;
  if (!ip || port === null) return null;
  return { grant: text.slice(0, GRANT_LENGTH), peerIp: [...ip].join('.'), ...(port ? { nodePort: port.readUInt16BE(0) } : {}) };
}
