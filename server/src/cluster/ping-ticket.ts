/**
 * Ping tickets: what lets a player measure its round trip to relay nodes (RP, answered with RE)
 * without letting anyone turn a node into a reflector. An instance that lists candidate nodes
 * (RN) signs, with the secret instances and nodes share, the IP address the request came from and
 * an expiry; a node answers RP only when its ticket is signed, unexpired and for the address the
 * RP comes from, and its answer is shorter than the RP. Bound by IP, not port: a port-randomising
 * NAT shows the node another port than it showed the instance.
 *
 * On the wire a ticket is bigrams: version (1) | expiry in seconds since the epoch (4) | MAC (7).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BIGRAMS } from '../generated/protocol.ts';
import { decodeBigrams } from './relay-grant.ts';

const VERSION = 1;
const MAC_BYTES = 7;
const TICKET_BYTES = 1 + 4 + MAC_BYTES;
/** Characters of a ticket on the wire. */
export const TICKET_LENGTH = TICKET_BYTES * 2;
/** How long a ticket is good for: the pings of one relay request and its resends. */
export const TICKET_TTL_MS = 60_000;

export type TicketCheck = 'ok' | 'malformed' | 'forged' | 'expired';

/** A ticket for pings from [ip], good until [nowMs] + [ttlMs]. */
export function mintTicket(secret: string, ip: string, nowMs: number, ttlMs = TICKET_TTL_MS): string {
  const bytes = Buffer.alloc(TICKET_BYTES);
  bytes[0] = VERSION;
  bytes.writeUInt32BE(Math.ceil((nowMs + ttlMs) / 1000), 1);
  mac(secret, ip, bytes.subarray(0, 5)).copy(bytes, 5);
  return [...bytes].map((b) => BIGRAMS[b]).join('');
}

/** Whether [ticket], presented from [fromIp], was signed with [secret] for that address and is still good at [nowMs]. */
export function checkTicket(secret: string, ticket: string, fromIp: string, nowMs: number): TicketCheck {
  if (ticket.length !== TICKET_LENGTH) return 'malformed';
  const bytes = decodeBigrams(ticket);
  if (!bytes || bytes[0] !== VERSION) return 'malformed';
  if (!timingSafeEqual(mac(secret, fromIp, bytes.subarray(0, 5)), bytes.subarray(5))) return 'forged';
  return nowMs >= bytes.readUInt32BE(1) * 1000 ? 'expired' : 'ok';
}

function mac(secret: string, ip: string, signed: Buffer): Buffer {
  // "ping" keeps a ticket's MAC apart from any grant's: one can never pass for the other.
  return createHmac('sha256', secret).update('ping\n').update(signed).update(`\n${ip}`).digest().subarray(0, MAC_BYTES);
}
