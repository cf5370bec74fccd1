/**
 * Relay grants, as the TURN REST API does them: an instance that grants a pair a relay on a node
 * signs, with the secret every instance and node shares (--relay-secret), the node, the pair's two
 * IP addresses, an expiry and a random grant id. The node checks a grant with the secret alone,
 * without asking Redis, so the data path never waits on it. Addresses are bound by IP, not port: a
 * port-randomising NAT shows the node another port than it showed the instance.
 *
 * On the wire a grant is bigrams (the alphabet of every token): one per byte of
 * version (1) | expiry in seconds since the epoch (4) | grant id (6) | role (1, from version 2) | MAC (12).
 * The role says which address hosts the pair, and whether the host's game runs: what a node needs
 * to let a host's relays give way as an instance's own do (giving-way.ts). A version 1 grant has
 * none, and its relay never gives way.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BIGRAMS } from '../generated/protocol.ts';

const VERSION = 2;
/** Grants without a role, as instances of an earlier version make them: still admitted. */
const ROLELESS_VERSION = 1;
const ID_BYTES = 6;
const MAC_BYTES = 12;
const GRANT_BYTES = 1 + 4 + ID_BYTES + 1 + MAC_BYTES;
/** Characters of a grant on the wire. */
export const GRANT_LENGTH = GRANT_BYTES * 2;
/** Characters of a grant of version 1. */
const ROLELESS_LENGTH = GRANT_LENGTH - 2;

/** Role bits: the lower (in string order) of the two addresses hosts the pair; the higher does; the host's game runs. */
const HOST_LOW = 1;
const HOST_HIGH = 2;
const GAME_RUNS = 4;

/** Which of the pair's addresses hosts it (when a session says so), and whether the host's game runs (it linked, HL). */
export interface GrantRole {
  readonly hostIp?: string | undefined;
  readonly gameRuns: boolean;
}

export const NO_ROLE: GrantRole = { hostIp: undefined, gameRuns: false };

const BYTE_OF = new Map(BIGRAMS.map((bigram, i) => [bigram, i]));

export type GrantRefusal = 'malformed' | 'forged' | 'expired';

export type GrantCheck = { readonly ok: true; readonly id: string; readonly expiresAtMs: number; readonly role: GrantRole }
  | { readonly ok: false; readonly reason: GrantRefusal };

/** A grant for the pair at [ipA] and [ipB] on [node] (its public address and port key), good until [nowMs] + [ttlMs], in [role]. */
export function mintGrant(secret: string, node: string, ipA: string, ipB: string, nowMs: number, ttlMs: number, role: GrantRole = NO_ROLE): string {
  const bytes = Buffer.alloc(GRANT_BYTES);
  bytes[0] = VERSION;
  bytes.writeUInt32BE(Math.ceil((nowMs + ttlMs) / 1000), 1);
  randomBytes(ID_BYTES).copy(bytes, 5);
  const [low, high] = ipA < ipB ? [ipA, ipB] : [ipB, ipA];
  bytes[5 + ID_BYTES] = (role.hostIp === low ? HOST_LOW : 0) | (role.hostIp === high ? HOST_HIGH : 0) | (role.gameRuns ? GAME_RUNS : 0);
  mac(secret, node, ipA, ipB, bytes.subarray(0, GRANT_BYTES - MAC_BYTES)).copy(bytes, GRANT_BYTES - MAC_BYTES);
  return [...bytes].map((b) => BIGRAMS[b]).join('');
}

/** Characters of the grant [text] starts with, by its version; 0 when it starts with none. */
export function grantLength(text: string): number {
  const version = BYTE_OF.get(text.slice(0, 2) as (typeof BIGRAMS)[number]);
  return version === VERSION ? GRANT_LENGTH : version === ROLELESS_VERSION ? ROLELESS_LENGTH : 0;
}

/**
 * Whether [grant], presented to [node] from [fromIp] for the pair with [peerIp], was signed with
 * [secret] for exactly that node and pair, and is still good at [nowMs]. The MAC covers both
 * addresses: a grant used from any other address fails as a forgery does.
 */
export function checkGrant(secret: string, node: string, grant: string, fromIp: string, peerIp: string, nowMs: number): GrantCheck {
  const bytes = decodeBigrams(grant);
  if (!bytes || grantLength(grant) !== grant.length) return { ok: false, reason: 'malformed' };
  const signed = bytes.subarray(0, bytes.length - MAC_BYTES);
  if (!timingSafeEqual(mac(secret, node, fromIp, peerIp, signed), bytes.subarray(signed.length))) return { ok: false, reason: 'forged' };
  const expiresAtMs = bytes.readUInt32BE(1) * 1000;
  if (nowMs >= expiresAtMs) return { ok: false, reason: 'expired' };
  return { ok: true, id: bytes.subarray(5, 5 + ID_BYTES).toString('hex'), expiresAtMs, role: roleOf(bytes, fromIp, peerIp) };
}

/** The role a checked grant's bytes carry (none for version 1). */
function roleOf(bytes: Buffer, ipA: string, ipB: string): GrantRole {
  if (bytes[0] !== VERSION) return NO_ROLE;
  const flags = bytes[5 + ID_BYTES]!;
  const [low, high] = ipA < ipB ? [ipA, ipB] : [ipB, ipA];
  return { hostIp: flags & HOST_LOW ? low : flags & HOST_HIGH ? high : undefined, gameRuns: (flags & GAME_RUNS) !== 0 };
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
  const length = grantLength(text);
  if (length === 0 || (text.length !== length + 8 && text.length !== length + 12)) return null;
  const ip = decodeBigrams(text.slice(length, length + 8));
  const port = text.length === length + 12 ? decodeBigrams(text.slice(length + 8)) : undefined;
  if (!ip || port === null) return null;
  return { grant: text.slice(0, length), peerIp: [...ip].join('.'), ...(port ? { nodePort: port.readUInt16BE(0) } : {}) };
}
