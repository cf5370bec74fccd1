/**
 * Public lobbies: a host publishes its session with a few small strings, anyone lists the
 * published sessions a page at a time. All ours; original clients never send or receive them.
 */
import { NAT_DOC, NAT_TYPES } from './fields.ts';
import type { FieldSpec, MessageSpec } from './types.ts';

/** Most bytes on the wire of a lobby's name and of the host's alias in a listing. */
export const LISTING_NAME_BYTES = 32;
/** Most bytes on the wire of a lobby's mode, map and version. */
export const LISTING_TAG_BYTES = 16;
/** Most sessions one LL carries (a 512-byte datagram holds this many short entries). */
export const LISTING_PAGE_SESSIONS = 16;

const ENCODED = 'percent-encoded UTF-8 as an alias is';

/** The four metadata strings, in the order LP, LS and LL carry them; [role] says what each is there. */
function metadata(role: string): FieldSpec[] {
  return [
    { name: 'name', type: 'text', maxLength: LISTING_NAME_BYTES, doc: `The lobby's name${role}, ${ENCODED}, at most ${LISTING_NAME_BYTES} bytes on the wire.` },
    { name: 'mode', type: 'text', maxLength: LISTING_TAG_BYTES, doc: `The game mode${role}, at most ${LISTING_TAG_BYTES} bytes on the wire.` },
    { name: 'map', type: 'text', maxLength: LISTING_TAG_BYTES, doc: `The map${role}, at most ${LISTING_TAG_BYTES} bytes on the wire.` },
    { name: 'version', type: 'text', maxLength: LISTING_TAG_BYTES, doc: `The game's version${role}, at most ${LISTING_TAG_BYTES} bytes on the wire.` },
  ];
}

export const lobbyMessages: readonly MessageSpec[] = [
  {
    code: 'LP', name: 'lobby_publish', direction: 'client_to_server',
    doc: 'Ours: the host lists its session publicly with its metadata, or changes the metadata, or (with an empty name) takes it off the list. Only a confirmed hosted session of ours (its host\'s nonce) may be listed; it leaves the list when it closes or expires, at once. Resent until LD arrives; sent again whenever the metadata changes.',
    fields: [
      { name: 'session_id', type: 'session_id', doc: 'The host\'s session.' },
      { name: 'nonce', type: 'token', doc: 'The host\'s own nonce from its HS: only the host knows it.' },
      { name: 'cap', type: 'count', doc: 'The most players the game takes, the host included; 0 for no cap of the host\'s own (the server\'s --max-peers still holds).' },
      { name: 'alias', type: 'text', maxLength: LISTING_NAME_BYTES, doc: `The host's alias, as listings show it, ${ENCODED}, at most ${LISTING_NAME_BYTES} bytes on the wire.` },
      ...metadata('; empty takes the session off the list'),
      {
        name: 'players', type: 'count', optional: true,
        doc: 'The players in the session now as its host counts them, itself included (a player that left, crashed or was refused is not); sent again when it changes. Without it the listing counts every joiner the server introduced.',
      },
    ],
  },
  {
    code: 'LD', name: 'lobby_listed', direction: 'server_to_client',
    doc: 'Ours: answer to LP: the session\'s listing is as the LP with this nonce said. Shorter than the LP it answers.',
    fields: [
      { name: 'session_id', type: 'session_id', doc: 'The session listed (or taken off the list).' },
      { name: 'nonce', type: 'token', doc: 'The nonce of the LP this answers.' },
    ],
  },
  {
    code: 'LS', name: 'list_sessions', direction: 'client_to_server',
    doc: 'Ours: asks for a page of the listed sessions, filtered by exact metadata values and by room for another player. Answered with LL, never longer than this request: its padding buys the room the page may take.',
    fields: [
      { name: 'nonce', type: 'token', doc: 'A fresh token per request, echoed in LL.' },
      { name: 'after', type: 'count', doc: 'Where the page starts: 0 for the first page, else the next of the LL before.' },
      { name: 'room', type: 'word', values: ['any', 'not_full'], doc: 'any: full sessions too; not_full: only sessions with room for another player.' },
      ...metadata(' a session must have to be listed; empty for any'),
      {
        name: 'padding', type: 'text', maxLength: 484,
        doc: 'Any printable ASCII without `:` (our node sends dots), so that the request is as long as the answer it wants: the server packs the page into the length of this datagram, and answers nothing when that is too short for the first session that matches. An LS of 512 bytes (the longest datagram) always has room for one session.',
      },
    ],
  },
  {
    code: 'LL', name: 'lobby_list', direction: 'server_to_client',
    doc: 'Ours: answer to LS: the next listed sessions that match, as many as fit in the length of the LS (at most 16), each with its code, its host\'s alias, its players and cap, its metadata and its host\'s NAT type.',
    fields: [
      { name: 'nonce', type: 'token', doc: 'The nonce of the LS this answers.' },
      { name: 'next', type: 'count', doc: 'The after of the next page\'s LS, or 0 when no session is left to look at.' },
      { name: 'session_id', type: 'session_id', repeated: true, minCount: 0, maxCount: LISTING_PAGE_SESSIONS, doc: 'A listed session\'s code: join it with JS.' },
      { name: 'alias', type: 'text', repeated: true, maxLength: LISTING_NAME_BYTES, doc: 'Its host\'s alias, as the host published it.' },
      { name: 'players', type: 'count', repeated: true, doc: 'Players in it now, the host included (joiners holding a slot).' },
      { name: 'cap', type: 'count', repeated: true, doc: 'The most players it takes, the host included: the host\'s cap, or the server\'s --max-peers and the host when lower.' },
      { name: 'nat', type: 'word', repeated: true, values: NAT_TYPES, doc: `Its host's NAT type, as the host reported it (unknown when it did not). ${NAT_DOC}` },
      ...metadata('').map((f) => ({ ...f, repeated: true })),
    ],
  },
];
