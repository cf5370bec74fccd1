extends Node
## A headless player for tests: hosts, joins or pairs at random through [HolePunch], starts ENet
## on the handed-over ports and exchanges an RPC both ways with every peer.
##
## It prints one [code]SHP_EVENT {json}[/code] line per event on stdout, with [code]wall[/code]
## (Unix time in seconds) so a harness can time several processes. Exit codes: 0 success,
## 2 timeout, 3 a failure signal (bad_session, bad_server, punch_failed, refused, peer_lost).
## Options: [code]--role=host|join|random --server-key=KEY --server=HOST:PORT --session=ID --session-file=PATH --go-file=PATH --alias=NAME
## --expect-peers=N --timeout=SECONDS --lan-ip=IP --server-timeout=S --punch-timeout=S
## --until=rpc|connected --managed --keep-open --late-peers=N --expect-others=N --password=TEXT --payload=TEXT --stay
## --leave-on=start_session|done --leave-how=quit|free|leave
## --game-connect-timeout=S --publish=NAME --mode=MODE --max-fps=N[/code]. [code]--max-fps[/code] runs at that frame
## rate (default 250, which headless Godot caps at 145 unless asked for). A host with [code]--publish[/code] lists its
## session publicly with that name and mode; the role [code]list[/code] lists sessions of
## [code]--mode[/code] with room (again until one is there) and joins the first. With [code]--managed[/code] the node starts ENet itself
## ([member HolePunch.manage_game_peer], as the README's first snippet does) instead of the
## retries below. With [code]--until=connected[/code] a client is done once the
## host's first RPC arrives (both ENet peers connected, data flowing), and the host never ends by
## itself: on a very lossy path ENet can take many seconds to deliver the answers. With
## [code]--stay[/code] a client stays in the game once done, until the host leaves
## ([code]HOST_LEFT[/code]: it prints the players it still knows and exits 0). A host with
## [code]--leave-on[/code] leaves once it has its code or a second after done: it quits the game, frees its
## node or calls [method HolePunch.leave] ([code]--leave-how[/code]), and exits.

const ScenarioEnetClient := preload("scenario_enet_client.gd")
const ScenarioEvents := preload("scenario_events.gd")
const ScenarioOptions := preload("scenario_options.gd")

var _hole_punch: HolePunch
var _options: Dictionary = {}
var _expected_peers := 1
## Host: players expected after the handover, into the running game (--late-peers, with --keep-open).
var _late_peers := 0
## Client: other clients to exchange RPCs with through the host (--expect-others).
var _others := 0
var _names_seen := 0
var _is_server := false
var _connected: Array[int] = []
var _pongs_from: Array[int] = []
var _pings_answered: Array[int] = []
var _finished := false
## Client: the host's first RPC arrived, so the host's ENet counts this client as connected too.
var _host_heard := false
var _disconnected := 0
var _managed := false
## Client, without --managed: ENet's connect attempts ([code]scenario_enet_client.gd[/code]).
var _enet_client: ScenarioEnetClient


## Starts the scenario described by [param options] (see the class description).
func run(options: Dictionary) -> void:
	_options = options
	ScenarioOptions.pace(options)
	_expected_peers = int(options.get("expect-peers", "1"))
	_late_peers = int(options.get("late-peers", "0"))
	_others = int(options.get("expect-others", "0"))
	_hole_punch = HolePunch.new()
	ScenarioOptions.configure(_hole_punch, options)
	_managed = options.has("managed")
	_enet_client = ScenarioEnetClient.new(self, func() -> bool: return _host_heard or _finished, _fail)
	add_child(_hole_punch)
	_hole_punch.start_session.connect(func(key: String) -> void:
		ScenarioEvents.emit("start_session", {"key": key, "short_code": _hole_punch.get_short_code()})
		if options.has("publish"):
			var err := _hole_punch.publish_session({"name": options["publish"], "mode": options.get("mode", "")})
			ScenarioEvents.emit("published", {"result": error_string(err)})
		if options.get("role") == "host" and options.get("leave-on") == "start_session":
			_leave_as_host())
	ScenarioEvents.report(_hole_punch)
	_hole_punch.player_joined.connect(_on_player_joined)
	_hole_punch.game_connected.connect(func(_peer: MultiplayerPeer) -> void: ScenarioEvents.emit("game_connected", {"peer_id": multiplayer.get_unique_id()}))
	_hole_punch.failed.connect(_on_failed)
	_hole_punch.start_server.connect(_on_start_server)
	_hole_punch.start_client.connect(_on_start_client)
	_hole_punch.bad_session.connect(func(key: String) -> void: _fail("bad_session", {"key": key}))
	_hole_punch.bad_server.connect(func(key: String) -> void: _fail("bad_server", {"key": key}))
	_hole_punch.punch_failed.connect(func(key: String) -> void: _fail("punch_failed", {"key": key}))
	_hole_punch.refused.connect(func(reason: String) -> void: _fail("refused", {"reason": reason}))
	_hole_punch.peer_lost.connect(func(key: String) -> void: _fail("peer_lost", {"key": key}))
	multiplayer.peer_connected.connect(_on_peer_connected)
	multiplayer.connected_to_server.connect(_on_connected_to_server)
	# A failed attempt is retried at once (scenario_enet_client.gd); the overall timeout decides failure.
	multiplayer.connection_failed.connect(func() -> void:
		ScenarioEvents.emit("enet_connection_failed")
		if not _managed:
			_enet_client.attempt.call_deferred())
	multiplayer.server_disconnected.connect(_on_server_disconnected)
	multiplayer.peer_disconnected.connect(_on_peer_disconnected)
	get_tree().create_timer(float(options.get("timeout", "20"))).timeout.connect(_on_timeout)

	var alias: String = options.get("alias", "player")
	var role: String = options.get("role", "")
	ScenarioEvents.emit("ready")
	if options.has("go-file"):
		await _read_when_present(options["go-file"])
	ScenarioEvents.emit("begin", {"role": role})
	match role:
		"host":
			_hole_punch.host_session(options.get("server-key", ""), alias)
		"join":
			var session: String = options.get("session", "")
			if options.has("session-file"):
				session = await _read_when_present(options["session-file"])
				ScenarioEvents.emit("code_read")
			_hole_punch.join_session(session, alias)
		"random":
			_hole_punch.random_session(options.get("server-key", ""), alias)
		"list":
			_hole_punch.sessions_listed.connect(_on_sessions_listed)
			_hole_punch.list_sessions({"mode": options.get("mode", ""), "not_full": true})
		_:
			_fail("bad_role", {"role": role})


## Waits for a file to hold something (a session code, or a go signal), so players can start
## their processes before the host has a code and be timed from the moment they act.
func _read_when_present(path: String) -> String:
	while not FileAccess.file_exists(path) or FileAccess.get_file_as_string(path).strip_edges() == "":
		await get_tree().process_frame
	return FileAccess.get_file_as_string(path).strip_edges()


func _on_failed(reason: HolePunch.Failure, detail: String) -> void:
	ScenarioEvents.emit("failed", {"reason": HolePunch.Failure.keys()[reason], "detail": detail})
	if reason == HolePunch.Failure.HOST_LEFT and _options.has("stay"):
		ScenarioEvents.emit("players", {"players": _hole_punch.get_players()})
		_quit(0)


## The host leaves as [code]--leave-how[/code] says: the game quits (the node leaves with the
## tree), the node is freed, or [method HolePunch.leave] is called; then the process ends.
func _leave_as_host() -> void:
	var how: String = _options.get("leave-how", "quit")
	ScenarioEvents.emit("host_leaving", {"how": how})
	if how == "quit":
		get_tree().quit(0)
		return
	if how == "free":
		_hole_punch.queue_free()
	else:
		_hole_punch.leave()
	await get_tree().create_timer(0.5).timeout
	get_tree().quit(0)


## A page of the lobby list: the first session is joined; an empty page asks again shortly.
func _on_sessions_listed(sessions: Array, next: int) -> void:
	ScenarioEvents.emit("sessions_listed", {"sessions": sessions, "next": next})
	if sessions.is_empty():
		await get_tree().create_timer(0.2).timeout
		_hole_punch.list_sessions({"mode": _options.get("mode", ""), "not_full": true})
		return
	var first: Dictionary = sessions[0]
	_hole_punch.join_session(first["short_code"] if _hole_punch.server != "" else first["code"], _options.get("alias", "player"))


func _on_player_joined(key: String, alias: String) -> void:
	ScenarioEvents.emit("player_joined", {"key": key, "alias": alias})
	_names_seen += 1
	if _options.get("role") == "host" and _names_seen == _expected_peers:
		ScenarioEvents.emit("close_session")
		_hole_punch.close_session()


func _on_start_server(port: int) -> void:
	ScenarioEvents.emit("start_server", {"port": port})
	_is_server = true
	if _managed:
		return
	var peer := ENetMultiplayerPeer.new()
	var err := peer.create_server(port)
	if err != OK:
		_fail("enet_error", {"error": error_string(err)})
		return
	multiplayer.multiplayer_peer = peer


func _on_start_client(ip: String, port: int, local_port: int) -> void:
	ScenarioEvents.emit("start_client", {"ip": ip, "port": port, "local_port": local_port})
	_enet_client.target = [ip, port, local_port]
	if _managed:
		return
	_enet_client.attempt()


func _on_peer_connected(id: int) -> void:
	if not _is_server:
		if id != 1 and _others > 0: # Another client, through the host.
			ScenarioEvents.emit("peer_connected", {"peer_id": id})
			_ping.rpc_id(id, _options.get("alias", "player"))
		return
	var enet: ENetMultiplayerPeer = multiplayer.multiplayer_peer
	var packet_peer := enet.get_peer(id)
	_connected.append(id)
	var at := _hole_punch.get_peer_address(id) # The node's ENet listens behind the game's port.
	if at.is_empty():
		at = [packet_peer.get_remote_address(), packet_peer.get_remote_port()]
	ScenarioEvents.emit("enet_connected", {"peer_id": id, "peer_address": at[0], "peer_port": at[1]})
	_ping.rpc_id(id, _options.get("alias", "player"))


func _on_connected_to_server() -> void:
	_enet_client.connected = true
	ScenarioEvents.emit("enet_connected", {"peer_id": 1})
	if _managed:
		return
	_enet_client.wait_for_host() # Now waiting for the host's side of the handshake.
	# The client pings once the host pinged: sent earlier, a reliable packet the host rejects
	# (its side of the handshake still pending) waits out ENet's doubling resend timer.


@rpc("any_peer", "reliable")
func _ping(from_alias: String) -> void:
	var sender := multiplayer.get_remote_sender_id()
	ScenarioEvents.emit("rpc_ping", {"from": from_alias, "peer_id": sender})
	_pong.rpc_id(sender, _options.get("alias", "player"))
	if not _is_server and not _host_heard and sender == 1:
		_host_heard = true
		if _options.get("until", "rpc") == "connected":
			_finished = true
			ScenarioEvents.emit("done", {"ok": true})
			_quit(0)
			return
		_ping.rpc_id(1, _options.get("alias", "player"))
	if not _pings_answered.has(sender):
		_pings_answered.append(sender)
	_check_done()


@rpc("any_peer", "reliable")
func _pong(from_alias: String) -> void:
	var sender := multiplayer.get_remote_sender_id()
	ScenarioEvents.emit("rpc_pong", {"from": from_alias, "peer_id": sender})
	if not _pongs_from.has(sender):
		_pongs_from.append(sender)
	_check_done()


func _check_done() -> void:
	var needed := _expected_peers + _late_peers if _is_server else 1 + _others
	if _finished or _pongs_from.size() < needed or _pings_answered.size() < needed:
		return
	_finished = true
	ScenarioEvents.emit("players", {"players": _hole_punch.get_players()})
	ScenarioEvents.emit("done", {"ok": true})
	if _is_server and _options.get("leave-on") == "done":
		# A second for the clients' last answers to arrive: they are done too when the host goes.
		get_tree().create_timer(1.0).timeout.connect(_leave_as_host)
		return
	if not _is_server and _options.has("stay"):
		return # In the game until the host leaves.
	# A client is done once the host answered and it answered the host: it disconnects once its
	# queued reliable packets (its last pong) are delivered, which tells the host it may go.
	if _is_server:
		# The host's last pong may still be crossing a lossy path: ENet resends it until the client
		# has it and disconnects, so the host waits for that (or for the overall timeout).
		if _disconnected >= _expected_peers + _late_peers:
			_quit(0)
		return
	(multiplayer.multiplayer_peer as ENetMultiplayerPeer).get_peer(1).peer_disconnect_later()
	await get_tree().create_timer(15.0).timeout
	_quit(0)


func _on_server_disconnected() -> void:
	ScenarioEvents.emit("enet_disconnected", {"peer_id": 1})
	if _finished and not _options.has("stay"):
		_quit(0)


func _on_peer_disconnected(id: int) -> void:
	if _is_server:
		ScenarioEvents.emit("enet_disconnected", {"peer_id": id})
	if not _pongs_from.has(id):
		return # A connection a client abandoned for a fresh attempt.
	_disconnected += 1
	if _is_server and _finished and _disconnected >= _expected_peers + _late_peers:
		_quit(0)


func _on_timeout() -> void:
	if _finished and _is_server:
		ScenarioEvents.emit("linger_timeout") # Done; a client that missed its pong fails on its own timeout.
		_quit(0)
		return
	_fail("timeout", {"phase": HolePunch.Phase.keys()[_hole_punch.phase]}, 2)


func _fail(event: String, data := {}, code := 3) -> void:
	ScenarioEvents.emit(event, data)
	_quit(code)


func _quit(code: int) -> void:
	if multiplayer.multiplayer_peer != null:
		multiplayer.multiplayer_peer.close()
		multiplayer.multiplayer_peer = null
	get_tree().quit(code)
