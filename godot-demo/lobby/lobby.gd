extends Control
## A lobby to click through, then a tiny game. Host, join by code or pair at random; a password
## and a player cap that the node enforces on every path, before the game and for players who join
## it later (the node keeps the session open); every player with its path and ping, the host
## included, on the host and on each client; the code grouped and copyable; buttons that follow
## the phase; every failure in words, in red. After the start, one square per peer ([code]arena.gd[/code]),
## moved with the arrow keys, positions sent by RPC.

const Arena := preload("res://lobby/arena.gd")
const PlayerList := preload("res://lobby/player_list.gd")

## Red for failures.
const ERROR_COLOR := Color(1.0, 0.35, 0.3)
## Seconds between pings to every other player once in the game.
const PING_INTERVAL := 1.0

## Where the lobby is: nothing under way, a session being hosted or joined, the game running.
enum Stage { IDLE, SESSION, GAME }

var hole_punch := HolePunch.new()
var stage := Stage.IDLE
var _server_key := LineEdit.new()
var _alias := LineEdit.new()
var _code := LineEdit.new()
var _password := LineEdit.new()
var _cap := SpinBox.new()
var _form := GridContainer.new()
var _shared_code := LineEdit.new()
var _code_row := HBoxContainer.new()
var _buttons := {}
var _status := Label.new()
var _error := Label.new()
var _players: PlayerList
var _players_heading := Label.new()
var _arena: Arena
var _is_host := false
var _host_key := ""
var _taking_players := false
## Public key -> alias of every player (not this one); pings by ENet peer id, in milliseconds.
var _rows := {}
var _pings := {}


func _ready() -> void:
	set_anchors_preset(Control.PRESET_FULL_RECT)
	hole_punch.manage_game_peer = true
	hole_punch.keep_open = true
	add_child(hole_punch)
	_players = PlayerList.new(hole_punch)
	_build()
	hole_punch.start_session.connect(_on_start_session)
	hole_punch.player_joined.connect(_on_player_joined)
	hole_punch.player_left.connect(_on_player_left)
	hole_punch.player_refused.connect(func(_key: String, alias: String, reason: String) -> void:
		_say("Turned %s away: %s" % [alias, reason.replace("_", " ")]))
	hole_punch.peer_path.connect(func(_key: String, _path: String) -> void: _refresh())
	hole_punch.failed.connect(_on_failed)
	hole_punch.start_random.connect(func() -> void: _say("Paired with a stranger"))
	hole_punch.game_connected.connect(_on_game_connected)
	multiplayer.peer_connected.connect(func(id: int) -> void:
		_arena.add_peer(id)
		_refresh())
	multiplayer.peer_disconnected.connect(func(id: int) -> void:
		_pings.erase(id)
		_arena.remove_peer(id)
		_refresh())
	var timer := Timer.new()
	timer.wait_time = PING_INTERVAL
	timer.timeout.connect(_ping_everyone)
	add_child(timer)
	timer.start()
	_refresh()


func _build() -> void:
	var box := VBoxContainer.new()
	box.position = Vector2(24, 16)
	box.custom_minimum_size = Vector2(500, 0)
	add_child(box)
	var title := Label.new()
	title.text = "simple-hole-punch lobby"
	title.add_theme_font_size_override("font_size", 22)
	box.add_child(title)
	_form.columns = 2
	box.add_child(_form)
	_server_key.placeholder_text = "printed by the server"
	_code.placeholder_text = "the host's code, to join"
	_password.placeholder_text = "optional"
	_password.secret = true
	_cap.max_value = 32
	_cap.tooltip_text = "Players besides the host; 0: no cap"
	for field: Array in [["Server key", _server_key], ["Your name", _alias], ["Session code", _code], ["Password", _password], ["Player cap", _cap]]:
		var label := Label.new()
		label.text = field[0]
		label.custom_minimum_size = Vector2(120, 0)
		_form.add_child(label)
		(field[1] as Control).custom_minimum_size = Vector2(360, 0)
		_form.add_child(field[1])
	var actions := HBoxContainer.new()
	box.add_child(actions)
	for action: Array in [["Host", _host], ["Join", _join], ["Random", _random], ["Start game", _start_game], ["Stop taking players", _stop_taking_players], ["Leave", _leave]]:
		var button := _button(action[0], action[1])
		_buttons[action[0]] = button
		actions.add_child(button)
	var code_label := Label.new()
	code_label.text = "Code to share"
	_code_row.add_child(code_label)
	_shared_code.editable = false # Selectable and copyable still; the players paste it to join.
	_shared_code.add_theme_color_override("font_uneditable_color", Color.WHITE)
	_shared_code.add_theme_font_size_override("font_size", 18)
	_shared_code.custom_minimum_size = Vector2(260, 0)
	_code_row.add_child(_shared_code)
	_code_row.add_child(_button("Copy", func() -> void:
		DisplayServer.clipboard_set(_shared_code.text)
		_say("Code copied: paste it to the players")))
	box.add_child(_code_row)
	_status.autowrap_mode = TextServer.AUTOWRAP_WORD_SMART
	box.add_child(_status)
	_error.add_theme_color_override("font_color", ERROR_COLOR)
	_error.autowrap_mode = TextServer.AUTOWRAP_WORD_SMART
	box.add_child(_error)
	_players_heading.text = "Players"
	_players_heading.add_theme_font_size_override("font_size", 18)
	box.add_child(_players_heading)
	box.add_child(_players)
	_arena = Arena.new(_alias_of)
	_arena.name = "Arena" # The same path on every peer: the squares move by RPC.
	_arena.position = Vector2(560, 56)
	_arena.size = Vector2(560, 400)
	add_child(_arena)
	_status.text = "Enter the server key and your name, then host, or join with a code."


func _button(text: String, action: Callable) -> Button:
	var button := Button.new()
	button.text = text
	button.pressed.connect(action)
	return button


func _host() -> void:
	hole_punch.password = _password.text
	hole_punch.max_players = int(_cap.value)
	_begin(true, hole_punch.host_session(_server_key.text.strip_edges(), _alias.text.strip_edges()))


func _join() -> void:
	hole_punch.password = _password.text
	_begin(false, hole_punch.join_session(_code.text, _alias.text.strip_edges()))


func _random() -> void:
	_begin(false, hole_punch.random_session(_server_key.text.strip_edges(), _alias.text.strip_edges()))


## Host: start the game with the players in (the node already turned away a wrong password or a
## player too many); the session stays open for players who join later.
func _start_game() -> void:
	hole_punch.close_session()


## Host, in the game: no more players.
func _stop_taking_players() -> void:
	hole_punch.close_session()
	_taking_players = false
	_say("In the game; no longer taking players.")
	_refresh()


func _leave() -> void:
	hole_punch.leave()
	_end()
	_say("You left.")


func _begin(as_host: bool, err: Error) -> void:
	if err != OK:
		return # failed says why
	_error.text = ""
	_is_host = as_host
	_host_key = ""
	_taking_players = as_host
	stage = Stage.SESSION
	_say("Asking the server...")
	_refresh()


## Back to the start: no session, no game.
func _end() -> void:
	stage = Stage.IDLE
	_is_host = false
	_taking_players = false
	_rows.clear()
	_pings.clear()
	_arena.clear()
	_refresh()


func _on_start_session(code: String) -> void:
	_shared_code.text = grouped(code)
	_say("Waiting for players: share the code." if _is_host else "Joined %s: punching to the host..." % grouped(code))
	_refresh()


func _on_player_joined(key: String, alias: String) -> void:
	if not _is_host and _host_key == "":
		_host_key = key # A player hears the host first.
	_rows[key] = alias
	_refresh()


func _on_player_left(key: String, alias: String, reason: String) -> void:
	_rows.erase(key)
	_say("%s left (%s)" % [alias, reason])
	_refresh()


func _on_failed(reason: HolePunch.Failure, detail: String) -> void:
	_error.text = HolePunch.describe(reason, detail)
	_end()


func _on_game_connected(_peer: MultiplayerPeer) -> void:
	stage = Stage.GAME
	_arena.open()
	_say("In the game: move your square with the arrow keys." + (" Still taking players." if _is_host else ""))
	_refresh()


## [param code] in capitals, in groups of four: easy to read out; joining forgives both.
static func grouped(code: String) -> String:
	var groups: Array[String] = []
	for at in range(0, code.length(), 4):
		groups.append(code.substr(at, 4).to_upper())
	return "-".join(groups)


func _alias_of(id: int) -> String:
	if id == Arena.own_id(multiplayer):
		return _alias.text.strip_edges()
	for key: String in _rows:
		if hole_punch.get_peer_id(key) == id:
			return _rows[key]
	return "player %d" % id


func _ping_everyone() -> void:
	if stage == Stage.GAME and multiplayer.multiplayer_peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED:
		for id in multiplayer.get_peers():
			_ping.rpc_id(id, Time.get_ticks_msec())


@rpc("any_peer", "unreliable")
func _ping(sent_msec: int) -> void:
	_pong.rpc_id(multiplayer.get_remote_sender_id(), sent_msec)


@rpc("any_peer", "unreliable")
func _pong(sent_msec: int) -> void:
	_pings[multiplayer.get_remote_sender_id()] = Time.get_ticks_msec() - sent_msec
	_refresh()


## Shows what the stage allows, and rebuilds the player list ([code]player_list.gd[/code]).
func _refresh() -> void:
	for field: Control in [_server_key, _alias, _code, _password]:
		(field as LineEdit).editable = stage == Stage.IDLE
	_cap.editable = stage == Stage.IDLE
	var shown := {
		"Host": stage == Stage.IDLE, "Join": stage == Stage.IDLE, "Random": stage == Stage.IDLE,
		"Start game": _is_host and stage == Stage.SESSION,
		"Stop taking players": _is_host and stage == Stage.GAME and _taking_players,
		"Leave": stage != Stage.IDLE,
	}
	for text: String in shown:
		(_buttons[text] as Button).visible = shown[text]
	_code_row.visible = _is_host and _taking_players and _shared_code.text != ""
	_arena.visible = stage == Stage.GAME
	_players_heading.visible = stage != Stage.IDLE
	_arena.relabel()
	_players.show_players(stage == Stage.IDLE, [_alias.text.strip_edges(), _is_host], _rows, _host_key, _pings)


func _say(text: String) -> void:
	_status.text = text
