extends GutTest
## A game relayed through a relay node that goes silent is moved to another node under ENet: the
## side asks the server (RR, with the pair's last grant), pings the nodes listed but the silent one,
## asks again with the round trips, and once granted points the game at the new relay and binds
## there from the game's port. Over real UDP sockets on loopback, against a scripted server and nodes.

const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")
const HolePunchRelayRebind := preload("res://addons/simple_hole_punch/game/hole_punch_relay_rebind.gd")

const TICKET := "cyahcyahcyahcyahcyahcyah"
const GRANT := "cyahcyahcyahcyahcyahcyahcyahcyahcyahcyahcyahcyahcyahcy"


## The last RR [param server] received, or empty.
func _rr(server: Endpoint) -> String:
	for i in range(server.poll().size() - 1, -1, -1):
		if server.received[i].text.begins_with("RR:"):
			return server.received[i].text
	return ""


func test_asks_for_another_node_pings_all_but_the_silent_one_and_moves_the_game_there() -> void:
	# Given a game relayed through a node that was last heard a moment ago
	var server := Endpoint.new()
	var silent := Endpoint.new("127.0.0.2")
	var live := Endpoint.new("127.0.0.3")
	var heard := [Time.get_ticks_msec() / 1000.0]
	var game_sent: Array = []
	var moves: Array = []
	var rebind := HolePunchRelayRebind.new([silent.ip, silent.port, silent.key, GRANT], ["127.0.0.1", server.port],
		func(_ip: String, _port: int) -> float: return heard[0],
		func(packet: PackedByteArray, ip: String, port: int) -> void: game_sent.append([packet.get_string_from_ascii(), ip, port]),
		func(old_ip: String, old_port: int, ip: String, port: int) -> void: moves.append([old_ip, old_port, ip, port]))
	var now := func() -> float: return Time.get_ticks_msec() / 1000.0
	var ticking := func() -> bool:
		rebind.tick(now.call())
		return false
	# While the relay is heard, nothing is asked
	rebind.tick(now.call())
	assert_eq(_rr(server), "", "no RR while the relay is heard")
	# When it has been silent for a while, the side asks the server with the silent relay and the grant
	await wait_until(func() -> bool:
		ticking.call()
		return _rr(server) != "", 2.0)
	assert_true(rebind.busy(), "a rebind is under way")
	var rr := _rr(server)
	assert_eq(rr.get_slice(":", 1), silent.key, "names the silent relay")
	assert_eq(rr.get_slice(":", 2), GRANT, "carries the pair's grant")
	var nonce := rr.get_slice(":", 3)
	var from_port: int = server.received[server.received.size() - 1].port
	# A grant from anywhere but the server, or with another nonce, is not taken
	live.send("RG:%s:%s:%s:%s:%s" % [server.key, live.key, "cyahcyahcyahcyah", nonce, GRANT], from_port)
	server.send("RG:%s:%s:%s:%s:%s" % [server.key, live.key, "cyahcyahcyahcyah", "cycycycycycycycy", GRANT], from_port)
	# When the server lists both nodes, both are pinged; the silent one, dead, does not answer
	server.send("RN:%s:%s:%s:%s" % [TICKET, nonce, silent.key, live.key], from_port)
	assert_true(await wait_until(func() -> bool:
		ticking.call()
		return live.count("RP:") > 0 and silent.count("RP:") > 0, 1.0), "both nodes pinged")
	assert_eq(moves, [], "no forged grant taken")
	live.send("RE:" + live.poll()[0].text.get_slice(":", 2), from_port)
	# Then it asks again with the live node's round trip alone (the silent node's left out)
	assert_true(await wait_until(func() -> bool:
		ticking.call()
		return _rr(server).get_slice_count(":") == 5, 1.0), "RR with pings")
	assert_true(_rr(server).get_slice(":", 4).begins_with(live.key + "="), "the live node's figure only")
	# When granted, the game is pointed at the new relay and binds there from the game's port
	server.send("RG:%s:%s:%s:%s:%s" % [server.key, live.key, "ahahahahahahahah", nonce, GRANT], from_port)
	assert_true(await wait_until(func() -> bool:
		ticking.call()
		return not game_sent.is_empty(), 1.0), "RB sent from the game's port")
	assert_eq(moves, [[silent.ip, silent.port, live.ip, live.port]], "moved from the silent relay to the new one")
	assert_true(game_sent[0][0].begins_with("RB:ahahahahahahahah:"), "binds with the new token")
	assert_eq([game_sent[0][1], game_sent[0][2]], [live.ip, live.port], "at the new relay")
	# And once the game is heard through it, the rebind is done
	heard[0] = now.call()
	rebind.tick(now.call())
	assert_eq(rebind.state, HolePunchRelayRebind.State.WATCHING, "done")
	assert_true(rebind.busy(), "the peer still kept while the game's heartbeats resume")
	assert_eq(rebind.rebinds, 1, "one rebind")
	assert_eq(rebind.relay_key, live.key, "watches the new relay")
	rebind.close()
	for endpoint: Endpoint in [server, silent, live]:
		endpoint.close()


func test_a_silent_relay_whose_node_answers_its_ping_is_the_peer_gone_quiet_and_not_moved() -> void:
	# Given a game relayed through a node that went silent, and a rebind under way
	var server := Endpoint.new()
	var node := Endpoint.new("127.0.0.2")
	var other := Endpoint.new("127.0.0.3")
	var moves: Array = []
	var rebind := HolePunchRelayRebind.new([node.ip, node.port, node.key, GRANT], ["127.0.0.1", server.port],
		func(_ip: String, _port: int) -> float: return 0.0,
		func(_packet: PackedByteArray, _ip: String, _port: int) -> void: pass,
		func(old_ip: String, old_port: int, ip: String, port: int) -> void: moves.append([old_ip, old_port, ip, port]))
	var ticking := func() -> bool:
		rebind.tick(Time.get_ticks_msec() / 1000.0)
		return false
	await wait_until(func() -> bool:
		ticking.call()
		return _rr(server) != "", 2.0)
	var nonce := _rr(server).get_slice(":", 3)
	var from_port: int = server.received[server.received.size() - 1].port
	server.send("RN:%s:%s:%s:%s" % [TICKET, nonce, node.key, other.key], from_port)
	assert_true(await wait_until(func() -> bool:
		ticking.call()
		return node.count("RP:") > 0, 1.0), "the silent relay's node pinged")
	# When that node answers, it is alive: the silence is the peer's, and the rebind ends at once
	node.send("RE:" + node.poll()[0].text.get_slice(":", 2), from_port)
	assert_true(await wait_until(func() -> bool:
		ticking.call()
		return not rebind.busy(), 1.0), "the rebind ended: the game's timeout tells")
	# And it does not start again until the game is heard once more
	await wait_seconds(0.3)
	ticking.call()
	assert_false(rebind.busy(), "not asked again")
	assert_eq(moves, [], "not moved")
	rebind.close()
	for endpoint: Endpoint in [server, node, other]:
		endpoint.close()
