extends Control
## A lobby to click through: host, join by code (with a password if the host set one) or pair at
## random; every player with its path and ping, on the host and on each client; host-only controls
## (start the game, remove a player, a player cap, a password); every failure shown in red. The node
## starts ENet itself and keeps the session open, so players can also join a game that already
## started: the password and the cap apply to them too.

## Red for failures.
const ERROR_COLOR := Color(1.0, 0.35, 0.3)
## Seconds between pings to every other player once in the game.
const PING_INTERVAL := 1.0

var hole_punch := HolePunch.new()
var _server_key := LineEdit.new()
var _alias := LineEdit.new()
var _code := LineEdit.new()
var _password := LineEdit.new()
var _cap := SpinBox.new()
var _status := Label.new()
var _error := Label.new()
var _players := VBoxContainer.new()
var _host_controls := HBoxContainer.new()
var _is_host := false
## Public key -> {"alias": String, "path": String}; pings by ENet peer id, in milliseconds.
var _rows := {}
var _payloads := {}
var _pings := {}


func _ready() -> void:
	set_anchors_preset(Control.PRESET_FULL_RECT)
	hole_punch.manage_game_peer = true
	hole_punch.keep_open = true
	add_child(hole_punch)
	_build()
	hole_punch.start_session.connect(_on_start_session)
	hole_punch.player_joined.connect(_on_player_joined)
	hole_punch.player_left.connect(_on_player_left)
	hole_punch.player_payload.connect(_on_player_payload)
	hole_punch.peer_path.connect(_on_peer_path)
	hole_punch.failed.connect(_on_failed)
	hole_punch.start_random.connect(func() -> void: _say("Paired with a stranger"))
	hole_punch.game_connected.connect(_on_game_connected)
	multiplayer.peer_connected.connect(func(_id: int) -> void: _refresh())
	multiplayer.peer_disconnected.connect(func(id: int) -> void:
		_pings.erase(id)
		_refresh())
	var timer := Timer.new()
	timer.wait_time = PING_INTERVAL
	timer.timeout.connect(_ping_everyone)
	add_child(timer)
	timer.start()


func _build() -> void:
	var box := VBoxContainer.new()
	box.position = Vector2(24, 24)
	box.custom_minimum_size = Vector2(520, 0)
	add_child(box)
	var title := Label.new()
	title.text = "simple-hole-punch lobby"
	title.add_theme_font_size_override("font_size", 22)
	box.add_child(title)
	_server_key.placeholder_text = "server key (printed by the server)"
	_alias.placeholder_text = "your name"
	_code.placeholder_text = "session code (to join)"
	_password.placeholder_text = "password (optional)"
	for field: LineEdit in [_server_key, _alias, _code, _password]:
		box.add_child(field)
	var actions := HBoxContainer.new()
	box.add_child(actions)
	for action: Array in [["Host", _host], ["Join", _join], ["Random", _random], ["Leave", _leave]]:
		actions.add_child(_button(action[0], action[1]))
	_cap.min_value = 0
	_cap.max_value = 32
	_cap.prefix = "cap"
	_cap.custom_minimum_size = Vector2(110, 0)
	_cap.tooltip_text = "0: no cap"
	_host_controls.add_child(_cap)
	_host_controls.add_child(_button("Start game", _start_game))
	_host_controls.add_child(_button("Stop taking players", func() -> void: hole_punch.close_session()))
	_host_controls.visible = false
	box.add_child(_host_controls)
	_status.text = "Enter the server key and your name, then host or join."
	box.add_child(_status)
	_error.add_theme_color_override("font_color", ERROR_COLOR)
	_error.autowrap_mode = TextServer.AUTOWRAP_WORD_SMART
	box.add_child(_error)
	var heading := Label.new()
	heading.text = "Players"
	box.add_child(heading)
	box.add_child(_players)


func _button(text: String, action: Callable) -> Button:
	var button := Button.new()
	button.text = text
	button.pressed.connect(action)
	return button


func _host() -> void:
	hole_punch.max_players = int(_cap.value)
	_begin(true, hole_punch.host_session(_server_key.text.strip_edges(), _alias.text.strip_edges()))


func _join() -> void:
	hole_punch.join_payload = _password.text
	_begin(false, hole_punch.join_session(_code.text, _alias.text.strip_edges()))


func _random() -> void:
	_begin(false, hole_punch.random_session(_server_key.text.strip_edges(), _alias.text.strip_edges()))


func _leave() -> void:
	hole_punch.leave()
	if multiplayer.multiplayer_peer != null:
		multiplayer.multiplayer_peer.close()
	_is_host = false
	_rows.clear()
	_refresh()
	_say("Left.")


## Host: start the game with the players in, refusing those without the password.
func _start_game() -> void:
	if _password.text != "":
		for key: String in _rows.keys():
			if _payloads.get(key, "") != _password.text:
				hole_punch.refuse_player(key, "wrong password")
	hole_punch.close_session()


func _begin(as_host: bool, err: Error) -> void:
	_error.text = "" if err == OK else _error.text
	if err == OK:
		_is_host = as_host
		_rows.clear()
		_payloads.clear()
		_say("Asking the server...")
	_refresh()


func _on_start_session(code: String) -> void:
	_code.text = code
	_say(("Share this code: %s" if _is_host else "Joined %s: punching to the host...") % code)


func _on_player_joined(key: String, alias: String) -> void:
	_rows[key] = {"alias": alias, "path": hole_punch.get_players().get(key, {}).get("path", "")}
	_refresh()


## Host: a player joining the running game must bring the password (before it enters the game).
func _on_player_payload(key: String, payload: String) -> void:
	_payloads[key] = payload
	if _is_host and hole_punch.phase == HolePunch.Phase.DONE and _password.text != "" and payload != _password.text:
		hole_punch.refuse_player(key, "wrong password")


func _on_player_left(key: String, alias: String, reason: String) -> void:
	_rows.erase(key)
	_say("%s left (%s)" % [alias, reason])
	_refresh()


func _on_peer_path(key: String, path: String) -> void:
	if _rows.has(key):
		_rows[key].path = path
	_refresh()


func _on_failed(reason: HolePunch.Failure, detail: String) -> void:
	_error.text = "%s: %s" % [HolePunch.Failure.keys()[reason].capitalize(), detail]


func _on_game_connected(_peer: MultiplayerPeer) -> void:
	_say("In the game as peer %d%s" % [multiplayer.get_unique_id(), " (still taking players)" if _is_host else ""])
	_refresh()


func _ping_everyone() -> void:
	if multiplayer.multiplayer_peer is ENetMultiplayerPeer and multiplayer.multiplayer_peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED:
		for id in multiplayer.get_peers():
			_ping.rpc_id(id, Time.get_ticks_msec())


@rpc("any_peer", "unreliable")
func _ping(sent_msec: int) -> void:
	_pong.rpc_id(multiplayer.get_remote_sender_id(), sent_msec)


@rpc("any_peer", "unreliable")
func _pong(sent_msec: int) -> void:
	_pings[multiplayer.get_remote_sender_id()] = Time.get_ticks_msec() - sent_msec
	_refresh()


## Rebuilds the player list: alias, path (to the host, for another client), ping, and for the
## host a button to remove the player.
func _refresh() -> void:
	_host_controls.visible = _is_host
	for child in _players.get_children():
		child.queue_free()
	var known := hole_punch.get_players()
	for key: String in _rows:
		var row := HBoxContainer.new()
		var label := Label.new()
		var id := hole_punch.get_peer_id(key)
		var ping := "%d ms" % _pings[id] if _pings.has(id) else "-"
		var path: String = known.get(key, _rows[key]).get("path", "")
		label.text = "%s  ·  %s  ·  ping %s" % [_rows[key].alias, path if path != "" else "punching", ping]
		label.custom_minimum_size = Vector2(380, 0)
		row.add_child(label)
		if _is_host:
			row.add_child(_button("Remove", func() -> void: hole_punch.refuse_player(key, "removed by the host")))
		_players.add_child(row)


func _say(text: String) -> void:
	_status.text = text
