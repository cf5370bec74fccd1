extends GutTest
## HolePunchGamePeer: the ENet side a HolePunch node can own, on loopback. Each side has its own
## MultiplayerAPI, as two games would.

const Ports := preload("res://test/ports.gd")
const HolePunchGamePeer := preload("res://addons/simple_hole_punch/game/hole_punch_game_peer.gd")
const HolePunchPeer := preload("res://addons/simple_hole_punch/players/hole_punch_peer.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const HolePunchRelayLink := preload("res://addons/simple_hole_punch/traversal/hole_punch_relay_link.gd")
const HolePunchRoster := preload("res://addons/simple_hole_punch/game/hole_punch_roster.gd")

var _host: HolePunch
var _client: HolePunch
var _host_peer: HolePunchGamePeer
var _client_peer: HolePunchGamePeer


func before_each() -> void:
	_host = _side("Host")
	_client = _side("Client")
	_host_peer = _host._session._game
	_client_peer = _client._session._game
	watch_signals(_host_peer)
	watch_signals(_client_peer)


func after_each() -> void:
	for side: HolePunch in [_host, _client]:
		if side.multiplayer.multiplayer_peer != null:
			side.multiplayer.multiplayer_peer.close()
		get_tree().set_multiplayer(null, side.get_path())


func _side(side_name: String) -> HolePunch:
	var node := HolePunch.new()
	node.name = side_name
	node.manage_game_peer = true
	add_child_autofree(node)
	get_tree().set_multiplayer(SceneMultiplayer.new(), node.get_path())
	return node


func test_host_gets_a_listening_server_at_once() -> void:
	var port := Ports.free_port()
	_host.start_server.emit(port)
	assert_eq(get_signal_emit_count(_host_peer, "connected"), 1, "connected on start_server")
	var peer: MultiplayerPeer = get_signal_parameters(_host_peer, "connected")[0]
	assert_eq(peer, _host.multiplayer.multiplayer_peer, "set on the node's MultiplayerAPI")
	assert_true(_host.multiplayer.is_server(), "a server")


## The handover as the node makes it: each side expects the other at its punched address.
func _hand_over(port: int, local_port: int) -> void:
	_host._session._game.expect([_punched(HolePunchProtocol.encode_key("127.0.0.1", local_port))])
	_client._session._game.expect([_punched(HolePunchProtocol.encode_key("127.0.0.1", port))])


func test_client_connects_and_both_sides_know_each_other() -> void:
	var port := Ports.free_port()
	var local_port := Ports.free_port()
	_hand_over(port, local_port)
	_host.start_server.emit(port)
	_client.start_client.emit("127.0.0.1", port, local_port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(_client_peer, "connected") == 1, 5.0), "client connected")
	assert_true(await wait_until(func() -> bool: return _host.multiplayer.get_peers().size() == 1, 2.0), "host sees the client")
	assert_eq(_client.multiplayer.get_peers(), PackedInt32Array([1]), "client sees the host")
	assert_eq(_client._session._game.link.remote(), ["127.0.0.1", port], "to the handed-over port")
	assert_signal_not_emitted(_client_peer, "failed")


func test_each_punched_key_maps_to_its_enet_peer_id() -> void:
	# Given a handover: the host punched the client at its port, the client punched the host
	var port := Ports.free_port()
	var local_port := Ports.free_port()
	var client_key := HolePunchProtocol.encode_key("127.0.0.1", local_port)
	var host_key := HolePunchProtocol.encode_key("127.0.0.1", port)
	_host._session._game.expect([_punched(client_key)])
	_client._session._game.expect([_punched(host_key)])
	assert_eq(_host.get_peer_id(client_key), 0, "not before it connects")
	# When ENet connects
	_host.start_server.emit(port)
	_client.start_client.emit("127.0.0.1", port, local_port)
	assert_true(await wait_until(func() -> bool: return _host.get_peer_id(client_key) != 0, 5.0), "the host knows the client's id")
	# Then each side names the other's ENet peer by its key
	assert_true(await wait_until(func() -> bool: return _client.multiplayer.get_unique_id() > 1, 2.0), "the client has its id")
	assert_eq(_host.get_peer_id(client_key), _client.multiplayer.get_unique_id(), "the client's id")
	assert_true(await wait_until(func() -> bool: return _client.get_peer_id(host_key) == 1, 2.0), "the host is 1 once it let the client in")


static func _punched(key: String) -> HolePunchPeer:
	var peer := HolePunchPeer.new(key, key, false, HolePunchRelayLink.new(0.1, 1.0), 0.0)
	peer.path = "public"
	return peer


func test_client_retries_until_the_host_listens() -> void:
	# Given a handover whose host server starts late (its first connect packets are lost)
	_client.game_retry_interval = 0.3
	var port := Ports.free_port()
	var local_port := Ports.free_port()
	_hand_over(port, local_port)
	_client.start_client.emit("127.0.0.1", port, local_port)
	await wait_seconds(1.0)
	assert_signal_not_emitted(_client_peer, "connected", "nobody listens yet")
	# When the host's server starts, a fresh attempt finds it
	_host.start_server.emit(port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(_client_peer, "connected") == 1, 6.0), "connected after retrying")
	assert_true(await wait_until(func() -> bool: return _host.multiplayer.get_peers().size() >= 1, 2.0), "host sees the client")


func test_a_client_at_an_address_nobody_was_punched_at_gets_no_answer() -> void:
	# Given a host that punched one player, and a client connecting from another port
	var port := Ports.free_port()
	_host._session._game.expect([_punched(HolePunchProtocol.encode_key("127.0.0.1", Ports.free_port()))])
	_host.start_server.emit(port)
	watch_signals(_host.multiplayer)
	_client.game_retry_interval = 0.3
	_client.game_connect_timeout = 1.5
	_client.start_client.emit("127.0.0.1", port, Ports.free_port())
	# Then the host's port drops its requests unanswered: it gives up, and never became a peer
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(_client_peer, "failed") == 1, 5.0), "gave up")
	assert_signal_emitted_with_parameters(_client_peer, "failed", [ERR_TIMEOUT])
	assert_signal_not_emitted(_client_peer, "connected")
	assert_signal_not_emitted(_host.multiplayer, "peer_connected", "not in the game")
	assert_true(_host_peer.gate.dropped > 0, "dropped at the game's port")


func test_a_client_counts_as_connected_only_once_the_host_welcomes_it_with_the_list() -> void:
	# Given a host of another kind: it completes its side for every client, but welcomes nobody with
	# the player list until told to
	var port := Ports.free_port()
	var local_port := Ports.free_port()
	_client._session._game.expect([_punched(HolePunchProtocol.encode_key("127.0.0.1", port))])
	_client.game_retry_interval = 0.3
	var other := Node.new()
	other.name = "Other"
	add_child_autofree(other)
	var api := SceneMultiplayer.new()
	get_tree().set_multiplayer(api, other.get_path())
	var lists := [false]
	var welcomed := [0]
	api.auth_callback = func(id: int, _data: PackedByteArray) -> void:
		if lists[0]:
			api.send_auth(id, HolePunchRoster.ROSTER.to_ascii_buffer())
		api.complete_auth(id)
	api.peer_authenticating.connect(func(_id: int) -> void: welcomed[0] += 1)
	var server := ENetMultiplayerPeer.new()
	server.create_server(port)
	api.multiplayer_peer = server
	# When the host completes, but never lists the client
	_client.start_client.emit("127.0.0.1", port, local_port)
	await wait_seconds(1.5)
	# Then it does not count as connected, and starts afresh
	assert_signal_not_emitted(_client_peer, "connected", "completed is not welcomed")
	assert_true(welcomed[0] >= 2, "fresh attempts: %d" % welcomed[0])
	# And once the host lists it, it is connected
	lists[0] = true
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(_client_peer, "connected") == 1, 3.0), "connected once listed")
	assert_eq(_client.get_peer_id(HolePunchProtocol.encode_key("127.0.0.1", port)), 1, "the host is 1")
	server.close()
	api.auth_callback = Callable()
	for sig: Signal in [api.peer_authenticating, api.peer_connected]: # Their handlers hold the api.
		for connection: Dictionary in sig.get_connections():
			sig.disconnect(connection.callable)
	get_tree().set_multiplayer(null, other.get_path())


func test_a_fresh_attempt_drops_the_abandoned_connection_at_once() -> void:
	# Given a client whose first connection to the host was abandoned without a word (its
	# disconnect lost): the host still holds it, and would resend to the client's port
	var port := Ports.free_port()
	var local_port := Ports.free_port()
	_hand_over(port, local_port)
	_host.start_server.emit(port)
	var abandoned := ENetMultiplayerPeer.new()
	abandoned.create_client("127.0.0.1", port, 0, 0, 0, local_port)
	var connected_at_host := func() -> Array:
		return _host._session._game.peer.get_host().get_peers().filter(func(p: ENetPacketPeer) -> bool: return p.get_state() == ENetPacketPeer.STATE_CONNECTED)
	assert_true(await wait_until(func() -> bool:
		abandoned.poll()
		return connected_at_host.call().size() == 1, 2.0), "the first connection")
	var old: ENetPacketPeer = connected_at_host.call()[0]
	abandoned.get_peer(1).reset() # Gone without a word.
	abandoned.close()
	# When the client connects afresh from the same port
	_client.start_client.emit("127.0.0.1", port, local_port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(_client_peer, "connected") == 1, 5.0), "connected")
	# Then the host dropped the old connection as soon as the new one came, not after ENet's timeout
	assert_eq(old.get_state(), ENetPacketPeer.STATE_DISCONNECTED, "the old connection is gone")
	assert_eq(connected_at_host.call().size(), 1, "one connection")


func test_client_gives_up_after_connect_timeout() -> void:
	_client.game_retry_interval = 0.2
	_client.game_connect_timeout = 0.7
	_client.start_client.emit("127.0.0.1", Ports.free_port(), Ports.free_port())
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(_client_peer, "failed") == 1, 3.0), "failed")
	assert_signal_emitted_with_parameters(_client_peer, "failed", [ERR_TIMEOUT])
	assert_signal_not_emitted(_client_peer, "connected")


func test_left_alone_when_the_game_starts_enet_itself() -> void:
	_host.manage_game_peer = false
	_host.start_server.emit(Ports.free_port())
	assert_signal_not_emitted(_host_peer, "connected")
	assert_eq(_host.multiplayer.multiplayer_peer is OfflineMultiplayerPeer, true, "untouched")


func test_server_port_in_use_fails_with_an_error() -> void:
	var busy := PacketPeerUDP.new()
	busy.bind(0, "*")
	_host.start_server.emit(busy.get_local_port())
	assert_signal_emitted_with_parameters(_host_peer, "failed", [ERR_CANT_CREATE])
	assert_signal_not_emitted(_host_peer, "connected")
	busy.close()
