/** The HolePunch node's signals: what a game hears from it, with their docs as Godot's help shows them. */
import type { SignalSpec } from './types.ts';

export const signals: readonly SignalSpec[] = [
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
      { name: 'path', type: 'String', doc: '"local" (same LAN), "public" (punched through the NATs), "mapped" (punched by birthday probing, through a port a NAT picked rather than the one the server saw) or "relay" (through the server).' },
    ],
  },
  {
    name: 'punch_failed', doc: 'No packet from a peer arrived within [member punch_timeout] seconds on either of its addresses, and no relay could be had within [member relay_timeout] (the server has relays switched off, or none free): the peer cannot be reached. A host drops the peer and goes on with the others; a joiner ends its attempt.',
    params: [{ name: 'key', type: 'String', doc: 'The peer\'s public key (as the server saw it).' }],
  },
  {
    name: 'refused', doc: 'The server refused the request: it has no room for another session ([code]server_full[/code]), this address holds too many ([code]address_limit[/code]), or the session is full ([code]session_full[/code]). The attempt has ended.',
    params: [{ name: 'reason', type: 'String', doc: '[code]server_full[/code], [code]address_limit[/code] or [code]session_full[/code].' }],
  },
  {
    name: 'peer_lost', doc: 'A peer that was reachable went silent for [member peer_timeout] seconds, or handed over to someone else. A host drops the peer and goes on with the others; a joiner ends its attempt.',
    params: [{ name: 'key', type: 'String', doc: 'The peer\'s public key (as the server saw it).' }],
  },
  {
    name: 'nat_diagnosed', doc: 'The NAT diagnosis finished (see [member nat_type]): in time for a lobby to show it, before a session is hosted or joined when [method diagnose_nat] was called early.',
    params: [{ name: 'nat_type', type: 'HolePunchNat.NatType', doc: 'OPEN, PORT_PRESERVING, PORT_RANDOMISING or UNKNOWN (also in [member nat_type]); [code]HolePunchNat.NatType.keys()[nat_type][/code] names it.' }],
  },
  {
    name: 'sessions_listed', doc: 'A page of the server\'s public lobby list came, in answer to [method list_sessions]: each session a Dictionary [code]{"code": String, "short_code": String, "alias": String, "players": int, "cap": int, "nat": String, "name": String, "mode": String, "map": String, "version": String}[/code] ([code]code[/code] goes to [method join_session]; [code]cap[/code] counts the host; [code]nat[/code] is the host\'s NAT type, a word of [code]HolePunchProtocol.NAT_TYPES[/code]).',
    params: [
      { name: 'sessions', type: 'Array', doc: 'The page, oldest listing first (empty when nothing matched, or when the server did not answer).' },
      { name: 'next', type: 'int', doc: 'The [code]after[/code] of the next page\'s [method list_sessions]; 0 when the list ends here, -1 when the server did not answer within [member server_timeout].' },
    ],
  },
  {
    name: 'failed', doc: 'This node\'s attempt failed and has ended (or never started): [param reason] says why, one failure per value. The older signals ([signal bad_session], [signal bad_server], [signal refused], [signal punch_failed]) still come too. A host\'s failures about one player do not end its session: they come as [signal player_left].',
    params: [
      { name: 'reason', type: 'Failure', doc: 'Why: a value of [enum Failure].' },
      { name: 'detail', type: 'String', doc: 'What failed: the alias, code, port or peer key, the server\'s address ([code]ip:port[/code]) for [code]SERVER_SILENT[/code], or the reason the server or host gave. [method describe] puts both in words.' },
    ],
  },
  {
    name: 'player_joined', doc: 'A player became reachable and told its alias: on a host, each joiner (a late joiner once it said who it is over the game connection); on a joiner, the host, and in a game the node runs ([member manage_game_peer]) every other player once the host lists it. Aliases may repeat, keys never do.',
    params: [
      { name: 'key', type: 'String', doc: 'The player\'s public key (as the server saw it): unique in the session.' },
      { name: 'alias', type: 'String', doc: 'The player\'s alias, decoded to UTF-8.' },
    ],
  },
  {
    name: 'player_left', doc: 'A player of [signal player_joined] is gone: before the handover it left, went silent, could not be reached, or the host removed it; in a game the node runs ([member manage_game_peer]) its connection closed (or went silent for [member game_timeout]) and did not come back, or the host removed it. Clients hear it for the other players too, and, when the host leaves or goes silent, for every player and then the host, followed by [signal failed] with [code]HOST_LEFT[/code].',
    params: [
      { name: 'key', type: 'String', doc: 'The player\'s public key.' },
      { name: 'alias', type: 'String', doc: 'Its alias (empty when it never told one).' },
      { name: 'reason', type: 'String', doc: '[code]lost[/code] (silent for [member peer_timeout]), [code]unreachable[/code] (no path, no relay), [code]removed[/code] (by the host) [code]left[/code] (it left, or its game connection closed or went silent for [member game_timeout] and did not come back: a fresh attempt of its own already being let in keeps it, unless that attempt fails; a dropped player whose [member rejoin_grace] ended) or [code]dropped[/code] (with [member rejoin_grace]: its game connection went silent for [member game_timeout]; the same key comes back in [signal player_joined], or [code]left[/code] follows when the grace ends).' },
    ],
  },
  {
    name: 'player_path', doc: 'A player of [method get_players] now takes another path ([code]path[/code] there changed), on every machine: before the handover a better path punched (as [signal peer_path]); in a game the node runs ([member manage_game_peer]), a player whose connection started afresh on another path, as the host lists it. The path it had when it joined is in [method get_players].',
    params: [
      { name: 'key', type: 'String', doc: 'The player\'s public key.' },
      { name: 'path', type: 'String', doc: '"local", "public", "mapped" or "relay" (see [signal peer_path]).' },
    ],
  },
  {
    name: 'player_data_changed', doc: 'In a game the node runs ([member manage_game_peer]), on every machine: a player\'s member data changed ([method set_member_data]), the host\'s included; also once for each player that has some when this node comes into the game. [code]data[/code] in [method get_players] holds it too.',
    params: [
      { name: 'key', type: 'String', doc: 'The player\'s public key (on a client, the host\'s for the host\'s own).' },
      { name: 'data', type: 'Dictionary', doc: 'Its member data now, names to values (Strings); empty when it cleared it.' },
    ],
  },
  {
    name: 'player_refused', doc: 'Host: this node refused a player by itself, before [signal player_joined] (which never comes for it), before the handover or as a late joiner: its password was wrong or missing ([member password]), or the session was full ([member max_players]). The player gets [signal failed] with [code]WRONG_PASSWORD[/code] or [code]SESSION_FULL[/code].',
    params: [
      { name: 'key', type: 'String', doc: 'The player\'s public key.' },
      { name: 'alias', type: 'String', doc: 'The alias it told, decoded to UTF-8.' },
      { name: 'reason', type: 'String', doc: '[code]wrong_password[/code] or [code]full[/code]; for a rejoin after a drop ([member rejoin_grace]), [code]rejoin_expired[/code] or [code]rejoin_refused[/code] ([param key] is then the new connection\'s), and [code]closed[/code] for a new player of a session kept open for rejoins alone.' },
    ],
  },
  {
    name: 'player_payload', doc: 'Host: a joiner of ours sent the payload it set in [member join_payload], empty when it set none. It comes just before [signal player_joined] for that player, always (before the handover and for a late joiner alike), after this node checked [member password] and [member max_players]; the host waits for it (at most a second, see [member join_payload]) before the player counts as joined or is handed over, so [method close_session] never loses one. An original peer sends none: it joins without it. Refuse the player with [method refuse_player] if the game does not want it: [signal player_joined] then never comes.',
    params: [
      { name: 'key', type: 'String', doc: 'The player\'s public key.' },
      { name: 'payload', type: 'String', doc: 'The payload, decoded to UTF-8.' },
    ],
  },
  {
    name: 'game_connected', doc: 'With [member manage_game_peer] on: the game\'s [ENetMultiplayerPeer] is connected, already set on this node\'s [MultiplayerAPI]: a listening server on a host, a client the host let in on a joiner. On a client it comes before any packet of the host\'s game: a world built in its handler is there for the host\'s first RPC, even one sent in the host\'s [signal MultiplayerAPI.peer_connected] handler.',
    params: [{ name: 'peer', type: 'MultiplayerPeer', doc: 'The connected peer.' }],
  },
  {
    name: 'rejoining', doc: 'Client, in a game the node runs ([member manage_game_peer]) whose host allows rejoining ([member rejoin_grace]): the host went silent for [member game_timeout] (this player\'s connection dropped, most likely: a network change, a NAT mapping that expired), so the node rejoins the same game by itself, with the same code, key and alias, within the host\'s grace. The old game peer is closed without a word to the host (the host lists the player as [code]dropped[/code]); [signal game_connected] comes again with the new peer once the host let this player back in, or [signal failed] when it did not ([code]REJOIN_EXPIRED[/code], [code]REJOIN_REFUSED[/code], or [code]HOST_LEFT[/code] when the host is gone). The other players stay listed meanwhile: only changes come as [signal player_joined] and [signal player_left].',
    params: [{ name: 'host_key', type: 'String', doc: 'The host\'s key.' }],
  },
];
