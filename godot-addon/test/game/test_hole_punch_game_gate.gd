extends "res://test/game_case.gd"
## The host's game port lets only the addresses its players were punched at reach ENet: a
## stranger's connect requests take no slot and get no answer, and players still come in.

const HolePunchGameGate := preload("res://addons/simple_hole_punch/game/hole_punch_game_gate.gd")

## Connect requests the stranger sends: more than ENet's 32 slots.
const FLOOD := 40


func test_a_flood_of_connect_requests_from_a_stranger_blocks_no_late_joiner() -> void:
	# Given a running game (kept open for late joiners) and a stranger who knows its port
	host.keep_open = true
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	var stranger := PacketPeerUDP.new()
	stranger.bind(0, "127.0.0.1")
	stranger.set_dest_address("127.0.0.1", port)
	# When the stranger sends ENet connect requests (each a new connection) from one socket
	for i in FLOOD:
		stranger.put_packet(connect_request(0x5000 + i))
	assert_true(await wait_until(func() -> bool: return host._session._game.gate.dropped >= FLOOD, 2.0), "the flood dropped at the gate")
	var heard: int = get_signal_emit_count(ann, "player_joined")
	# Then a late joiner comes in within seconds, as without the flood
	var started := Time.get_ticks_msec()
	var kim := late("Kim", "kim")
	assert_true(await connected(kim, 8.0), "kim in the game")
	print("  late joiner connected under a flood of %d connect requests in %d ms" % [FLOOD, Time.get_ticks_msec() - started])
	# And the stranger never became a peer, and the host sent it nothing
	assert_eq(host.multiplayer.get_peers().size(), 2, "ann and kim only")
	assert_eq(stranger.get_available_packet_count(), 0, "datagrams to the stranger")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "player_joined") > heard, 2.0), "ann hears of kim")
	assert_eq(get_signal_emit_count(ann, "player_joined"), heard + 1, "ann hears of kim only")
	stranger.close()


func test_an_address_a_player_was_punched_at_holds_one_half_open_slot_at_most() -> void:
	# Given a running game of three slots, and a late joiner's address that a hostile client
	# sends connect requests from, each a new connection it never completes
	var mallory := punched_stranger(3)
	for i in FLOOD:
		mallory.put_packet(connect_request(0x6000 + i))
		await get_tree().process_frame
	# Then each new connection freed the slot of the one before, and two late joiners still come in
	var gate: HolePunchGameGate = host._session._game.gate
	assert_eq(gate.freed, FLOOD - 1, "half-open slots freed")
	var kim := late("Kim", "kim")
	var lou := late("Lou", "lou")
	assert_true(await connected(kim, 3.0) and await connected(lou, 3.0), "kim and lou in the game")
	# And the last one's slot is freed after a few seconds
	assert_true(await wait_until(func() -> bool: return gate.freed == FLOOD, HolePunchGameGate.HALF_OPEN + 2.0), "the last one freed")
	mallory.close()


func test_a_burst_of_connect_requests_from_an_address_a_player_was_punched_at_takes_one_slot() -> void:
	# Given a running game of two slots, and a late joiner's address that sends a burst of requests
	var mallory := punched_stranger(2)
	for i in FLOOD:
		mallory.put_packet(connect_request(0x7000 + i))
	await wait_until(func() -> bool: return host._session._game.gate.dropped >= FLOOD - 1, 2.0)
	# Then only the first reached ENet, and a late joiner still comes in
	assert_eq(host._session._game.gate.dropped, FLOOD - 1, "the rest dropped")
	var kim := late("Kim", "kim")
	assert_true(await connected(kim, 3.0), "kim in the game")
	mallory.close()


func test_a_relayed_late_joiner_comes_in_from_the_relay_address() -> void:
	# Given a running game, and a late joiner the host expects through its relay
	host.keep_open = true
	start([])
	var relay := PacketPeerUDP.new()
	relay.bind(Ports.free_port(), "127.0.0.1")
	var kim := side("Kim", "kim")
	var kim_port: int = kim.get_meta("port")
	host._session._game.add_relay(kim._session._public_key, "127.0.0.1", relay.get_local_port())
	kim._session._game.expect([punched_peer(host._session._public_key, HolePunchAlias.encode("hana"))])
	# When its game connects to the relay, which forwards both ways
	kim.start_client.emit("127.0.0.1", relay.get_local_port(), kim_port)
	var forward := func() -> bool:
		while relay.get_available_packet_count() > 0:
			var data := relay.get_packet()
			relay.set_dest_address("127.0.0.1", port if relay.get_packet_port() == kim_port else kim_port)
			relay.put_packet(data)
		return get_signal_emit_count(kim, "game_connected") > 0 and host.get_peer_id(kim._session._public_key) != 0
	# Then it is in the game, at the relay's address
	assert_true(await wait_until(forward, 5.0), "kim in the game through the relay")
	var id := host.get_peer_id(kim._session._public_key)
	assert_eq(host.get_peer_address(id), ["127.0.0.1", relay.get_local_port()], "at the relay's address")
	assert_eq(host.get_players()[kim._session._public_key].path, "relay", "its path")
	relay.close()


func test_the_game_runs_on_for_its_players_when_the_node_moves_on() -> void:
	# Given a running game with ann in it
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	var ann_id := host.get_peer_id(ann._session._public_key)
	var gate: HolePunchGameGate = host._session._game.gate
	# When the node's game side ends (it begins a new session) while the game runs
	host._session._game.stop()
	watch_signals(ann.multiplayer)
	host.multiplayer.send_bytes("still here".to_ascii_buffer(), ann_id)
	# Then ann's connection carries on through the game's port, and nobody new comes in
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann.multiplayer, "peer_packet") > 0, 2.0), "ann hears the host")
	var dropped := gate.dropped
	var kim := side("Kim", "kim")
	kim.game_connect_timeout = 1.0
	connect_to_host(kim)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "failed") > 0, 4.0), "kim gave up")
	assert_true(gate.dropped > dropped, "kim's requests dropped")
	assert_eq(host.multiplayer.get_peers(), PackedInt32Array([ann_id]), "ann alone in the game")


func test_a_players_last_packet_reaches_the_game_when_it_leaves_right_after() -> void:
	await _leave_right_after(false)


func test_a_players_last_packet_reaches_the_game_when_it_leaves_as_another_connects() -> void:
	await _leave_right_after(true)


## Ann, in the game, sends a last reliable packet and lets go once it is delivered, with the
## frames of two processes interleaved as on a loaded machine: the gate reads the packet after the
## host's game polled (a process frame), with a connect request from a late joiner's address when
## [param newcomer] (so ENet reads at once), ann hears ENet's acknowledgement and says goodbye, and
## the gate reads that before the game polls again (a physics frame). The host's game must get
## the packet, and then ann's leaving.
func _leave_right_after(newcomer: bool) -> void:
	var ann := side("Ann", "ann")
	host.keep_open = true
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	var ann_id := host.get_peer_id(ann._session._public_key)
	watch_signals(host.multiplayer)
	var gate: HolePunchGameGate = host._session._game.gate
	var ann_enet := ann.multiplayer.multiplayer_peer as ENetMultiplayerPeer
	var kim := PacketPeerUDP.new()
	kim.bind(Ports.free_port(), "127.0.0.1")
	host._session._game.add_endpoints(key_of(kim.get_local_port()), punched_peer(key_of(kim.get_local_port()), ""))
	kim.set_dest_address("127.0.0.1", port)
	ann.multiplayer.send_bytes("last words".to_ascii_buffer(), 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE)
	ann_enet.get_peer(1).peer_disconnect_later()
	ann_enet.poll()
	if newcomer:
		kim.put_packet(connect_request(0x4000))
	OS.delay_msec(20)
	gate._pump()
	OS.delay_msec(20)
	ann_enet.poll()
	OS.delay_msec(20)
	gate._pump()
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host.multiplayer, "peer_disconnected") > 0, 3.0), "ann gone")
	var packets: Array = [] # Ann's heartbeats may come before.
	for i: int in get_signal_emit_count(host.multiplayer, "peer_packet"):
		packets.append(get_signal_parameters(host.multiplayer, "peer_packet", i))
	assert_has(packets, [ann_id, "last words".to_ascii_buffer()], "ann's last packet")
	assert_eq(gate.dropped, 0, "datagrams dropped")
	kim.close()


## A running game of [param slots] slots, kept open for late joiners, and a socket at an address a
## late joiner was punched at, sending to the game's port.
func punched_stranger(slots: int) -> PacketPeerUDP:
	host.keep_open = true
	host._session._game.max_clients = slots
	start([])
	var mallory := PacketPeerUDP.new()
	mallory.bind(Ports.free_port(), "127.0.0.1")
	var at := key_of(mallory.get_local_port())
	host._session._game.add_endpoints(at, punched_peer(at, ""))
	mallory.set_dest_address("127.0.0.1", port)
	return mallory


## An ENet connect request as a client sends it, asking for the connection [param connect_id].
static func connect_request(connect_id: int) -> PackedByteArray:
	var out := StreamPeerBuffer.new()
	out.big_endian = true
	out.put_u16(0x8FFF) # To no peer yet, with the sent time.
	out.put_u16(0)
	out.put_u8(0x82) # CONNECT, to be acknowledged.
	out.put_u8(0xFF)
	out.put_u16(1)
	out.put_u16(0) # The sender's peer id.
	out.put_u8(0xFF)
	out.put_u8(0xFF)
	for field: int in [1392, 32768, 2, 0, 0, 5000, 2, 2, connect_id, 0]: # mtu, window, channels, bandwidths, throttle, id, data
		out.put_u32(field)
	return out.data_array
