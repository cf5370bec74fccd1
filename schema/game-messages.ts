/**
 * The messages a player and the host exchange over the game's own ENet connection, when the node
 * runs the game peer (`manage_game_peer`): the hello and the welcome while the host lets a player
 * in (SceneMultiplayer's authentication), then raw packets (`SceneMultiplayer.send_bytes`). Every
 * code begins with `SHP-`, so a game that reads `peer_packet` skips them.
 */
import type { FieldSpec, MessageSpec } from './types.ts';

/** What a player's path to the host is: the words of HolePunch.get_players(). */
export const PATHS = ['local', 'public', 'mapped', 'relay'];

/** Entries of one player's member data at most, and the bytes of a name and a value on the wire. */
export const MEMBER_DATA_ENTRIES = 8;
export const MEMBER_NAME_BYTES = 24;
export const MEMBER_VALUE_BYTES = 96;
/** Milliseconds between two shares of one player's member data by the host, at least. */
export const MEMBER_DATA_INTERVAL_MS = 500;

const ALIAS: FieldSpec = {
  name: 'alias', type: 'text',
  doc: 'The sender\'s alias, percent-encoded UTF-8 as in RV; empty when it has none.',
};

export const gameMessages: readonly MessageSpec[] = [
  {
    code: 'SHP-HELLO', name: 'game_hello', direction: 'game_connection',
    doc: 'Player to host, in authentication, as soon as ENet connects: who it is. The host decides on it and answers with SHP-ROSTER (its welcome) or SHP-REFUSED; one hello per connection.',
    fields: [
      ALIAS,
      { name: 'payload', type: 'text', doc: 'Its join payload (as in JP), percent-encoded UTF-8; empty when it set none.' },
      {
        name: 'proof', type: 'token', blank: true, optional: true,
        doc: 'The proof of its password (as in JP), empty when it set none; a node that knows no passwords leaves the field out.',
      },
      {
        name: 'rejoin_key', type: 'key', optional: true,
        doc: 'A player rejoining after a drop: the key it had in the game (its new connection has a new one); absent for any other hello.',
      },
      {
        name: 'rejoin_proof', type: 'token', optional: true,
        doc: 'With rejoin_key: the proof of the rejoin secret the host gave it (SHP-REJOIN), keyed by the new pair\'s secret from the server, as a password\'s proof is.',
      },
    ],
  },
  {
    code: 'SHP-ROSTER', name: 'game_roster', direction: 'game_connection',
    doc: 'Host to a player: the players of the game as they now stand. In authentication it is the welcome (the player completes its side on it), then sent to every player (raw, reliable) whenever the list changes, and when the round trips moved (at most every few seconds).',
    fields: [
      {
        name: 'key', type: 'key', repeated: true, minCount: 0, maxCount: 1024,
        doc: 'A player\'s public key; one record of five fields per player, at most the host\'s max_peers (whose range ends at 1024).',
      },
      { ...ALIAS, repeated: true, doc: 'Its alias, percent-encoded UTF-8; empty when it never told one.' },
      { name: 'peer_id', type: 'peer_id', repeated: true, doc: 'Its ENet peer id on the host, 0 while it is not connected yet.' },
      { name: 'path', type: 'word', values: PATHS, repeated: true, doc: 'Its path to the host: local (LAN), public (punched, IPv4 or IPv6), mapped (punched by birthday probing, through a port a NAT picked) or relay.' },
      { name: 'rtt', type: 'count', repeated: true, doc: 'Its round trip to the host in milliseconds, as the host\'s ENet measures it; 0 while unknown.' },
    ],
  },
  {
    code: 'SHP-REJOIN', name: 'game_rejoin', direction: 'game_connection',
    doc: 'Host to one player, in authentication, just before its welcome (SHP-ROSTER), when the host allows rejoining (rejoin_grace): the secret that player proves when it rejoins after a drop, and how long the host keeps its place. Sent to that player alone, a new secret at each welcome.',
    fields: [
      { name: 'secret', type: 'token', doc: 'A random secret (eight random bytes, as bigrams).' },
      { name: 'grace', type: 'count', doc: 'The host\'s rejoin_grace, in milliseconds.' },
    ],
  },
  {
    code: 'SHP-LEFT', name: 'game_left', direction: 'game_connection',
    doc: 'Host to every player (raw, reliable): a player is gone.',
    fields: [
      { name: 'key', type: 'key', doc: 'The player\'s public key.' },
      { name: 'reason', type: 'word', values: ['left', 'removed', 'dropped'], doc: 'left: its connection closed, or went silent and did not come back; removed: the host removed it; dropped: its connection went silent, and it may rejoin within the host\'s rejoin_grace (the same key comes back in SHP-ROSTER, or SHP-LEFT with left follows).' },
    ],
  },
  {
    code: 'SHP-REFUSED', name: 'game_refused', direction: 'game_connection',
    doc: 'Host to a player, in authentication or raw (reliable) once let in: the player is refused or removed; the host then lets its connection go.',
    fields: [{
      name: 'reason', type: 'text',
      doc: 'Why, percent-encoded UTF-8 as in RJ, never empty: the host game\'s words, or the node\'s own (full, wrong_password, unknown for a connection from no known player).',
    }],
  },
  {
    code: 'SHP-SET', name: 'game_member_set', direction: 'game_connection',
    doc: `Player to host (raw, reliable), once let in: its member data as it now stands (set_member_data), all of it; again when it changes, and after each time it is let in. The host keeps it and shares it with every player in SHP-DATA, at most every ${MEMBER_DATA_INTERVAL_MS} ms per player (the latest wins).`,
    fields: [
      {
        name: 'name', type: 'text', repeated: true, minCount: 0, maxCount: MEMBER_DATA_ENTRIES, maxLength: MEMBER_NAME_BYTES,
        doc: `A name of the player's data, percent-encoded UTF-8 as an alias is, at most ${MEMBER_NAME_BYTES} bytes on the wire; one record of two fields per entry, at most ${MEMBER_DATA_ENTRIES}.`,
      },
      { name: 'value', type: 'text', repeated: true, maxLength: MEMBER_VALUE_BYTES, doc: `Its value, percent-encoded UTF-8, at most ${MEMBER_VALUE_BYTES} bytes on the wire; may be empty.` },
    ],
  },
  {
    code: 'SHP-DATA', name: 'game_member_data', direction: 'game_connection',
    doc: 'Host to every player (raw, reliable): a player\'s member data as it now stands (none: it set none, or cleared it). Sent when it changes, and to a player let in for every player that has some, the host\'s own included.',
    fields: [
      { name: 'peer_id', type: 'count', doc: 'Whose: the player\'s ENet peer id on the host, as the roster lists it (1: the host\'s own).' },
      {
        name: 'name', type: 'text', repeated: true, minCount: 0, maxCount: MEMBER_DATA_ENTRIES, maxLength: MEMBER_NAME_BYTES,
        doc: 'A name of its data, as in SHP-SET; one record of two fields per entry.',
      },
      { name: 'value', type: 'text', repeated: true, maxLength: MEMBER_VALUE_BYTES, doc: 'Its value, as in SHP-SET.' },
    ],
  },
  {
    code: 'SHP-BEAT', name: 'game_beat', direction: 'game_connection',
    doc: 'Either way (raw, unreliable), ten times per game_timeout once let in: a peer not heard for game_timeout since its first heartbeat has gone, whatever ENet thinks yet.',
    fields: [],
  },
];
