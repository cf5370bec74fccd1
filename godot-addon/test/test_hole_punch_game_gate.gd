extends "res://test/game_case.gd"
## The host's game port lets only the addresses its players were punched at reach ENet: a
## stranger's connect requests take no slot and get no answer, and players still come in.

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
	await wait(0.3)
	var heard := get_signal_emit_count(ann, "player_joined")
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
