extends "../generated/hole_punch_base.gd"
## The phase machine behind [HolePunch]: what the node does with each API call, which datagrams it
## admits, and what it sends on time. The generated base ([code]generated/hole_punch_base.gd[/code])
## declares the signals, the settings and the API; what each admitted message does is in
## [code]hole_punch_messages.gd[/code], which extends this.
##
## The peers, the server link, the names, NAT traversal, the game's side and the late join are
## objects of their own ([code]hole_punch_peers.gd[/code], [code]hole_punch_server_link.gd[/code],
## [code]hole_punch_names.gd[/code], [code]hole_punch_traversal.gd[/code],
## [code]hole_punch_game_peer.gd[/code], [code]hole_punch_late_join.gd[/code]). Each gets what it
## needs from here: a copy of the settings taken again on each API call and each frame
## ([code]hole_punch_settings.gd[/code]), the [member clock], callables that send; they return
## results or emit signals, and none of them knows this node.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchClock := preload("hole_punch_clock.gd")
const HolePunchCodeText := preload("hole_punch_code_text.gd")
const HolePunchFailures := preload("hole_punch_failures.gd")
const HolePunchGamePeer := preload("../game/hole_punch_game_peer.gd")
const HolePunchLobby := preload("hole_punch_lobby.gd")
const HolePunchLateJoin := preload("../game/hole_punch_late_join.gd")
const HolePunchNames := preload("../players/hole_punch_names.gd")
const HolePunchPassword := preload("../players/hole_punch_password.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchPeers := preload("../players/hole_punch_peers.gd")
const HolePunchPlayers := preload("../players/hole_punch_players.gd")
const HolePunchRefusals := preload("../players/hole_punch_refusals.gd")
const HolePunchServerLink := preload("hole_punch_server_link.gd")
const HolePunchServerName := preload("hole_punch_server_name.gd")
const HolePunchSettings := preload("hole_punch_settings.gd")
const HolePunchSocket := preload("../traversal/hole_punch_socket.gd")
const HolePunchTraversal := preload("../traversal/hole_punch_traversal.gd")


## Where this node is in a session's life. A session starts REQUESTING (an API call asked the
## server), then PUNCHING once the server answered. A host then goes CLOSING
## ([method HolePunch.close_session]), then DONE ([signal HolePunch.start_server]), or HOSTING_GAME
## when its game takes late joiners, until [method HolePunch.close_session] makes it DONE. A client
## goes HANDING_OVER (JH came), then DONE ([signal HolePunch.start_client]). [method HolePunch.leave],
## or a failure that ends the attempt, makes it IDLE; a new session starts from IDLE, DONE or
## HOSTING_GAME.
enum Phase {
	IDLE, ## Nothing under way.
	REQUESTING, ## Waiting for the server to answer HS, JS or RS.
	PUNCHING, ## Registered: pinging peers and keeping holes open.
	CLOSING, ## Host: handing peers over (JH until JD).
	HANDING_OVER, ## Client: answered JH, waiting for JG to free the port.
	DONE, ## The port was handed to the game.
	HOSTING_GAME, ## Host: the port was handed to the game, which still takes late joiners ([member HolePunch.keep_open]).
}

enum _Role { NONE, HOST, JOINER, RANDOM }

## Where this node is in a session's life.
var phase: Phase = Phase.IDLE
## The time the node goes by, and its parts with it: seconds, milliseconds and timers. Replace it
## before the node enters the tree (a test's clock that it moves by hand, say).
var clock := HolePunchClock.new()
## Datagrams dropped: malformed, from an address the server did not introduce, or not valid
## where they arrived (a wrong nonce or secret, a path not in use).
var dropped_datagrams := 0

var _role: _Role = _Role.NONE
## The settings, as of this frame or API call: what the parts read.
var _settings: HolePunchSettings
var _socket := HolePunchSocket.new()
var _server: HolePunchServerLink
var _peers: HolePunchPeers
var _names: HolePunchNames
var _session_id := ""
## The key [member HolePunch.server] resolved to when this session started ("" without one).
var _named_server_key := ""
var _lan_key := ""
var _public_key := ""
var _last_join_host := 0.0
var _handover := ["", 0]
var _bound_port := 0
var _game: HolePunchGamePeer
var _late: HolePunchLateJoin
var _refusals: HolePunchRefusals
var _traversal := HolePunchTraversal.new()
## Pages of the public lobby list, from a socket of its own ([method _api_list_sessions]).
var _lobby := HolePunchLobby.new(func(sessions: Array, next: int) -> void: sessions_listed.emit(sessions, next))

## This machine's NAT, once diagnosed ([signal HolePunch.nat_diagnosed]);
## [constant HolePunchNat.UNKNOWN] before, or when it could not be told.
var nat_type: HolePunchNat.NatType:
	get:
		return _traversal.nat.nat_type


func _api_diagnose_nat(serv_key: String) -> void:
	if HolePunchProtocol.decode_key(serv_key).is_empty():
		push_error("HolePunch.diagnose_nat: \"%s\" is not a server key" % serv_key)
		return
	_settings.take(self)
	_traversal.diagnose(serv_key, _settings, _now())


func _init() -> void:
	_settings = HolePunchSettings.new() # Taken on each API call and each frame.
	_traversal.diagnosed.connect(func(type: HolePunchNat.NatType) -> void: nat_diagnosed.emit(type))
	_traversal.socket_won.connect(_take_socket)
	_traversal.received.connect(_receive)


func _ready() -> void:
	if process_mode == PROCESS_MODE_INHERIT:
		process_mode = PROCESS_MODE_ALWAYS # A paused game keeps its holes, its session and its heartbeats.
	var own := func() -> Array: return ["" if _names == null else _names.own_alias, _public_key]
	_game = HolePunchGamePeer.new(self, clock, _settings_now, own)
	start_server.connect(_game.start_server)
	start_client.connect(_game.start_client)
	for pair: Array in [[_game.player_joined, player_joined], [_game.player_left, player_left], [_game.player_refused, player_refused], [_game.player_payload, player_payload]]:
		(pair[0] as Signal).connect((pair[1] as Signal).emit)
	_game.connected.connect(game_connected.emit)
	_game.failed.connect(func(err: Error) -> void: _end_in_game(HolePunch.Failure.GAME_CONNECT_FAILED, error_string(err)))
	_game.refused.connect(func(reason: String) -> void: _end_in_game(HolePunchFailures.of_refusal(reason), reason))
	_game.host_left.connect(_on_game_host_left)


func _api_host_session(serv_key: String, alias: String) -> Error:
	var err := _begin(_Role.HOST, _named_or(serv_key), alias)
	if err == OK:
		_traversal.request(func(ext: Array) -> PackedByteArray: return HolePunchProtocol.encode_host_session(_lan_key, _server.nonce, ext[0], ext[1], ext[2], ext[3]), _now())
	return err


func _api_join_session(id: String, alias: String) -> Error:
	var code := HolePunchCodeText.parse(id, _resolve_server())
	if code == "":
		bad_session.emit(id)
		return _fail(HolePunch.Failure.BAD_CODE, id, ERR_INVALID_PARAMETER)
	var err := _begin(_Role.JOINER, code.left(HolePunchProtocol.KEY_LENGTH), alias)
	if err == OK:
		_session_id = code
		_traversal.request(func(ext: Array) -> PackedByteArray: return HolePunchProtocol.encode_join_session(_lan_key, code, _server.nonce, ext[0], ext[1], ext[2], ext[3], ext[4]), _now())
	return err


func _api_random_session(serv_key: String, alias: String) -> Error:
	var err := _begin(_Role.RANDOM, _named_or(serv_key), alias)
	if err == OK:
		_traversal.request(func(ext: Array) -> PackedByteArray: return HolePunchProtocol.encode_random_session(_lan_key, _server.nonce, ext[0], ext[1], ext[2], ext[3], ext[4]), _now())
	return err


func _api_close_session() -> Error:
	_settings.take(self)
	if phase == Phase.HOSTING_GAME: # The game runs: stop taking late joiners.
		_end_late_join()
		return OK
	if phase == Phase.IDLE or phase == Phase.DONE:
		return ERR_DOES_NOT_EXIST # A client in a game leaves with leave().
	if phase == Phase.REQUESTING or not _is_host():
		_leave() # A client closing means leaving: nothing is handed over.
	elif phase == Phase.PUNCHING:
		# Nobody to hand over to: a game server for nobody only when the node runs the game and
		# keeps the session open for late joiners.
		if not _peers.all().any(func(p: HolePunchPeer) -> bool: return p.path != "") and not (_settings.manage_game_peer and _settings.keep_open):
			return ERR_DOES_NOT_EXIST
		phase = Phase.CLOSING
		_tick(_now())
	return OK


func _api_leave() -> Error:
	var held := phase != Phase.IDLE or _game.peer != null
	_leave()
	return OK if held else ERR_DOES_NOT_EXIST


## Tells the server and the peers that this node leaves, then frees what it held and is idle again.
func _leave() -> void:
	if _socket.is_open() and phase in [Phase.PUNCHING, Phase.CLOSING, Phase.HANDING_OVER]:
		if _is_host() and _session_id != "":
			_server.close_session(_session_id, 3)
		_peers.send_leave(3)
	_game.close() # A running game ends: ENet tells its peers.
	_stop()


## A client's game: the host left or went silent. Every player goes, the host last; the node is idle.
func _on_game_host_left(host_key: String, host_alias: String) -> void:
	var players := _game.roster.players()
	players.erase(host_key)
	_game.close()
	_stop()
	for key: String in players:
		player_left.emit(key, players[key].alias, "left")
	player_left.emit(host_key, host_alias, "left")
	_fail(HolePunch.Failure.HOST_LEFT, host_key)


func _process(_delta: float) -> void:
	_settings.take(self)
	dropped_datagrams += _lobby.poll(_now())
	_traversal.tick(_now(), HolePunchPeers.none() if _peers == null else _peers.all(), _is_host())
	for i in max_datagrams_per_frame: # The rest waits for the next frame: a flood cannot stall it.
		var datagram := _socket.receive()
		if datagram.is_empty():
			break
		_receive(datagram[0], datagram[1], datagram[2])
	if _socket.is_open():
		_tick(_now())
	if phase == Phase.HOSTING_GAME:
		_late.tick(_now())
	_game.tick(_now())


func _exit_tree() -> void:
	_lobby.close()
	_leave()
	_traversal.nat.stop()


func _notification(what: int) -> void:
	if what == NOTIFICATION_WM_CLOSE_REQUEST:
		_leave() # The window closes: say goodbye while the tree still runs.


## The key of [member HolePunch.server], resolved now and kept for [method _api_get_short_code];
## "" when the setting is empty or names no IPv4 address.
func _resolve_server() -> String:
	_named_server_key = HolePunchServerName.resolve_key(server) if server != "" else ""
	return _named_server_key


## [param serv_key], or the key of [member HolePunch.server] when [param serv_key] is empty (then
## the setting itself when it resolves to nothing, so that the failure names it).
func _named_or(serv_key: String) -> String:
	var key := _resolve_server()
	if serv_key != "" or server == "":
		return serv_key
	return key if key != "" else server


func _api_publish_session(metadata: Dictionary) -> Error:
	if not _is_host() or _server == null or _server.nonce == "" or (phase != Phase.REQUESTING and phase != Phase.PUNCHING):
		return ERR_DOES_NOT_EXIST
	var values := HolePunchLobby.encode_metadata(metadata)
	if values.is_empty():
		return ERR_INVALID_PARAMETER
	var cap := max_players + 1 if max_players > 0 else 0
	var listing := PackedStringArray([str(cap), HolePunchAlias.cut(_names.own_alias, HolePunchLobby.MAX_BYTES["name"])])
	listing.append_array(values)
	_server.publish(_session_id, listing)
	return OK


func _api_list_sessions(filter: Dictionary) -> Error:
	_settings.take(self)
	var key: String = filter.get("server_key", "")
	if key == "":
		key = _resolve_server()
	return _lobby.ask(key, filter, _settings, _now())


func _api_get_short_code() -> String:
	return HolePunchCodeText.display(_session_id, _named_server_key)


func _begin(role: _Role, serv_key: String, alias: String) -> Error:
	if phase != Phase.IDLE and phase != Phase.DONE and phase != Phase.HOSTING_GAME:
		push_error("HolePunch: a session is already under way (phase %s)" % Phase.keys()[phase])
		return ERR_ALREADY_IN_USE
	var wire_alias := HolePunchAlias.encode(alias)
	if wire_alias == "":
		return _fail(HolePunch.Failure.BAD_ALIAS, alias, ERR_INVALID_PARAMETER)
	if HolePunchProtocol.decode_key(serv_key).is_empty():
		bad_server.emit(serv_key)
		return _fail(HolePunch.Failure.BAD_SERVER_KEY, serv_key, ERR_INVALID_PARAMETER)
	if role != _Role.HOST and join_payload != "" and HolePunchAlias.encode(join_payload) == "":
		var limit := HolePunchProtocol.MAX_TEXT_CHARACTERS
		return _fail(HolePunch.Failure.PAYLOAD_TOO_LONG, "join_payload is %d characters, at most %d without control characters" % [join_payload.length(), limit], ERR_INVALID_PARAMETER)
	_stop()
	if _socket.open(local_port) != OK:
		return _fail(HolePunch.Failure.LOCAL_PORT_UNUSABLE, str(local_port), ERR_CANT_CREATE)
	_settings.take(self)
	_socket.trace = _settings.trace_datagrams
	_role = role
	_server = HolePunchServerLink.new(_settings, _send_to, serv_key, not _settings.original_server)
	_peers = HolePunchPeers.new(_settings, clock, _send_to, _punch_packets, func(key: String) -> void: _server.ask_relay(_session_id, key))
	_refusals = HolePunchRefusals.new(_settings.max_peers)
	_names = HolePunchNames.new(wire_alias, _settings.max_peers)
	_bound_port = _socket.bound_port()
	_lan_key = HolePunchProtocol.encode_key(HolePunchSocket.find_lan_address(_settings.lan_address), _bound_port)
	_traversal.open(_server, _send_to, _names.packet)
	_traversal.diagnose(serv_key, _settings, _now())
	phase = Phase.REQUESTING
	return OK


## Tells the game that the attempt failed for [param reason] ([enum HolePunch.Failure]) about
## [param detail]; returns [param err] for the API call that failed.
func _fail(reason: HolePunch.Failure, detail: String, err := FAILED) -> Error:
	failed.emit(reason, detail)
	return err


## The game's peer could not start, or the host's game turned us away: the attempt is over, as
## after [method _api_leave] (no players, no host), and the game is told why.
func _end_in_game(reason: HolePunch.Failure, detail: String) -> void:
	_stop()
	_fail(reason, detail)


## Host, its game running ([constant Phase.DONE]): takes late joiners through a link of its own to
## the server ([code]hole_punch_late_join.gd[/code]).
func _start_late_join() -> void:
	var own_keys := {"local": _lan_key, "public": _public_key}
	_late = HolePunchLateJoin.new(_settings, clock, _server, _session_id, own_keys, _names.packet, _game)
	phase = Phase.HOSTING_GAME


func _end_late_join() -> void:
	if _late != null:
		_late.close()
		_late = null
	if phase == Phase.HOSTING_GAME:
		phase = Phase.DONE


func _stop() -> void:
	_end_late_join()
	_game.stop()
	_socket.close()
	_traversal.stop()
	phase = Phase.IDLE
	_role = _Role.NONE
	_session_id = ""
	_public_key = ""
	_peers = null


# --- Receiving ---------------------------------------------------------------------------

func _receive(packet: PackedByteArray, ip: String, port: int) -> void:
	# The sender first: nothing from an address we do not know is even parsed.
	var from_server := _server.is_at(ip, port)
	var peer := null if from_server or _peers == null else _peers.at(ip, port)
	if not from_server and peer == null:
		dropped_datagrams += 1
		var again := PackedByteArray() if _refusals == null else _refusals.answer(packet, ip, port, _now())
		if not again.is_empty(): # A refused player still punching: its RJ was lost.
			_send_to(again, ip, port)
		return
	var message := HolePunchProtocol.parse(packet)
	if message == null or from_server != HolePunchProtocol.SERVER_CODES.has(message.code) or (from_server and not _server.accepts(message)):
		# A client that lost its JD already runs its game client: its first ENet packet answers.
		if message == null and phase == Phase.CLOSING and peer != null and peer.handing_over() and peer.path_at(ip, port) == peer.path:
			peer.done = true
		dropped_datagrams += 1
		return
	if peer != null and (message.field("secret", peer.secret) != peer.secret or message.code == HolePunchProtocol.PEER_READY and peer.secret != ""):
		dropped_datagrams += 1 # Between two peers of ours (RV, not RD), whoever lacks the pair's secret is a stranger.
		return
	_dispatch(message, ip, port)


# --- Sending on time ---------------------------------------------------------------------

func _tick(now: float) -> void:
	if phase == Phase.REQUESTING and _traversal.waiting():
		pass # The first request waits for the NAT diagnosis (at most nat_timeout).
	elif phase == Phase.REQUESTING and _server.timed_out(now):
		_stop()
		bad_server.emit(_server.key)
		_fail(HolePunch.Failure.SERVER_SILENT, "%s:%d" % [_server.ip, _server.port]) # Where we sent: a key says nothing to a person.
	elif phase == Phase.REQUESTING:
		_server.resend(now)
	elif phase == Phase.HANDING_OVER and now - _last_join_host >= _settings.handover_timeout:
		_finish_client()
	elif phase == Phase.PUNCHING or phase == Phase.CLOSING:
		for gone: Array in _peers.tick(now):
			var peer: HolePunchPeer = gone[0]
			var lost: bool = gone[1] == HolePunchPeers.Gone.LOST
			(peer_lost if lost else punch_failed).emit(peer.public_key)
			if _is_host():
				player_left.emit(peer.public_key, HolePunchAlias.decode(peer.name), "lost" if lost else "unreachable")
			else:
				_stop()
				var why := HolePunch.Failure.HOST_LOST if lost else HolePunch.Failure.RELAY_UNAVAILABLE if _settings.use_relay else HolePunch.Failure.PUNCHING_FAILED
				_fail(why, peer.public_key)
				return
		if _is_host():
			_admit_waiting(now) # Peers whose JP is no longer awaited.
		if _peers == null:
			return # A handler ended the session.
		if phase == Phase.PUNCHING and not _is_host() and _peers.first().path == "":
			_server.resend(now)
		elif phase == Phase.PUNCHING and _is_host():
			_server.keep_alive(now, _session_id)
		elif phase == Phase.CLOSING and _peers.hand_over(now, {"local": _lan_key, "public": _public_key}):
			_finish_host()


func _finish_host() -> void:
	# The session ends at the server only now: a peer still punching may need it for a relay.
	var late := _settings.keep_open and _settings.manage_game_peer and _server.nonce != ""
	_server.close_session(_session_id, 0 if late else 3) # No answer can come back once the port is freed: copies survive loss.
	_peers.send_go(3)
	_game.expect(_peers.all())
	_finish(start_server, [_bound_port])
	if late and _game.peer != null:
		_start_late_join()


func _finish_client() -> void:
	_game.expect(_peers.all())
	_finish(start_client, [_handover[0], _handover[1], _bound_port])


## Frees the port for the game, then tells the game with [param done].
func _finish(done: Signal, args: Array) -> void:
	_socket.close()
	phase = Phase.DONE
	done.emit.callv(args)


func _enter_punching() -> void:
	phase = Phase.PUNCHING
	_server.start_keep_alive(_now()) # The first at once: it proves to the server that HR reached us, which confirms the session.


## What goes to [param peer] on each punch: our names, and a joiner's JP: its
## [member HolePunch.join_payload] (empty too: the host then knows it has all) and the proof of its
## [member HolePunch.password].
func _punch_packets(peer: HolePunchPeer) -> Array[PackedByteArray]:
	var packets: Array[PackedByteArray] = [_names.packet(peer.secret)]
	if not _is_host():
		var proof := HolePunchPassword.proof(_settings.password, peer.secret)
		packets.append(HolePunchProtocol.encode_join_payload(HolePunchAlias.encode(_settings.join_payload), peer.secret, proof))
	return packets


## Birthday probing got through on [param socket] to the peer at [param to] ([code][ip, port][/code]);
## its port is the one handed to ENet. A client takes it as its punching socket; a host keeps its
## registered socket for the server and its other peers (null [param socket]: the peer is gone).
func _take_socket(socket: PacketPeerUDP, to: Array) -> void:
	if _is_host():
		_socket.keep(socket, to)
	else:
		_socket.adopt(socket)
	_bound_port = _socket.game_port()


## Host: admits the peers whose JP is no longer awaited at [param _at] (the handlers' part,
## [code]hole_punch_messages.gd[/code]).
func _admit_waiting(_at: float) -> void:
	pass


func _send_to(packet: PackedByteArray, ip: String, port: int) -> void:
	_socket.send(packet, ip, port)


func _is_host() -> bool:
	return _role == _Role.HOST or (_role == _Role.RANDOM and phase != Phase.REQUESTING)


func _now() -> float:
	return clock.now()


## The settings as the node holds them now.
func _settings_now() -> HolePunchSettings:
	_settings.take(self)
	return _settings
