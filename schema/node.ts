/** The HolePunch node's interface: its signals (node-signals.ts), API, failure reasons and settings. */
import { signals } from './node-signals.ts';
import type { ProtocolSpec } from './types.ts';

export const node: Pick<ProtocolSpec, 'signals' | 'api' | 'failures' | 'node'> = {
  signals,
  api: [
    {
      name: 'host_session', doc: 'Registers a session with the server named by [param serv_key]; [signal start_session] brings its code. Returns [constant OK], or why it could not start: [constant ERR_INVALID_PARAMETER] for a bad alias or key (with [signal failed]), [constant ERR_CANT_CREATE] when the local port cannot be bound (with [signal failed]), [constant ERR_ALREADY_IN_USE] while a session is under way.',
      returns: 'Error',
      params: [
        { name: 'serv_key', type: 'String', doc: 'The server key the server printed on start; empty to use [member server].' },
        { name: 'alias', type: 'String', doc: 'This player\'s name, shown to peers.' },
      ],
    },
    {
      name: 'join_session', doc: 'Joins the session [param id]: a full code (its first 12 letters name the server) or, with [member server] set, the short code alone ([method get_short_code], such as [code]ABCD-EFGH[/code]); case, spaces and dashes in it are forgiven. Returns [constant OK], or why it could not start: [constant ERR_INVALID_PARAMETER] for a bad alias or key (with [signal failed]), [constant ERR_CANT_CREATE] when the local port cannot be bound (with [signal failed]), [constant ERR_ALREADY_IN_USE] while a session is under way.',
      returns: 'Error',
      params: [
        { name: 'id', type: 'String', doc: 'The session code from the host, full or short.' },
        { name: 'alias', type: 'String', doc: 'This player\'s name, shown to peers.' },
      ],
    },
    {
      name: 'random_session', doc: 'Pairs with a random stranger on the server [param serv_key]; [signal start_random] follows. Returns [constant OK], or why it could not start: [constant ERR_INVALID_PARAMETER] for a bad alias or key (with [signal failed]), [constant ERR_CANT_CREATE] when the local port cannot be bound (with [signal failed]), [constant ERR_ALREADY_IN_USE] while a session is under way.',
      returns: 'Error',
      params: [
        { name: 'serv_key', type: 'String', doc: 'The server key; empty to use [member server].' },
        { name: 'alias', type: 'String', doc: 'This player\'s name, shown to peers.' },
      ],
    },
    {
      name: 'close_session', doc: 'Host: stop accepting joiners and hand every punched peer over to the game; in a game the node runs with [member keep_open], stop taking late joiners. With nobody punched yet there is nothing to hand over: the session goes on and [constant ERR_DOES_NOT_EXIST] comes back, unless [member manage_game_peer] and [member keep_open] are both on, when the game server starts for late joiners alone. A joiner before the handover leaves its attempt (as [method leave] does). Returns [constant OK], or [constant ERR_DOES_NOT_EXIST] when no session is under way, or when this is a client in a game: a client leaves with [method leave].',
      params: [], returns: 'Error',
    },
    {
      name: 'leave', doc: 'Leaves whatever is under way, in any phase, host or joiner, and returns the node to idle so that it can host or join again. A host ends its session at the server (CS, three copies: a joiner with the code then gets [code]CODE_UNKNOWN[/code]) and tells its punched peers (LV: they fail with [code]HOST_LEFT[/code]) or, in a game the node runs ([member manage_game_peer]), its game\'s clients (each hears [signal player_left] for the host and [signal failed] with [code]HOST_LEFT[/code]). A joiner tells its host (LV before the handover: the host hears [signal player_left] with [code]left[/code]; in the game, its ENet disconnect). The node frees its sockets, relay links, game peer (closed and taken off its [MultiplayerAPI]) and players. The node does the same when it leaves the tree and when the game quits. Returns [constant OK], or [constant ERR_DOES_NOT_EXIST] when nothing was under way.',
      params: [], returns: 'Error',
    },
    {
      name: 'get_host', doc: 'The host\'s key on the path this peer uses (LAN if it answered there, else public); empty before a host is known.',
      params: [], returns: 'String',
    },
    {
      name: 'refuse_player', doc: 'Host: refuse or remove the player [param key] (it gets [signal failed] with [code]REFUSED_BY_HOST[/code] and [param reason]; this node emits [signal player_left] with [code]removed[/code] once it had emitted [signal player_joined] for it), before the handover or in a game the node runs ([member manage_game_peer]): a player refused in [signal player_payload] never joins, a late joiner refused in [signal player_payload] or [signal player_joined] never enters the game (no [signal MultiplayerAPI.peer_connected] anywhere), a player already in is disconnected and leaves every client\'s roster. It cannot come back in this session. Returns [constant ERR_DOES_NOT_EXIST] for a key that is not a player here, [constant ERR_INVALID_PARAMETER] for a reason that is empty, longer than 32 characters or has control characters.',
      params: [
        { name: 'key', type: 'String', doc: 'The player\'s public key, as [signal player_joined] gave it.' },
        { name: 'reason', type: 'String', doc: 'Why, shown to the player (UTF-8, 1 to 32 characters as an alias). Avoid the node\'s own reasons: the player reads [code]full[/code] as [code]SESSION_FULL[/code] and [code]wrong_password[/code] as [code]WRONG_PASSWORD[/code].' },
      ],
      returns: 'Error',
    },
    {
      name: 'get_players', doc: 'The players this node knows, by public key: [code]{"alias": String, "path": String, "peer_id": int, "rtt": int, "data": Dictionary}[/code]. Before the handover, the peers it punched to. In a game the node runs ([member manage_game_peer]), every player on every machine: the host lists who is in the game, late joiners included, and tells each client, which has the host and every other player ([code]path[/code] is that player\'s path to the host: [code]local[/code], [code]public[/code], [code]mapped[/code] or [code]relay[/code], as in [signal peer_path]; [signal player_path] says when it changes). [code]peer_id[/code] is the ENet peer id once connected (1 for the host), else 0. [code]rtt[/code] is the round trip in milliseconds on the game connection, as ENet measures it, current at each call: on the host each player\'s; on a client the host\'s, and each other player\'s to the host as the host last shared it (it shares them when they move, at most every two seconds); -1 while unknown (before the game). [code]data[/code] is its member data ([method set_member_data]), empty before the game. Empty once this node\'s attempt or game ended with [signal failed], as after [method leave].',
      params: [], returns: 'Dictionary',
    },
    {
      name: 'get_peer_id', doc: 'The ENet peer id of the player whose public key is [param key] once it is connected to the game the node runs (1 for the host; on a client the other players too), else 0.',
      params: [{ name: 'key', type: 'String', doc: 'The player\'s public key, as [signal player_joined] gave it.' }], returns: 'int',
    },
    {
      name: 'get_peer_address', doc: 'Host, in a game the node runs ([member manage_game_peer]): [code][ip, port][/code] the ENet peer [param peer_id] reaches the game from (a player\'s public or LAN address, or its relay\'s), else empty. The node keeps the game\'s port and lets only the addresses it punched reach ENet, which listens on loopback behind it, so there [method ENetPacketPeer.get_remote_address] names the node\'s loopback socket for that player, not the player.',
      params: [{ name: 'peer_id', type: 'int', doc: 'The ENet peer id, as [signal MultiplayerAPI.peer_connected] gave it.' }], returns: 'Array',
    },
    {
      name: 'get_local_port', doc: 'The UDP port this node punched from (0 before a session starts).',
      params: [], returns: 'int',
    },
    {
      name: 'get_session_id', doc: 'The session id: the host\'s code, or the one joined (empty for a random joiner).',
      params: [], returns: 'String',
    },
    {
      name: 'publish_session', doc: 'Host, while its session takes joiners (before the handover, or in a game the node runs with [member keep_open] until [method close_session] ends it): lists it in the server\'s public lobby list with [param metadata] ([code]{"name": ..., "mode": ..., "map": ..., "version": ...}[/code], any text; the name at most 32 bytes and the others 16 once percent-encoded as an alias is), or changes what it says; an empty name takes it off the list. The list shows the host\'s alias, its players and [member max_players] too. The node sends it with its keep-alives until the server confirms; the session leaves the list when it closes or its host goes silent. Returns [constant OK], [constant ERR_INVALID_PARAMETER] for a value too long, or [constant ERR_DOES_NOT_EXIST] when this node hosts no session that takes joiners (or talks to an original server).',
      params: [{ name: 'metadata', type: 'Dictionary', doc: 'The lobby\'s name, mode, map and version (missing ones empty).' }], returns: 'Error',
    },
    {
      name: 'set_member_data', doc: 'In a game the node runs ([member manage_game_peer]): this player\'s member data, a few small text entries about itself (a team, a colour, "ready") that the host shares with every player ([signal player_data_changed] on each, [code]data[/code] in [method get_players]). All of it each time: an empty dictionary clears it. At most 8 entries, each name at most 24 bytes and each value at most 96 once percent-encoded as an alias is (a value of 32 ASCII characters, or 16 accented letters), without control characters; the host passes on one player\'s changes at most twice a second (the latest wins). Set before the game starts, it goes once this node is in; it stays for the games this node runs after. Returns [constant OK], [constant ERR_INVALID_PARAMETER] for data that is not Strings or too much, or [constant ERR_UNAVAILABLE] without [member manage_game_peer].',
      params: [{ name: 'data', type: 'Dictionary', doc: 'Names to values, both Strings.' }], returns: 'Error',
    },
    {
      name: 'list_sessions', doc: 'Asks the server for a page of its public lobby list; [signal sessions_listed] brings it. [param filter] may hold exact values that listed sessions must have ([code]"name"[/code], [code]"mode"[/code], [code]"map"[/code], [code]"version"[/code]), [code]"not_full": true[/code] for sessions with room, [code]"after"[/code] (the [param next] of the page before) and [code]"server_key"[/code] (default: [member server]). It works whether or not a session is under way, from a socket of its own; a newer call replaces a page still awaited. Returns [constant OK], or [constant ERR_INVALID_PARAMETER] without a server or for a value too long.',
      params: [{ name: 'filter', type: 'Dictionary', doc: 'What the sessions must have, and where the page starts.' }], returns: 'Error',
    },
    {
      name: 'get_short_code', doc: 'The session code as players read it out: with [member server] set and the session on that server, its suffix in capitals, grouped by four ([code]ABCD-EFGH[/code]), which [method join_session] takes on a node with the same [member server]; otherwise the full code. Empty before a session has a code.',
      params: [], returns: 'String',
    },
    {
      name: 'diagnose_nat', doc: 'Diagnoses this machine\'s NAT against the server [param serv_key] now, for a lobby to show before a session starts; [signal nat_diagnosed] follows. [method host_session], [method join_session] and [method random_session] diagnose by themselves when it has not run.',
      params: [{ name: 'serv_key', type: 'String', doc: 'The server key.' }],
    },
    {
      name: 'get_nat_type', doc: 'This machine\'s NAT once diagnosed, a [enum HolePunchNat.NatType] (as [member nat_type]); UNKNOWN before, or when it could not be told.',
      params: [], returns: 'HolePunchNat.NatType',
    },
    {
      name: 'describe', static: true,
      doc: 'What a [signal failed] means, in words a player can read (English), with what failed: the alias, the code, the server\'s address tried, the host\'s reason. For example [code]HolePunch.describe(HolePunch.Failure.SERVER_SILENT, "203.0.113.5:4000")[/code] says that the server at 203.0.113.5:4000 did not answer.',
      params: [
        { name: 'reason', type: 'Failure', doc: 'The [param reason] of [signal failed].' },
        { name: 'detail', type: 'String', doc: 'Its [param detail].' },
      ],
      returns: 'String',
    },
  ],
  failures: [
    { name: 'bad_alias', doc: 'The alias is empty, has control characters, or is longer than 32 characters (any script, emoji included; an emoji made of several code points counts each).' },
    { name: 'bad_server_key', doc: 'The server key is not a key.' },
    { name: 'bad_code', doc: 'The session code is not a code, even with case, spaces and dashes forgiven.' },
    { name: 'local_port_unusable', doc: 'The local UDP port ([member local_port]) could not be bound.' },
    { name: 'server_silent', doc: 'The server did not answer within [member server_timeout].' },
    { name: 'code_unknown', doc: 'The server knows no session with this code.' },
    { name: 'session_full', doc: 'The session has no room for another player: the server\'s cap, or the host\'s [member max_players].' },
    { name: 'server_full', doc: 'The server has no room for another session.' },
    { name: 'address_limit', doc: 'This address holds too many sessions at the server.' },
    { name: 'refused_by_host', doc: 'The host\'s game refused this player.' },
    { name: 'punching_failed', doc: 'No packet from the host arrived on any path, and relays are off ([member use_relay]).' },
    { name: 'relay_unavailable', doc: 'Punching failed and the server gave no relay within [member relay_timeout].' },
    { name: 'host_lost', doc: 'The host went silent for [member peer_timeout] before the handover.' },
    { name: 'host_left', doc: 'The host left: it ended its session ([method leave], or its game quit), or, in a game the node runs, its game connection closed or went silent for [member game_timeout]. The node is idle again.' },
    { name: 'game_connect_failed', doc: 'The game peer could not start or connect ([member manage_game_peer]).' },
    { name: 'wrong_password', doc: 'The host\'s node refused this player: its [member password] was not the host\'s (or it set none where the host has one).' },
    { name: 'payload_too_long', doc: 'The [member join_payload] is longer than 32 characters, or has control characters: [method join_session] and [method random_session] refuse it, with the limit and the size in the detail.' },
    { name: 'rejoin_expired', doc: 'A rejoin after a drop came too late: the host no longer keeps this player\'s place ([member rejoin_grace] ended), or never had it.' },
    { name: 'rejoin_refused', doc: 'A rejoin after a drop did not prove the rejoin secret the host gave this player.' },
  ],
  node: {
    doc: [
      'Connects players peer to peer through NATs, then hands the punched UDP ports to your game.',
      '',
      'A host calls [method host_session] and shares the code that [signal start_session] brings;',
      'clients call [method join_session] with it (or two strangers call [method random_session]).',
      'Every peer pings the others on their LAN and public addresses until the hole is punched. When',
      'the host calls [method close_session], the host gets [signal start_server] and every client',
      'gets [signal start_client], with ports that are free to bind again:',
      '[codeblock]',
      'hole_punch.start_server.connect(func(port: int) -> void:',
      '    var peer := ENetMultiplayerPeer.new()',
      '    peer.create_server(port)',
      '    multiplayer.multiplayer_peer = peer)',
      'hole_punch.start_client.connect(func(ip: String, port: int, local_port: int) -> void:',
      '    var peer := ENetMultiplayerPeer.new()',
      '    peer.create_client(ip, port, 0, 0, 0, local_port)',
      '    multiplayer.multiplayer_peer = peer)',
      '[/codeblock]',
      'The server only answers, so this node resends whatever is not yet answered. It accepts server',
      'messages only from its server\'s address, and peer messages only on the paths of the peers the',
      'server introduced; anything else is dropped and counted in [member dropped_datagrams]. Server',
      'answers must echo the nonce of our request, and two peers of ours prove themselves to each',
      'other with the pair secret the server gave them (RV instead of RD). The node keeps at most',
      '[member max_peers] peers, handles at most [member max_datagrams_per_frame] datagrams a frame,',
      'probes a claimed LAN address only inside its own network ([code]hole_punch_lan_rules.gd[/code]), and every wait',
      'ends: a silent peer in [signal peer_lost], a handover at [member handover_deadline]. Its',
      'settings are grouped in the inspector: Server, Punching, Handover, Game, Network, Limits, NAT traversal, Debugging.',
    ],
    settings: [
      {
        group: 'Server', settings: [
          { name: 'server', type: 'String', default: '', doc: 'The server by name or address and port: [code]play.example.com:7788[/code], [code]203.0.113.7:7788[/code]. The node resolves the name itself (to its IPv4 address: session codes name the server by it) when a session starts, so a server that moves keeps working under its name. With it, [method host_session] and [method random_session] take an empty server key, and [method join_session] the short code alone. Full codes and server keys still work and name their own server.' },
          { name: 'request_interval', type: 'float', default: 0.1, range: [0.01, 5.0, 0.01], unit: 's', doc: 'Seconds before the first resend of an unanswered request (HS, JS, RS, RQ, RB); each further resend waits twice as long, up to [member max_request_interval].' },
          { name: 'max_request_interval', type: 'float', default: 1.0, range: [0.01, 10.0, 0.01], unit: 's', doc: 'Longest wait between resends of a request.' },
          { name: 'server_timeout', type: 'float', default: 5.0, range: [0.1, 120.0, 0.1], unit: 's', doc: 'Seconds without an answer from the server before [signal bad_server].' },
          { name: 'keep_alive_interval', type: 'float', default: 5.0, range: [0.5, 60.0, 0.5], unit: 's', doc: 'Seconds between keep-alives to the server while hosting.' },
          { name: 'original_server', type: 'bool', default: false, doc: 'Talk to an original server: send requests without a nonce and trust its answers without one. Leave it off with this project\'s server, whose answers must then echo our nonce, so that a forged answer from the server\'s address is dropped.' },
        ],
      },
      {
        group: 'Punching', settings: [
          { name: 'punch_interval', type: 'float', default: 0.05, range: [0.01, 1.0, 0.01], unit: 's', doc: 'Seconds between punch packets to a peer not heard from yet: at most 24 rounds of them in all ([code]PUNCH_ROUNDS[/code] in [code]hole_punch_peer.gd[/code]), the first 16 this far apart, then each twice as far apart as the last (at most 0.5 s), so that an address introduced without asking costs little.' },
          { name: 'keep_open_interval', type: 'float', default: 0.25, range: [0.05, 5.0, 0.05], unit: 's', doc: 'Seconds between packets that keep a punched hole open.' },
          { name: 'punch_timeout', type: 'float', default: 3.0, range: [0.1, 60.0, 0.1], unit: 's', doc: 'Seconds to wait for a peer\'s first packet before asking for a relay (or, without one, [signal punch_failed]); a claimed LAN address is probed no longer than this.' },
          { name: 'peer_timeout', type: 'float', default: 5.0, range: [0.5, 120.0, 0.5], unit: 's', doc: 'Seconds of silence on the path in use after which a peer counts as gone: [signal peer_lost]; a client ends its attempt, a host goes on with the others.' },
          { name: 'use_relay', type: 'bool', default: true, doc: 'Ask the server for a relay when punching towards a peer fails.' },
          { name: 'relay_timeout', type: 'float', default: 5.0, range: [0.1, 60.0, 0.1], unit: 's', doc: 'Seconds to wait for a relay to be granted and bound before [signal punch_failed].' },
        ],
      },
      {
        group: 'Handover', settings: [
          { name: 'handover_interval', type: 'float', default: 0.05, range: [0.01, 1.0, 0.01], unit: 's', doc: 'Seconds between resends of JH to a client that has not answered.' },
          { name: 'handover_silence', type: 'float', default: 1.0, range: [0.1, 10.0, 0.1], unit: 's', doc: 'Host: seconds of silence from a client after JH that count as its answer (its JD was lost and it already started its game client).' },
          { name: 'handover_deadline', type: 'float', default: 3.0, range: [0.1, 30.0, 0.1], unit: 's', doc: 'Host: seconds after the first JH to a client after which it no longer holds the handover up, whatever it sends (a client that keeps punching instead of answering is left behind).' },
          { name: 'handover_timeout', type: 'float', default: 1.0, range: [0.1, 10.0, 0.1], unit: 's', doc: 'Client: after answering JH, seconds without a further JH before starting the game client even though no JG came (all copies lost, or a host that sends none). A client whose node runs its game ([member manage_game_peer]) starts it on JH and waits for nothing.' },
        ],
      },
      {
        group: 'Game', settings: [
          { name: 'manage_game_peer', type: 'bool', default: false, doc: 'Let this node start ENet for the game after the handover ([code]hole_punch_game_peer.gd[/code]): the server on the punched port, or the client with a fresh attempt every [member game_retry_interval] until the host answers. It sets the peer on this node\'s [MultiplayerAPI] and emits [signal game_connected]. The host lets each client in through [SceneMultiplayer]\'s authentication ([code]hole_punch_roster.gd[/code]), so a refused player never enters the game: while the game peer runs, [member SceneMultiplayer.auth_callback] is the node\'s. Both sides must turn it on. Leave it off to start ENet yourself on [signal start_server] / [signal start_client].' },
          { name: 'keep_open', type: 'bool', default: false, doc: 'Host, with [member manage_game_peer]: keep the session open after the handover, so that players can join the running game with the same code ([code]hole_punch_late_join.gd[/code]); [method close_session] then ends it. Directly, or through the relay when punching fails. The host hears a late joiner only over the game connection: while letting it in, it asks who it is, and the player comes like any other, in [signal player_joined] with its alias and in [signal player_payload], under [member max_players] and [method refuse_player], before it enters the game.' },
          { name: 'max_players', type: 'int', default: 0, range: [0, 1024], doc: 'Host: most joiners admitted to the session, late joiners included; the host itself does not count (0: no cap beyond [member max_peers]). A player heard beyond it is refused: it gets [signal failed] with [code]SESSION_FULL[/code], the host [signal player_refused] with [code]full[/code].' },
          {
            name: 'password', type: 'String', default: '', secret: true,
            doc: 'The session\'s password, set on the host and on each joiner (any text, UTF-8). The host\'s node checks it itself, before the handover and for every late joiner, and refuses a joiner whose password differs or who set none: that player gets [signal failed] with [code]WRONG_PASSWORD[/code], the host [signal player_refused] with [code]wrong_password[/code] and never [signal player_joined]. Empty on the host: everyone may join. It never travels in clear: a joiner sends a proof keyed by the secret the server gave the pair (an HMAC-SHA256), so it needs this project\'s server on both sides ([member original_server] off) and peers of ours; an original peer cannot prove one and is refused by a host that has one. Someone who reads the pair\'s traffic can still try guesses against the proof offline: choose a password that is not a word.',
          },
          { name: 'join_payload', type: 'String', default: '', doc: 'Joiner: a small payload for the host\'s game to decide on (a version, a team), UTF-8, at most 32 characters; longer, [method join_session] refuses it with [code]PAYLOAD_TOO_LONG[/code]. Our joiners always send it, empty too; the host gets it in [signal player_payload] just before [signal player_joined], having waited for it after the alias at most a second (four [member keep_open_interval]s when longer): an original peer, which sends none, then joins without it. For a password use [member password], which the node checks itself.' },
          { name: 'rejoin_grace', type: 'float', default: 0.0, range: [0.0, 600.0, 0.5], unit: 's', doc: 'Host, with [member manage_game_peer]: seconds a player whose game connection dropped (silent for [member game_timeout]: a network change, a NAT mapping that expired, a short outage) may rejoin the running game under the same key and alias; 0: no rejoining. The host keeps its session open at the server while the game runs (as [member keep_open] does, for rejoining players alone when [member keep_open] is off) and gives each player, over the game connection only, a random rejoin secret; a dropped player\'s node rejoins by itself with the same code and proves the secret (an HMAC keyed by it, never the secret itself). The host hears [signal player_left] with [code]dropped[/code], then [signal player_joined] with the same key when it is back (its ENet peer id is a new one: see [method get_peer_id]), or [signal player_left] with [code]left[/code] once the grace ends. A player whose connection closed (it left, its game quit) has left at once. A rejoin after the grace, or with a wrong secret, is refused ([code]REJOIN_EXPIRED[/code], [code]REJOIN_REFUSED[/code]).' },
          { name: 'game_retry_interval', type: 'float', default: 2.0, range: [0.1, 10.0, 0.1], unit: 's', doc: 'Client: seconds between fresh ENet connect attempts until the host answers.' },
          { name: 'game_timeout', type: 'float', default: 5.0, range: [1.0, 60.0, 0.5], unit: 's', doc: 'Seconds of silence after which a peer in a running game counts as gone: the node and its peers send each other a small heartbeat ten times in this (raw packets beginning with [code]SHP-[/code]), so a crashed player is in [signal player_left] about this long after it went silent, a crashed host in [signal failed] with [code]HOST_LEFT[/code]. Keep it above the longest stall of the game\'s main loop (a level loading). The clock for a peer starts with its first heartbeat: through heavy loss one side may let the other in seconds after; before that, and while connecting, ENet keeps its longer patience (30 s) for lossy paths. A peer relayed through a relay node that went silent is kept while its connection moves to another node under ENet (at most 8 s).' },
          { name: 'game_connect_timeout', type: 'float', default: 30.0, range: [1.0, 300.0, 1.0], unit: 's', doc: 'Client: seconds of attempts before [signal failed] with [code]GAME_CONNECT_FAILED[/code].' },
        ],
      },
      {
        group: 'Network', settings: [
          { name: 'local_port', type: 'int', default: 0, range: [0, 65535], doc: 'Local UDP port to punch from; 0 lets the system pick a free one.' },
          { name: 'lan_address', type: 'String', default: '', doc: 'The LAN IPv4 address to tell peers; empty finds one with [method IP.get_local_addresses]. When set, it also defines our own subnet for [member lan_subnet_bits].' },
          { name: 'lan_subnet_bits', type: 'int', default: 24, range: [8, 32], doc: 'Prefix length of our own subnets: a peer\'s claimed LAN address is probed only inside them.' },
        ],
      },
      {
        group: 'Limits', settings: [
          { name: 'max_peers', type: 'int', default: 32, range: [1, 1024], doc: 'Most peers at once (the server\'s default cap per session is 32); further introductions are dropped, as is a peer that already failed in this session.' },
          { name: 'max_datagrams_per_frame', type: 'int', default: 256, range: [1, 65536], doc: 'Most datagrams handled per frame; the rest wait for the next frame, so a flood cannot stall the game.' },
        ],
      },
      {
        group: 'NAT traversal', settings: [
          { name: 'nat_diagnosis', type: 'bool', default: true, doc: 'Diagnose this machine\'s NAT ([HolePunchNat]) beside the first request to a server, and tell peers its type through the server, so that each pair picks its plan at once ([code]hole_punch_plan.gd[/code]). A host\'s HS leaves at once and again with the type once known (a host needs it only when a player joins); a join or random request waits for it. Off, or with [member original_server], the type stays unknown and pairs punch as before.' },
          { name: 'nat_timeout', type: 'float', default: 0.5, range: [0.05, 5.0, 0.05], unit: 's', doc: 'Most seconds the diagnosis may hold up a join or random request (it usually takes one round trip; a host\'s HS never waits).' },
          { name: 'use_ipv6', type: 'bool', default: true, doc: 'Tell peers our global IPv6 address (through the server) and punch theirs too, when this Godot\'s ENet can connect over IPv6 ([code]enet_supports_ipv6()[/code] in [code]hole_punch_ipv6.gd[/code]). The server passes the address on only once this node proved it holds it, by a round trip to the server over IPv6 during the NAT diagnosis: it needs [member nat_diagnosis] and a server started with [code]--public-ip6[/code].' },
          { name: 'probe_sockets', type: 'int', default: 256, range: [1, 1024], doc: 'Birthday probing, hard side (behind a port-randomising NAT): sockets opened towards the peer, one NAT mapping each.' },
          { name: 'probe_count', type: 'int', default: 1024, range: [1, 4096], doc: 'Birthday probing, easy side: random ports of the peer\'s address probed.' },
          { name: 'probe_spread', type: 'float', default: 1.5, range: [0.1, 10.0, 0.1], unit: 's', doc: 'Birthday probing: seconds over which each side spreads its datagrams, so that neither router sees a burst like a port scan.' },
          { name: 'probe_budget', type: 'int', default: 1500, range: [1, 8192], doc: 'Birthday probing: most datagrams one side sends towards one peer in all (each peer probed has a budget of its own; [member probe_rate] bounds them together, [member probe_peers] how many peers a session probes).' },
          { name: 'probe_peers', type: 'int', default: 4, range: [0, 64], doc: 'Birthday probing: most peers this node probes in one session (from [method host_session], [method join_session] or [method random_session] until it ends), either side. A NAT claim rests on the server\'s word, so a server that introduces peer after peer behind "port-randomising" NATs at someone else\'s address gets at most this many peers\' [member probe_budget] datagrams (or [member probe_sockets] sockets) out of the node, not one budget per peer it names. The peers beyond it take the relay at once, as two port-randomising NATs do (a client or a random session probes one peer; a host with more port-randomising clients than this relays the rest). 0: never probe.' },
          {
            name: 'probe_rate', type: 'int', default: 1000, range: [10, 100000, 10], unit: '/s',
            doc: 'Birthday probing: most probing datagrams this node sends a second in all, across every peer it probes at once (a host introduced to several clients behind port-randomising NATs probes them together), with bursts of at most a twentieth of that. Each new destination is a new mapping in our own router, so N peers must not make an N-times burst that looks like a port scan: within the hard side\'s listening window ([member probe_spread] + 1 s) this node sends at most [code]probe_rate × (probe_spread + 1)[/code] datagrams, 2,500 at the defaults, however many peers it probes. The peers share the rate evenly: one peer at the defaults (1,024 probes over 1.5 s, 683 a second) is not slowed; two still get all their 1,024 probes within the window; three get about 830 each and four about 625, so a pair misses more often (4% and 8% rather than 2%) and takes the relay.',
          },
        ],
      },
      {
        group: 'Debugging', settings: [
          { name: 'trace_datagrams', type: 'bool', default: false, doc: 'Print every datagram sent and received, with a millisecond clock, for debugging a network.' },
          { name: 'ipv6_without_enet', type: 'bool', default: false, doc: 'Punch over IPv6 even when this Godot\'s ENet cannot use it (for testing the path itself: the game client is then handed an IPv6 address it cannot connect to).' },
        ],
      },
    ],
  }
};
