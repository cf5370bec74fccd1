extends Control
## A small lobby to try the addon by hand: host, join by code or pair at random, then play ping.

var _hole_punch := HolePunch.new()
var _server_key := LineEdit.new()
var _alias := LineEdit.new()
var _session := LineEdit.new()
var _status := Label.new()


func _ready() -> void:
	set_anchors_preset(Control.PRESET_FULL_RECT)
	add_child(_hole_punch)
	var box := VBoxContainer.new()
	box.position = Vector2(24, 24)
	box.custom_minimum_size = Vector2(420, 0)
	add_child(box)
	_server_key.placeholder_text = "server key (printed by the server)"
	_alias.placeholder_text = "your name"
	_session.placeholder_text = "session code (to join)"
	for field: LineEdit in [_server_key, _alias, _session]:
		box.add_child(field)
	for action: Array in [["Host", _host], ["Join", _join], ["Random", _random], ["Close session", _hole_punch.close_session]]:
		var button := Button.new()
		button.text = action[0]
		button.pressed.connect(action[1])
		box.add_child(button)
	box.add_child(_status)
	_hole_punch.start_session.connect(func(key: String) -> void:
		_session.text = key
		_say("Session %s: waiting for players" % key))
	_hole_punch.new_name.connect(func(peer_name: String) -> void: _say("%s is here" % peer_name))
	_hole_punch.bad_session.connect(func(key: String) -> void: _say("No session %s" % key))
	_hole_punch.bad_server.connect(func(key: String) -> void: _say("Server %s does not answer" % key))
	_hole_punch.punch_failed.connect(func(key: String) -> void: _say("Could not reach %s" % key))
	_hole_punch.start_random.connect(func() -> void: _say("Paired with a stranger"))
	_hole_punch.start_server.connect(func(port: int) -> void:
		var peer := ENetMultiplayerPeer.new()
		peer.create_server(port)
		multiplayer.multiplayer_peer = peer
		_say("Game server on port %d" % port))
	_hole_punch.start_client.connect(func(ip: String, port: int, local_port: int) -> void:
		var peer := ENetMultiplayerPeer.new()
		peer.create_client(ip, port, 0, 0, 0, local_port)
		multiplayer.multiplayer_peer = peer
		_say("Connecting to %s:%d" % [ip, port]))
	multiplayer.peer_connected.connect(func(id: int) -> void: _say("Player %d connected" % id))


func _host() -> void:
	_hole_punch.host_session(_server_key.text.strip_edges(), _alias.text.strip_edges())


func _join() -> void:
	_hole_punch.join_session(_session.text.strip_edges(), _alias.text.strip_edges())


func _random() -> void:
	_hole_punch.random_session(_server_key.text.strip_edges(), _alias.text.strip_edges())


func _say(text: String) -> void:
	_status.text = text
