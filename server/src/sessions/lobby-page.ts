/**
 * One page of the public lobby list (LL for an LS): the next listed sessions that match, packed
 * into no more bytes than the request had, so that the answer is never longer than the request
 * that caused it, whoever the request claims to come from.
 */
import { LIMITS, type ListSessions, type LobbyList } from '../generated/protocol.ts';
import type { SessionStore } from './session-store.ts';

/** Sessions one LL carries at most (the schema's maxCount). */
export const PAGE_SESSIONS = 16;
/**
 * Listed sessions one LS looks at, at most, past the filters the index answers (liveness and
 * room): bounds the work of one request. A page that stops here names where the next starts.
 */
export const PAGE_SCAN = 512;
/** Longest `next` on the wire: room is kept for it before the page is packed. */
const CURSOR_DIGITS = 10;
/** `LL:` and the separators around the nonce and the cursor. */
const HEADER_BYTES = 'LL:'.length + 1;
/** Separators before each of a listed session's nine fields. */
const ENTRY_SEPARATORS = 9;

export interface PageContext {
  readonly store: SessionStore;
  /** Sessions whose host was last heard before this are about to expire: they are no longer listed. */
  readonly aliveSince: number;
  /** The server's --max-peers: a session takes that many joiners and its host. */
  readonly maxPeers: number;
}

/**
 * The page that answers [request], in at most [requestBytes] bytes (and at most a datagram), or
 * null when the request is too short for the first session that matches: no page could be shorter
 * than it and still move on.
 */
export function lobbyPage(request: ListSessions, requestBytes: number, ctx: PageContext): LobbyList | null {
  const room = Math.min(requestBytes, LIMITS.maxDatagramBytes) - HEADER_BYTES - request.nonce.length - CURSOR_DIGITS;
  const page = {
    sessionId: [] as string[], alias: [] as string[], players: [] as string[], cap: [] as string[],
    nat: [] as Array<LobbyList['nat'][number]>, name: [] as string[], mode: [] as string[], map: [] as string[], version: [] as string[],
  };
  const filter = { name: request.name, mode: request.mode, map: request.map, version: request.version };
  let used = 0;
  let scanned = 0;
  let next = 0;
  let cursor = Number(request.after);
  for (const session of ctx.store.listedAfter(cursor, filter)) {
    if (scanned++ >= PAGE_SCAN || page.sessionId.length >= PAGE_SESSIONS) {
      next = cursor; // More may match: the next page starts after the last session looked at.
      break;
    }
    const listing = session.listing!;
    if (!session.confirmed || session.hostSeenAt < ctx.aliveSince) {
      cursor = listing.seq;
      continue;
    }
    const players = listing.players ?? 1 + session.peers.size; // The host's count: the server never hears a player leave its game.
    const cap = capOf(listing.cap, ctx.maxPeers);
    if (request.room === 'not_full' && players >= cap) {
      cursor = listing.seq;
      continue;
    }
    const entry = {
      sessionId: session.id, alias: listing.alias, players: String(players), cap: String(cap), nat: session.hostNat?.nat ?? 'unknown',
      name: listing.name, mode: listing.mode, map: listing.map, version: listing.version,
    } as const;
    const bytes = ENTRY_SEPARATORS + Object.values(entry).reduce((sum, value) => sum + value.length, 0);
    if (used + bytes > room) {
      if (page.sessionId.length === 0) return null;
      next = cursor; // This one did not fit: the next page starts with it.
      break;
    }
    used += bytes;
    for (const key of Object.keys(entry) as Array<keyof typeof entry>) (page[key] as string[]).push(entry[key]);
    cursor = listing.seq;
  }
  return { code: 'LL', nonce: request.nonce, next: String(next), ...page };
}

/** The most players [session] takes, its host included: the host's cap, or the server's when lower (or the host set none). */
function capOf(hostCap: number, maxPeers: number): number {
  return hostCap === 0 ? maxPeers + 1 : Math.min(hostCap, maxPeers + 1);
}

