class_name HolePunchGamePeer
extends RefCounted
## The game's side after the punch, for games that let a [HolePunch] node start ENet for them.
##
## On [signal HolePunchBase.start_server] it creates the [ENetMultiplayerPeer] server on the
## punched port; on [signal HolePunchBase.start_client] it connects the client, directly or to
## the relay, exactly where the handover said. Each attempt is set on the node's
## [MultiplayerAPI], whose [signal MultiplayerAPI.connected_to_server] comes only once the host's
## first packet arrived (its side of the handshake). A lossy path can leave a client connected in
## ENet's eyes while the host, whose answer was lost, gives up on it; so a fresh attempt starts
## every [member retry_interval] seconds until the host is heard, and at once when one fails.
## [signal connected] hands the game the connected peer; [signal failed] says why not. It acts
## only when the node's [member HolePunch.manage_game_peer] is on, and takes its timers from the
## node's settings. It also maps each punched player's key to its ENet peer id, by the address
## the host's ENet sees it at (the path it punched, or the relay).

## The game's peer is ready: a listening server, or a client the host answered.
signal connected(peer: MultiplayerPeer)
## No connected peer: [param error] is ENet's error ([constant ERR_CANT_CREATE] when the port
## cannot be bound), or [constant ERR_TIMEOUT] when the host was not heard within
## [member connect_timeout].
signal failed(error: Error)

## Seconds between fresh connect attempts until the host is heard.
var retry_interval := 2.0
## Seconds a client keeps trying before [signal failed] with [constant ERR_TIMEOUT].
var connect_timeout := 30.0
## Most clients the game server accepts.
var max_clients := 32
## The peer being connected, or the connected one (null before the handover).
var peer: ENetMultiplayerPeer
var _node: Node
## "ip:port" -> public key of each punched player, from the handover; and key -> ENet peer id.
var _endpoints := {}
## Late joiners (keys): the host learns of them when their ENet peer connects.
var _late := {}
var _ids := {}
var _target := []
var _attempt := 0
var _deadline := 0.0


## Follows the handover signals of [param node] (a [HolePunch]).
func _init(node: Node) -> void:
	_node = node
	node.start_server.connect(_on_start_server)
	node.start_client.connect(_on_start_client)


## Takes the punched [param peers] ([HolePunchPeer]s) whose ENet ids to learn, at the handover.
func expect(peers: Array[HolePunchPeer]) -> void:
	_endpoints.clear()
	_ids.clear()
	_late.clear()
	for punched in peers:
		if punched.path != "":
			_endpoints["%s:%d" % punched.endpoint()] = punched.public_key


## Host: a late joiner [param joiner] may connect from its public or its LAN address.
func add_endpoints(key: String, joiner: HolePunchPeer) -> void:
	_late[key] = true
	_endpoints["%s:%d" % [joiner.public_ip, joiner.public_port]] = key
	if joiner.probe_lan:
		_endpoints["%s:%d" % [joiner.lan_ip, joiner.lan_port]] = key


## Host: a late joiner [param key] may connect through the relay at [param ip]:[param port].
func add_relay(key: String, ip: String, port: int) -> void:
	_endpoints["%s:%d" % [ip, port]] = key


## The ENet peer id of the player with public key [param key], or 0 while not connected.
func peer_id(key: String) -> int:
	return _ids.get(key, 0)


## Stops trying (the node left its session, or the game took over).
func stop() -> void:
	_attempt += 1
	_listen(false)
	_target = []


func _on_start_server(port: int) -> void:
	if not _managed():
		return
	stop()
	peer = ENetMultiplayerPeer.new()
	var err := peer.create_server(port, max_clients)
	if err != OK:
		peer = null
		failed.emit(err)
		return
	_node.multiplayer.multiplayer_peer = peer
	peer.peer_connected.connect(_on_peer_connected)
	connected.emit(peer)


func _on_start_client(ip: String, port: int, local_port: int) -> void:
	if not _managed():
		return
	stop()
	_target = [ip, port, local_port]
	retry_interval = _node.game_retry_interval
	connect_timeout = _node.game_connect_timeout
	_deadline = _now() + connect_timeout
	_listen(true)
	_try()


## Starts a fresh attempt, dropping the one before.
func _try() -> void:
	if _target.is_empty() or not is_instance_valid(_node):
		return
	if _now() >= _deadline:
		_give_up(ERR_TIMEOUT)
		return
	_attempt += 1
	var attempt := _attempt
	if peer != null:
		peer.close()
	peer = ENetMultiplayerPeer.new()
	var err := peer.create_client(_target[0], _target[1], 0, 0, 0, _target[2])
	if err != OK:
		_give_up(err)
		return
	_node.multiplayer.multiplayer_peer = peer
	_node.get_tree().create_timer(retry_interval).timeout.connect(func() -> void:
		if attempt == _attempt:
			_try())


func _give_up(err: Error) -> void:
	stop()
	if peer != null:
		peer.close()
	peer = null
	failed.emit(err)


func _on_connected_to_server() -> void:
	if _target.is_empty():
		return
	stop()
	for key: String in _endpoints.values():
		_ids[key] = 1 # A client's only punched peer is the host.
	connected.emit(peer)


func _on_connection_failed() -> void:
	if not _target.is_empty():
		_try.call_deferred() # Often a late answer to an abandoned attempt: try again at once.


## Host: names a new ENet peer by the address it connected from.
func _on_peer_connected(id: int) -> void:
	var remote := peer.get_peer(id)
	var key: String = _endpoints.get("%s:%d" % [remote.get_remote_address(), remote.get_remote_port()], "")
	if key != "" and not _ids.has(key):
		_ids[key] = id
		if _late.has(key):
			_node.player_joined.emit(key, "")


func _managed() -> bool:
	return _node.get("manage_game_peer") == true


func _listen(on: bool) -> void:
	var api := _node.multiplayer
	var pairs := [[api.connected_to_server, _on_connected_to_server], [api.connection_failed, _on_connection_failed]]
	for pair: Array in pairs:
		var sig: Signal = pair[0]
		if on and not sig.is_connected(pair[1]):
			sig.connect(pair[1])
		elif not on and sig.is_connected(pair[1]):
			sig.disconnect(pair[1])


static func _now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0
