/**
 * The simple-hole-punch protocol: the one source of truth for the server and the Godot addon.
 * `npm run codegen` turns it into server/src/generated/ and the addon's generated/ folder.
 * The wire format is the original project's (see docs/wire-format.md), so original
 * clients and servers interoperate with ours.
 */
import bigrams from './bigrams.json' with { type: 'json' };
import type { ProtocolSpec } from './types.ts';

export const protocol: ProtocolSpec = {
  messages: [
    {
      code: 'HS', name: 'host_session', direction: 'client_to_server',
      doc: 'Register a new session with the sender as its host. Resent until HR arrives.',
      fields: [{ name: 'local_key', type: 'key', doc: 'The host\'s LAN address and bound port.' }],
    },
    {
      code: 'HR', name: 'host_registered', direction: 'server_to_client',
      doc: 'Answer to HS (and to RS when no random host was waiting): the session exists.',
      fields: [
        { name: 'remote_key', type: 'key', doc: 'The host\'s public address as the server saw it.' },
        { name: 'session_id', type: 'session_id', doc: 'The code clients join with.' },
      ],
    },
    {
      code: 'JS', name: 'join_session', direction: 'client_to_server',
      doc: 'Join a session by its id. Resent until JR or BK arrives.',
      fields: [
        { name: 'local_key', type: 'key', doc: 'The joiner\'s LAN address and bound port.' },
        { name: 'session_id', type: 'session_id', doc: 'The session to join.' },
      ],
    },
    {
      code: 'JR', name: 'join_registered', direction: 'server_to_client',
      doc: 'Answer to JS (and to RS when matched): where to punch towards the host.',
      fields: [
        { name: 'joiner_remote_key', type: 'key', doc: 'The joiner\'s public address as the server saw it.' },
        { name: 'host_remote_key', type: 'key', doc: 'The host\'s public address.' },
        { name: 'host_local_key', type: 'key', doc: 'The host\'s LAN address.' },
      ],
    },
    {
      code: 'NJ', name: 'new_joiner', direction: 'server_to_client',
      doc: 'Tells the host about a joiner to punch towards. Sent with every JR.',
      fields: [
        { name: 'joiner_remote_key', type: 'key', doc: 'The joiner\'s public address.' },
        { name: 'joiner_local_key', type: 'key', doc: 'The joiner\'s LAN address.' },
      ],
    },
    {
      code: 'BK', name: 'bad_key', direction: 'server_to_client',
      doc: 'Answer to JS for a session that does not exist (or no longer accepts joiners).',
      fields: [{ name: 'session_id', type: 'session_id', doc: 'The session id that was asked for.' }],
    },
    {
      code: 'RS', name: 'random_session', direction: 'client_to_server',
      doc: 'Pair with a random stranger: joins a waiting random host, or becomes one.',
      fields: [{ name: 'local_key', type: 'key', doc: 'The sender\'s LAN address and bound port.' }],
    },
    {
      code: 'KA', name: 'keep_alive', direction: 'client_to_server',
      doc: 'Keeps the host\'s NAT mapping to the server open and its session fresh. No answer.',
      fields: [{ name: 'session_id', type: 'session_id', doc: 'The host\'s session.' }],
    },
    {
      code: 'CS', name: 'close_session', direction: 'client_to_server',
      doc: 'The host ends its session; only the host\'s address may. No answer.',
      fields: [{ name: 'session_id', type: 'session_id', doc: 'The session to close.' }],
    },
    {
      code: 'RD', name: 'peer_ready', direction: 'peer_to_peer',
      doc: 'Punch packet, sent to both the LAN and the public address of each peer until the session closes.',
      fields: [{
        name: 'names', type: 'name', repeated: true,
        doc: 'The sender\'s alias first, then every other alias it knows.',
      }],
    },
    {
      code: 'JH', name: 'join_host', direction: 'peer_to_peer',
      doc: 'The host hands over: connect your game to this key. Resent until JD arrives.',
      fields: [{ name: 'host_key', type: 'key', doc: 'The host\'s address on the path that punched.' }],
    },
    {
      code: 'JD', name: 'join_done', direction: 'peer_to_peer',
      doc: 'A client\'s answer to JH: it is ready to start its game client.',
      fields: [{ name: 'done', type: 'literal', literal: 'DONE', doc: 'Placeholder payload.' }],
    },
    {
      code: 'JG', name: 'join_go', direction: 'peer_to_peer',
      doc: 'Host to each client once every client answered JH, sent three times just before the host frees its port for the game server: start the game client now. An extension of ours; original peers ignore it, and our clients fall back to a timeout without it.',
      fields: [{ name: 'go', type: 'literal', literal: 'GO', doc: 'Placeholder payload.' }],
    },
    {
      code: 'RQ', name: 'relay_request', direction: 'client_to_server',
      doc: 'Punching towards a peer failed: relay us. Both sides of a pair must ask; resent until RG arrives or relay_timeout passes.',
      fields: [
        { name: 'session_id', type: 'session_id', doc: 'The session both peers belong to.' },
        { name: 'peer_key', type: 'key', doc: 'The peer\'s public key, as the server gave it.' },
      ],
    },
    {
      code: 'RG', name: 'relay_granted', direction: 'server_to_client',
      doc: 'Answer to RQ once both sides asked: a relay port for this pair, and this side\'s secret for binding to it.',
      fields: [
        { name: 'peer_key', type: 'key', doc: 'The peer the relay leads to.' },
        { name: 'relay_key', type: 'key', doc: 'The relay: the server\'s public address and a relay port.' },
        { name: 'token', type: 'token', doc: 'This side\'s secret for RB.' },
      ],
    },
    {
      code: 'RB', name: 'relay_bind', direction: 'client_to_server',
      doc: 'Sent to the relay port from the punching socket: binds this side to the address it came from (and keeps the binding fresh). Resent until RA arrives.',
      fields: [{ name: 'token', type: 'token', doc: 'This side\'s secret from RG.' }],
    },
    {
      code: 'RA', name: 'relay_bound', direction: 'server_to_client',
      doc: 'Answer to RB from the relay port: this side is bound; from now on the relay forwards between the two sides byte for byte.',
      fields: [{ name: 'token', type: 'token', doc: 'The token that was bound.' }],
    },
  ],
  signals: [
    {
      name: 'start_server', doc: 'The session closed and this node was the host: start the game server on [param port] (for example [code]ENetMultiplayerPeer.create_server(port)[/code]).',
      params: [{ name: 'port', type: 'int', doc: 'The punched local UDP port, now free.' }],
    },
    {
      name: 'start_client', doc: 'The host handed over: start the game client towards [param ip]:[param port] from [param local_port] (for example [code]ENetMultiplayerPeer.create_client(ip, port, 0, 0, 0, local_port)[/code]).',
      params: [
        { name: 'ip', type: 'String', doc: 'The host\'s address on the path that punched.' },
        { name: 'port', type: 'int', doc: 'The host\'s port on that path.' },
        { name: 'local_port', type: 'int', doc: 'The punched local UDP port, now free.' },
      ],
    },
    {
      name: 'start_session', doc: 'The server registered us: as host, [param key] is the session code to share; as a joiner, the session joined.',
      params: [{ name: 'key', type: 'String', doc: 'The session id.' }],
    },
    {
      name: 'new_name', doc: 'A peer\'s alias became known (each alias once per session).',
      params: [{ name: 'name', type: 'String', doc: 'The alias.' }],
    },
    {
      name: 'bad_session', doc: 'The server knows no session with this id.',
      params: [{ name: 'key', type: 'String', doc: 'The session id that was asked for.' }],
    },
    {
      name: 'bad_server', doc: 'The server did not answer within [member server_timeout] seconds, or the key or socket was unusable.',
      params: [{ name: 'key', type: 'String', doc: 'The server key that failed.' }],
    },
    {
      name: 'start_random', doc: 'A random pairing was made; [signal start_server] or [signal start_client] follows.',
      params: [],
    },
    {
      name: 'peer_path', doc: 'A peer became reachable, or reachable by a better path. Direct paths always win; the relay is used only after punching failed.',
      params: [
        { name: 'key', type: 'String', doc: 'The peer\'s public key (as the server saw it).' },
        { name: 'path', type: 'String', doc: '"local" (same LAN), "public" (punched through the NATs) or "relay" (through the server).' },
      ],
    },
    {
      name: 'punch_failed', doc: 'No packet from a peer arrived within [member punch_timeout] seconds on either of its addresses, and no relay could be had within [member relay_timeout] (the server has relays switched off, or none free): the peer cannot be reached. A host drops the peer and goes on with the others; a joiner ends its attempt.',
      params: [{ name: 'key', type: 'String', doc: 'The peer\'s public key (as the server saw it).' }],
    },
  ],
  api: [
    {
      name: 'host_session', doc: 'Registers a session with the server named by [param serv_key]; [signal start_session] brings its code.',
      params: [
        { name: 'serv_key', type: 'String', doc: 'The server key the server printed on start.' },
        { name: 'alias', type: 'String', doc: 'This player\'s name, shown to peers.' },
      ],
    },
    {
      name: 'join_session', doc: 'Joins the session [param id] (its first 12 letters name the server).',
      params: [
        { name: 'id', type: 'String', doc: 'The session code from the host.' },
        { name: 'alias', type: 'String', doc: 'This player\'s name, shown to peers.' },
      ],
    },
    {
      name: 'random_session', doc: 'Pairs with a random stranger on the server [param serv_key]; [signal start_random] follows.',
      params: [
        { name: 'serv_key', type: 'String', doc: 'The server key.' },
        { name: 'alias', type: 'String', doc: 'This player\'s name, shown to peers.' },
      ],
    },
    {
      name: 'close_session', doc: 'Host only: stop accepting joiners and hand every punched peer over to the game.',
      params: [],
    },
    {
      name: 'get_host', doc: 'The host\'s key on the path this peer uses (LAN if it answered there, else public); empty before a host is known.',
      params: [], returns: 'String',
    },
  ],
  limits: {
    maxDatagramBytes: 512,
    maxNameLength: 32,
    maxNames: 16,
    minSuffixBigrams: 2,
    maxSuffixBigrams: 16,
  },
  bigrams,
};
