extends "res://test/game/enet_link_case.gd"
## A player's fresh attempt must hear nothing of the host's side of the attempt it replaced, on
## loopback with real ENet on both sides. ENet names the host's connection to a client by the
## client's slot (0 for a fresh client) and a session that starts at 0 in every fresh slot of the
## host: the two attempts of one player, at one address, look alike to the client, so whatever the
## host's side of the old one still sends (a resend, a ping, its goodbye) reaches the new one.

const HolePunchEnetWire := preload("res://addons/simple_hole_punch/game/hole_punch_enet_wire.gd")

## A link that each attempt's ENet connects to from a port of its own: only the [member current]
## one's datagrams go on. While [member requests_only], only its connect requests reach the host
## (its other datagrams are lost on the way).
class Link extends "res://test/game/enet_link.gd":
	var current := 0
	var requests_only := false

	func _to_host(data: PackedByteArray, from: int) -> bool:
		return from == current and (not requests_only or HolePunchEnetWire.connect_id(data) >= 0)

	func _player_port() -> int:
		return current

var _link: Link
var _attempts: Array[ENetMultiplayerPeer] = []


func after_each() -> void:
	for enet in _attempts:
		enet.close()
	_attempts.clear()
	super()


func _pump() -> void:
	super()
	for enet in _attempts:
		if enet.get_connection_status() != MultiplayerPeer.CONNECTION_DISCONNECTED:
			enet.poll()


## A new attempt of the player: an ENet client of its own through the link, the one that goes on.
func attempt() -> ENetMultiplayerPeer:
	var enet := ENetMultiplayerPeer.new()
	var local := Ports.free_port()
	enet.create_client("127.0.0.1", _link.inner.get_local_port(), 0, 0, 0, local)
	_attempts.append(enet)
	_link.current = local
	return enet


func test_a_fresh_attempt_hears_nothing_of_the_host_side_of_the_one_it_replaced() -> void:
	# Given a host that lets an attempt say who it is for 1 s, and a player's first attempt,
	# connected both ways and being let in
	host.game_connect_timeout = 1.0
	var punched := Ports.free_port()
	_link = Link.new(punched, port)
	open_link(_link)
	host._session._game.expect([punched_peer(key_of(punched), HolePunchAlias.encode("kim"))])
	host.start_server.emit(port)
	watch_signals(host.multiplayer)
	var first := attempt()
	assert_true(await wait_until(func() -> bool: return first.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED and get_signal_emit_count(host.multiplayer, "peer_authenticating") == 1, 3.0), "the first attempt connected")
	# When the player starts afresh, its first attempt gone without a word, and the host's answer to
	# the fresh one is heard while the fresh one's own datagrams past its request are lost, so the
	# host's side of the first one lives on until the host gives up on it
	_link.requests_only = true
	var fresh := attempt()
	watch_signals(fresh)
	assert_true(await wait_until(func() -> bool: return fresh.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED, 3.0), "the fresh attempt connected")
	# Then the fresh attempt stays connected: the host's goodbye to the first one does not end it
	await wait_seconds(2.0)
	assert_signal_not_emitted(fresh, "peer_disconnected", "the fresh attempt ended by the host's goodbye to the first")
	assert_eq(fresh.get_connection_status(), MultiplayerPeer.CONNECTION_CONNECTED, "the fresh attempt's status")
	assert_eq(host._session._game.gate.replaced, 1, "connections the gate ended for the fresh attempt")
