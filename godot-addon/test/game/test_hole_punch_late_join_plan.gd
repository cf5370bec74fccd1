extends "res://test/hostile_case.gd"
## A host whose game runs takes a late joiner by the plan both NAT types call for: when the server
## passes a port-randomising joiner's type (with the pair's secret), the host asks for the relay at
## once from its link, not after punch_timeout; a joiner whose type is unknown is punched first, as
## before. Over real UDP on loopback, against a fake server.

const SECRET := "mwmwmwmwmwmwmwmw"


func test_a_late_joiner_behind_a_port_randomising_nat_gets_the_relay_asked_at_once() -> void:
	var asked := await _relay_asked_within("port_randomising", 1.0)
	assert_true(asked, "RQ from the link well before punch_timeout")


func test_a_late_joiner_of_unknown_nat_is_punched_before_the_relay() -> void:
	var asked := await _relay_asked_within("", 1.0)
	assert_false(asked, "no RQ before punch_timeout")


func test_the_link_pings_the_relay_nodes_the_server_lists_and_asks_again_with_the_figures() -> void:
	var server := _endpoint()
	var joiner := _endpoint("127.0.0.9")
	var relay_node := _endpoint("127.0.0.10")
	var silent_node := _endpoint("127.0.0.11")
	var node := _node({"handover_interval": 0.05, "punch_timeout": 3.0, "relay_timeout": 3.0, "handover_deadline": 1.0})
	var link := await _linked_host(node, server)
	var nonce := server.nonce()
	server.send(P.encode_new_joiner(joiner.key, joiner.key, nonce, SECRET, "port_randomising").get_string_from_ascii(), link)
	assert_true(await wait_until(func() -> bool: return server.count("RQ:") > 0, 1.0), "RQ without figures")
	# When the server lists two relay nodes, the link pings them, and asks again with the round trip of the one that answered
	server.send("RN:%s:%s:%s:%s" % ["cyahcyahcyahcyahcyahcyah", nonce, relay_node.key, silent_node.key], link)
	var pings: Array[String] = [] # A lambda fills an array: it cannot assign the test's variables.
	assert_true(await wait_until(func() -> bool:
		for r: Dictionary in relay_node.poll():
			if r.text.begins_with("RP:cyahcyahcyahcyahcyahcyah:"):
				pings.append(r.text.get_slice(":", 2))
		return not pings.is_empty(), 1.0), "the node pinged")
	relay_node.send("RE:" + pings[0], link)
	var with_figures := func() -> bool:
		server.poll()
		return server.received.any(func(r: Dictionary) -> bool: return r.text.begins_with("RQ:") and r.text.get_slice_count(":") == 5 and r.text.contains(relay_node.key + "="))
	assert_true(await wait_until(with_figures, 1.0), "RQ again with the node's round trip")
	_unlink(node)


## A late-join host whose own type is port-preserving, linked to [param server] (HR answered):
## resolves with the link's port.
func _linked_host(node: HolePunch, server: Endpoint) -> int:
	await _host(node, server)
	var game := ENetMultiplayerPeer.new()
	assert_eq(game.create_server(Ports.free_port()), OK, "the game's server listens")
	node._session._game.peer = game # The node's game peer sends the late join's punches from the game's port.
	node._session._traversal.told = HolePunchNat.NatType.PORT_PRESERVING # As the server was told in HS.
	node._session._start_late_join()
	assert_true(await wait_until(func() -> bool: return server.count("HL:") > 0, 1.0), "HL from the link")
	var link: int = server.received.filter(func(r: Dictionary) -> bool: return r.text.begins_with("HL:"))[0].port
	server.send("HR:%s:%scyahcyah:%s" % [P.encode_key("127.0.0.1", node.get_local_port()), server.key, server.nonce()], link)
	assert_true(await wait_until(func() -> bool: return node._session._late.is_linked(), 1.0), "linked")
	return link


## Links a late-join host whose own type is port-preserving, has the server introduce a joiner
## with [param joiner_nat] (empty: none passed), and says whether RQ for it came within
## [param seconds] (punch_timeout is 3 s).
func _relay_asked_within(joiner_nat: String, seconds: float) -> bool:
	var server := _endpoint()
	var joiner := _endpoint("127.0.0.9")
	var node := _node({"handover_interval": 0.05, "punch_timeout": 3.0, "relay_timeout": 3.0, "handover_deadline": 1.0})
	var link := await _linked_host(node, server)
	server.send(P.encode_new_joiner(joiner.key, joiner.key, server.nonce(), SECRET, joiner_nat).get_string_from_ascii(), link)
	var asked: bool = await wait_until(func() -> bool:
		joiner.poll()
		return server.count("RQ:") > 0, seconds)
	_unlink(node)
	return asked


## Ends [param node]'s late join and closes its game's server.
func _unlink(node: HolePunch) -> void:
	node._session._end_late_join()
	node._session._game.peer.close()
