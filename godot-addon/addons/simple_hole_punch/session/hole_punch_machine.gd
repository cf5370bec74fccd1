extends "hole_punch_traffic.gd"
## A [HolePunch] node's phase machine: what the node does with each API call and each frame, from
## starting a session to leaving it. The node hands it every call; what each admitted message does
## is in [code]hole_punch_messages.gd[/code], which extends this. See
## [code]hole_punch_session_state.gd[/code] for the layers.

const HolePunchCodeText := preload("hole_punch_code_text.gd")
const HolePunchGameWiring := preload("hole_punch_game_wiring.gd")
const HolePunchMemberData := preload("../game/hole_punch_member_data.gd")
const HolePunchPublicLobby := preload("hole_punch_public_lobby.gd")
const HolePunchServerName := preload("hole_punch_server_name.gd")

## The game's peer wired to the node ([member _game] is its [code]game[/code]).
var _game_wiring: HolePunchGameWiring
## The key [member HolePunch.server] resolved to when this session started ("" without one).
var _named_server_key := ""
## The host's listing in the public lobby list and the pages asked of it ([method list_sessions]).
var _public: HolePunchPublicLobby


func diagnose_nat(serv_key: String) -> void:
	if HolePunchProtocol.decode_key(serv_key).is_empty():
		push_error("HolePunch.diagnose_nat: \"%s\" is not a server key" % serv_key)
		return
	_settings.take(_node)
	_traversal.diagnose(serv_key, _settings, _now())


func _init(node: HolePunchBase) -> void:
	_node = node
	send = _socket.send
	_enet_flush = HolePunchEnetFlush.new(node)
	_settings = HolePunchSettings.new() # Taken on each API call and each frame.
	# Callables on methods, never lambdas, where a part keeps them: a lambda holds this session,
	# and a part that holds it back makes a cycle that outlives the node.
	_public = HolePunchPublicLobby.new(_node.sessions_listed.emit, _listed, _players_now, publish_session)
	_traversal.diagnosed.connect(_node.nat_diagnosed.emit)
	_traversal.socket_won.connect(_take_socket)
	_traversal.received.connect(_receive)


## The node entered the tree: the game's side starts, on the [member clock] the node has now. The
## wire codecs are built now (a millisecond), not in the time of the first session's request.
func start() -> void:
	HolePunchProtocol.wire()
	HolePunchProtocol.game_wire()
	_game_wiring = HolePunchGameWiring.new(_node, clock, _settings_now, _own, _enet_flush)
	_game = _game_wiring.game
	_game_wiring.ended.connect(_end_in_game)
	_game.host_left.connect(_on_game_host_left)
	_game.dropped.connect(_on_game_dropped)


func host_session(serv_key: String, alias: String) -> Error:
	var err := _begin(_Role.HOST, _named_or(serv_key), alias)
	if err == OK:
		var make := func(fields: Array) -> PackedByteArray:
			var ext := PackedStringArray(fields)
			return HolePunchProtocol.encode_host_session(_lan_key, _server.nonce, ext[0], ext[1], ext[2], ext[3])
		_traversal.request(make, _now(), true)
		_traversal.start_diagnosis(_now())
	return err


func join_session(id: String, alias: String) -> Error:
	var code := HolePunchCodeText.parse(id, _resolve_server())
	if code == "":
		_node.bad_session.emit(id)
		return _fail(HolePunchBase.Failure.BAD_CODE, id, ERR_INVALID_PARAMETER)
	var err := _begin(_Role.JOINER, code.left(HolePunchProtocol.KEY_LENGTH), alias)
	if err == OK:
		_session_id = code
		var make := func(fields: Array) -> PackedByteArray:
			var ext := PackedStringArray(fields)
			return HolePunchProtocol.encode_join_session(_lan_key, code, _server.nonce, ext[0], ext[1], ext[2], ext[3], ext[4])
		_traversal.request(make, _now())
		_traversal.start_diagnosis(_now())
	return err


func random_session(serv_key: String, alias: String) -> Error:
	var err := _begin(_Role.RANDOM, _named_or(serv_key), alias)
	if err == OK:
		var make := func(fields: Array) -> PackedByteArray:
			var ext := PackedStringArray(fields)
			return HolePunchProtocol.encode_random_session(_lan_key, _server.nonce, ext[0], ext[1], ext[2], ext[3], ext[4])
		_traversal.request(make, _now())
		_traversal.start_diagnosis(_now())
	return err


func close_session() -> Error:
	_settings.take(_node)
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
		HolePunchTrace.note("close_session: handing over")
		_tick(_now())
	return OK


func leave() -> Error:
	var held := phase != Phase.IDLE or _game.peer != null
	_leave()
	return OK if held else ERR_DOES_NOT_EXIST


## The node leaves the tree: whatever is under way ends, the NAT diagnosis too.
func exit() -> void:
	_public.close()
	_leave()
	_traversal.nat.stop()


## Tells the server and the peers that this node leaves, then frees what it held and is idle again.
func _leave() -> void:
	_game.rejoin = {}
	if _socket.is_open() and phase in [Phase.PUNCHING, Phase.CLOSING, Phase.HANDING_OVER]:
		if _is_host() and _session_id != "":
			_server.close_session(_session_id, 3)
		_peers.send_leave(3)
	_game.close() # A running game ends: ENet tells its peers.
	_stop()


## A client's game whose host gave it a rejoin secret: the host went silent, most likely because our
## own connection died. The node joins the same session again with the same code and alias, and
## the game peer then rejoins as our key in the game ([code]hole_punch_game_peer.gd[/code]), for as
## long as the host keeps our place.
func _on_game_dropped(rejoin: Dictionary) -> void:
	var code := _session_id
	var alias := HolePunchAlias.decode(_names.own_alias) if _names != null else ""
	var host_key: String = rejoin.host_key
	_stop()
	var grace: float = rejoin.grace
	rejoin["until"] = _now() + grace + _settings.game_timeout # The host's word on a late rejoin can still come.
	_game.rejoin = rejoin
	_node.rejoining.emit(host_key)
	if _game.rejoin.is_empty():
		return # The game left in that handler.
	if code == "":
		_fail(HolePunchBase.Failure.HOST_LEFT, host_key)
	else:
		join_session(code, alias) # Its failures end the rejoin (see _fail).


## Our alias and key, as the game's side tells them.
func _own() -> Array:
	return ["" if _names == null else _names.own_alias, _public_key]


## A client's game: the host left or went silent. Every player goes, the host last; the node is idle.
func _on_game_host_left(host_key: String, host_alias: String) -> void:
	var players := _game.roster.players()
	players.erase(host_key)
	_game.close()
	_stop()
	for key: String in players:
		_node.player_left.emit(key, players[key].alias, "left")
	_node.player_left.emit(host_key, host_alias, "left")
	_fail(HolePunchBase.Failure.HOST_LEFT, host_key)


## One frame: timers, the datagrams that came (at most [member HolePunch.max_datagrams_per_frame]),
## what is due to be sent.
func process() -> void:
	_settings.take(_node)
	dropped_datagrams += _public.poll(_now())
	_traversal.tick(_now(), HolePunchPeers.none() if _peers == null else _peers.all(), _is_host())
	for i in _settings.max_datagrams_per_frame: # The rest waits for the next frame: a flood cannot stall it.
		var datagram := _socket.receive()
		if datagram.is_empty():
			break
		var packet: PackedByteArray = datagram[0]
		var ip: String = datagram[1]
		var port: int = datagram[2]
		_receive(packet, ip, port)
	if _socket.is_open():
		_tick(_now())
	if phase == Phase.HOSTING_GAME:
		_late.tick(_now())
	_public.recount(_now())
	_game.tick(_now())
	_enet_flush.tick(_now())
	var until: float = _game.rejoin.get("until", INF)
	if _now() >= until:
		# Not back in while the host kept our place: the host is gone.
		_fail(HolePunchBase.Failure.HOST_LEFT, str(_game.rejoin.host_key))


## The key of [member HolePunch.server], resolved now and kept for [method get_short_code];
## "" when the setting is empty or names no IPv4 address.
func _resolve_server() -> String:
	_settings.take(_node)
	_named_server_key = HolePunchServerName.resolve_key(_settings.server) if _settings.server != "" else ""
	return _named_server_key


## [param serv_key], or the key of [member HolePunch.server] when [param serv_key] is empty (then
## the setting itself when it resolves to nothing, so that the failure names it).
func _named_or(serv_key: String) -> String:
	var key := _resolve_server()
	if serv_key != "" or _settings.server == "":
		return serv_key
	return key if key != "" else _settings.server


func publish_session(metadata: Dictionary) -> Error:
	_settings.take(_node)
	var in_game := phase == Phase.HOSTING_GAME and _late != null # Late joiners welcome: listed from the late join's link.
	if not _is_host() or _server == null or _server.nonce == "" or (phase != Phase.REQUESTING and phase != Phase.PUNCHING and not in_game):
		return ERR_DOES_NOT_EXIST
	var listing := _public.listing(metadata, _names.own_alias, _settings, _now())
	if listing.is_empty():
		return ERR_INVALID_PARAMETER
	if in_game:
		_late.publish(listing)
	else:
		_server.publish(_session_id, listing)
	return OK


## Host: the players in its session now, itself included, as its listing counts them.
func _players_now() -> int:
	return 1 + HolePunchPlayers.of(HolePunchPeers.none() if _peers == null else _peers.all(), true, _game).size()


func set_member_data(data: Dictionary) -> Error:
	_settings.take(_node)
	if not _settings.manage_game_peer:
		return ERR_UNAVAILABLE
	if not HolePunchMemberData.accepts(data):
		return ERR_INVALID_PARAMETER
	_game.set_member_data(data)
	return OK


func list_sessions(filter: Dictionary) -> Error:
	_settings.take(_node)
	var key: String = filter.get("server_key", "")
	if key == "":
		key = _resolve_server()
	return _public.ask(key, filter, _settings, _now())


func get_short_code() -> String:
	return HolePunchCodeText.display(_session_id, _named_server_key)


func _begin(role: _Role, serv_key: String, alias: String) -> Error:
	_settings.take(_node)
	if phase != Phase.IDLE and phase != Phase.DONE and phase != Phase.HOSTING_GAME:
		push_error("HolePunch: a session is already under way (phase %s)" % Phase.keys()[phase])
		return ERR_ALREADY_IN_USE
	var wire_alias := HolePunchAlias.encode(alias)
	if wire_alias == "":
		return _fail(HolePunchBase.Failure.BAD_ALIAS, alias, ERR_INVALID_PARAMETER)
	if HolePunchProtocol.decode_key(serv_key).is_empty():
		_node.bad_server.emit(serv_key)
		return _fail(HolePunchBase.Failure.BAD_SERVER_KEY, serv_key, ERR_INVALID_PARAMETER)
	if role != _Role.HOST and _settings.join_payload != "" and HolePunchAlias.encode(_settings.join_payload) == "":
		var limit := HolePunchProtocol.MAX_TEXT_CHARACTERS
		return _fail(HolePunchBase.Failure.PAYLOAD_TOO_LONG, "join_payload is %d characters, at most %d without control characters" % [_settings.join_payload.length(), limit], ERR_INVALID_PARAMETER)
	_stop()
	_early_game = []
	if _socket.open(_settings.local_port) != OK:
		return _fail(HolePunchBase.Failure.LOCAL_PORT_UNUSABLE, str(_settings.local_port), ERR_CANT_CREATE)
	_socket.trace = _settings.trace_datagrams
	_role = role
	_server = HolePunchServerLink.new(_settings, _send_to, serv_key, not _settings.original_server)
	_peers = HolePunchPeers.new(_settings, clock, _send_to, _punch_packets, func(key: String) -> void: _server.ask_relay(_session_id, key))
	_refusals = HolePunchRefusals.new(_settings.max_peers)
	_admission = HolePunchAdmission.new(_settings, _node, _peers, _refusals, _send_to)
	_names = HolePunchNames.new(wire_alias, _settings.max_peers)
	_bound_port = _socket.bound_port()
	_lan_key = HolePunchProtocol.encode_key(HolePunchSocket.find_lan_address(_settings.lan_address), _bound_port)
	_traversal.open(_server, _send_to, _names.packet)
	_traversal.prepare(serv_key, _settings) # The first request goes before the diagnosis starts.
	phase = Phase.REQUESTING
	return OK
