extends "res://test/game_case.gd"
## The host's welcome reaches a player whole or not at all, on loopback with real ENet on both
## sides. ENet sends each packet of the game in a datagram of its own, and a reliable one waits for
## those before it: were the host's list of players and the end of its authentication to travel
## apart, a loss could leave the player welcomed (its side complete, so no fresh attempt) but not let
## in, while ENet's resend timer doubles through a lossy path for tens of seconds.

## The player's path to the host's game, on loopback: the host sees the player at [member outer],
## the address it was punched at; the player's ENet connects to [member inner]. It keeps what the
## host sent ([member heard]).
class Link:
	var outer := PacketPeerUDP.new()
	var inner := PacketPeerUDP.new()
	var host_port := 0
	var player_port := 0
	var heard: Array[PackedByteArray] = []

	func _init(punched_port: int, game_port: int) -> void:
		outer.bind(punched_port, "127.0.0.1")
		inner.bind(0, "127.0.0.1")
		host_port = game_port

	func pump() -> void:
		while inner.get_available_packet_count() > 0:
			var data := inner.get_packet()
			player_port = inner.get_packet_port()
			outer.set_dest_address("127.0.0.1", host_port)
			outer.put_packet(data)
		while outer.get_available_packet_count() > 0:
			var data := outer.get_packet()
			heard.append(data)
			if player_port > 0:
				inner.set_dest_address("127.0.0.1", player_port)
				inner.put_packet(data)

var _link: Link


func after_each() -> void:
	for sig: Signal in [get_tree().process_frame, get_tree().physics_frame]:
		if _link != null and sig.is_connected(_pump):
			sig.disconnect(_pump)
	if _link != null:
		_link.outer.close()
		_link.inner.close()
	_link = null
	super()


func _pump() -> void:
	_link.pump()


func test_the_list_of_players_and_the_end_of_the_authentication_come_in_one_datagram() -> void:
	# Given a host's game and a player punched where the link reaches the host from
	var punched := Ports.free_port()
	_link = Link.new(punched, port)
	for sig: Signal in [get_tree().process_frame, get_tree().physics_frame]:
		sig.connect(_pump)
	var player := side("Player", "kim")
	player._session._public_key = key_of(punched)
	host._session._game.expect([punched_peer(player._session._public_key, HolePunchAlias.encode("kim"))])
	host.start_server.emit(port)
	# When the player connects through the link and is let in
	player._session._game.expect([punched_peer(host._session._public_key, HolePunchAlias.encode("hana"))])
	player.start_client.emit("127.0.0.1", _link.inner.get_local_port(), player.get_meta("port"))
	assert_true(await connected(player), "the player was let in")
	# Then the datagram that first brought the list also brought the end of the host's authentication
	var lists := _link.heard.filter(func(data: PackedByteArray) -> bool: return _has(data, _auth("SHP-".to_ascii_buffer())))
	assert_gt(lists.size(), 0, "datagrams with the list of players")
	assert_true(not lists.is_empty() and _has(lists[0], PackedByteArray([0, 2]) + _auth(PackedByteArray())), "the list's datagram ends the authentication too")


## [SceneMultiplayer]'s authentication message with [param data] (empty: the end of it).
static func _auth(data: PackedByteArray) -> PackedByteArray:
	return PackedByteArray([7, 0]) + data


## Whether [param data] holds [param part].
static func _has(data: PackedByteArray, part: PackedByteArray) -> bool:
	return data.hex_encode().contains(part.hex_encode())
