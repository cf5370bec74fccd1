extends "res://test/traversal/traversal_case.gd"
## The plans that follow from the NAT diagnosis, over real sockets: birthday probing from a hard
## host of a random session, from an easy joiner of one, and from an easy host towards several hard
## clients at once.


## Starts [param node] with [param start] (a method taking the server key and an alias) and waits
## for its first request; returns [code][port, nonce][/code].
func _register(start: Callable) -> Array:
	start.call(_server_key(), "me")
	await wait_until(func() -> bool:
		_serve()
		return not _requests.is_empty(), 2.0)
	if _requests.is_empty():
		return [0, ""]
	# The request leaves beside the diagnosis: the plans follow from its result.
	for node: Node in get_children().filter(func(c: Node) -> bool: return c is HolePunch):
		await wait_until(func() -> bool:
			_serve()
			return get_signal_emit_count(node, "nat_diagnosed") > 0, 2.0)
	return [_request_ports[0], HolePunchProtocol.parse(_requests[0].to_ascii_buffer()).field("nonce")]


## The requests of kind [param code] the server received, as [code][text, port it came from][/code].
func _received(code: String) -> Array:
	_serve()
	return range(_requests.size()).filter(func(i: int) -> bool: return _requests[i].begins_with(code + ":")).map(func(i: int) -> Array: return [_requests[i], _request_ports[i]])


## The ports [param e] heard RV from, other than [param besides].
func _rv_ports(e: Endpoint, besides: int) -> Array:
	var ports := {}
	for r: Dictionary in e.poll():
		if r.text.begins_with("RV:") and r.port != besides:
			ports[r.port] = true
	return ports.keys()


## A HolePunch whose game peer is its own (manage_game_peer), on a MultiplayerAPI of its own.
func _managed_node() -> HolePunch:
	var node := _node()
	node.manage_game_peer = true
	get_tree().set_multiplayer(SceneMultiplayer.new(), node.get_path())
	return node


func _endpoint(address := "127.0.0.1") -> Endpoint:
	var e := Endpoint.new(address)
	_endpoints.append(e)
	return e


func test_a_hard_random_host_probes_and_hands_the_winning_port_to_its_game() -> void:
	# Given a node behind a port-randomising NAT that the server makes the host of a random session
	_randomising = true
	var node := _managed_node()
	node.probe_sockets = 16
	var stranger := _endpoint()
	var registered: Array = await _register(node.random_session)
	assert_eq(node.nat_type, HolePunchNat.NatType.PORT_RANDOMISING, "diagnosed hard")
	var sid := _server_key() + "cyahcyah"
	_tell(HolePunchProtocol.encode_host_registered(HolePunchProtocol.encode_key(PUBLIC_IP, 40000), sid, registered[1]), registered[0])
	# when the server brings it a stranger behind a port-preserving NAT,
	assert_true(await wait_until(func() -> bool: return not _received("KA").is_empty(), 1.0), "registered")
	_tell(HolePunchProtocol.encode_new_joiner(stranger.key, stranger.key, registered[1], SECRETS[0], "port_preserving"), registered[0])
	# then it opens its probing sockets towards the stranger, one datagram from each;
	assert_true(await wait_until(func() -> bool: return _rv_ports(stranger, registered[0]).size() >= 16, 2.0), "16 probing sockets: %s" % [_rv_ports(stranger, registered[0])])
	# when the stranger's probe reaches one of them,
	var winner: int = _rv_ports(stranger, registered[0])[5]
	stranger.send("RV:%s:stranger" % SECRETS[0], winner)
	# it talks to the stranger from that socket (the handover too),
	assert_true(await wait_until(func() -> bool: return stranger.poll().any(func(r: Dictionary) -> bool: return r.text.begins_with("JH:") and r.port == winner), 2.0), "JH from the winning socket")
	assert_false(stranger.poll().any(func(r: Dictionary) -> bool: return r.text.begins_with("JH:") and r.port != winner), "JH from no other socket")
	stranger.send(HolePunchProtocol.encode_join_done(SECRETS[0]).get_string_from_ascii(), winner)
	# hands its port to the game, whose server's gate binds it,
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "game_connected") == 1, 2.0), "game server up")
	assert_signal_emitted_with_parameters(node, "start_server", [winner])
	var probe := PacketPeerUDP.new()
	assert_eq(probe.bind(winner, "*"), ERR_UNAVAILABLE, "the winning port is the game's")
	assert_true(node._session._game.gate != null, "the game's gate holds it")
	# and says everything to the server from its registered socket.
	assert_true(await wait_until(func() -> bool: return _received("CS").size() == 3, 1.0), "three CS")
	for request: Array in _received("KA") + _received("CS"):
		assert_eq(request[1], registered[0], "%s from the registered socket" % request[0])


func test_a_hard_random_host_whose_probes_miss_asks_for_the_relay_from_its_registered_socket() -> void:
	_randomising = true
	var node := _node()
	node.probe_sockets = 4
	node.probe_spread = 0.2 # Probing gives up after 1.2 s; the relay is asked for at punch_timeout.
	node.punch_timeout = 1.5
	var stranger := _endpoint()
	var registered: Array = await _register(node.random_session)
	_tell(HolePunchProtocol.encode_host_registered(HolePunchProtocol.encode_key(PUBLIC_IP, 40000), _server_key() + "cyahcyah", registered[1]), registered[0])
	assert_true(await wait_until(func() -> bool: return not _received("KA").is_empty(), 1.0), "registered")
	_tell(HolePunchProtocol.encode_new_joiner(stranger.key, stranger.key, registered[1], SECRETS[0], "port_preserving"), registered[0])
	assert_true(await wait_until(func() -> bool: return _rv_ports(stranger, registered[0]).size() >= 4, 1.0), "probing")
	await wait_seconds(1.0)
	assert_true(_received("RQ").is_empty(), "no relay before punch_timeout")
	assert_true(await wait_until(func() -> bool: return not _received("RQ").is_empty(), 1.5), "RQ once probing missed")
	assert_eq(_received("RQ")[0][1], registered[0], "RQ from the registered socket")


func test_an_easy_random_joiner_of_a_hard_host_probes_its_address() -> void:
	# Given a node behind a port-preserving NAT that the server pairs, as joiner, with a stranger
	# behind a port-randomising NAT (the host of this random session)
	var node := _node()
	node.probe_count = 50
	node.probe_spread = 0.5
	var host := _endpoint()
	node._session._traversal.probe_ports = Vector2i(host.port, host.port) # Every probe lands on our own socket.
	var registered: Array = await _register(node.random_session)
	var joiner_key := HolePunchProtocol.encode_key(PUBLIC_IP, 40000)
	_tell(HolePunchProtocol.encode_join_registered(joiner_key, host.key, host.key, registered[1], SECRETS[0], "port_randomising"), registered[0])
	# Then it probes the host's address at the probing pace, far above the punching one,
	assert_true(await wait_until(func() -> bool: return host.count("RV:") >= 50, 1.0), "50 probes within the spread (%d)" % host.count("RV:"))
	# and does not go to the relay at once.
	assert_true(_received("RQ").is_empty(), "no RQ: %s" % [_received("RQ")])


func test_an_easy_host_probes_hard_clients_at_once_within_one_pace_and_each_budget() -> void:
	# Given a node behind a port-preserving NAT hosting, whose probes may total 600 a second
	var node := _node()
	node.probe_count = 1000
	node.probe_spread = 1.0 # Each client alone would get 1,000 a second.
	node.probe_rate = 600
	node.probe_budget = 500
	var clients := _two_clients()
	assert_eq(clients.size(), 2, "two client sockets on one port")
	node._session._traversal.probe_ports = Vector2i(clients[0].port, clients[0].port)
	var registered: Array = await _register(node.host_session)
	_tell(HolePunchProtocol.encode_host_registered(HolePunchProtocol.encode_key(PUBLIC_IP, 40000), _server_key() + "cyahcyah", registered[1]), registered[0])
	assert_true(await wait_until(func() -> bool: return not _received("KA").is_empty(), 1.0), "registered")
	# when the server introduces two clients behind port-randomising NATs together,
	for i in 2:
		_tell(HolePunchProtocol.encode_new_joiner(clients[i].key, clients[i].key, registered[1], SECRETS[i], "port_randomising"), registered[0])
	# then both are probed at once,
	assert_true(await wait_until(func() -> bool: return clients.all(func(c: Endpoint) -> bool: return c.count("RV:") > 20), 0.5), "both probed at once")
	# sharing one pace (punch packets, 20 a second each, come on top),
	var rates := await _rates(clients, 0.4)
	assert_true(rates[0] + rates[1] < 600 * 1.1 + 40, "the pace holds for both together: %s a second" % [rates])
	assert_true(rates[0] > 200 and rates[1] > 200, "shared evenly: %s a second" % [rates])
	# a client heard is probed no more, and the other gets the whole pace,
	clients[0].send("RV:%s:kim" % SECRETS[0], registered[0])
	await _listen(clients, 0.05)
	rates = await _rates(clients, 0.3)
	assert_true(rates[0] < 10, "keep-open packets only: %s a second" % rates[0])
	assert_true(rates[1] > 450, "the whole pace: %s a second" % rates[1])
	# and each stays within its own budget.
	await _listen(clients, 1.0)
	var sent := clients[1].count("RV:")
	assert_true(sent >= 450 and sent <= 500 + 40, "its budget, and no more: %d RV" % sent)


func test_a_server_that_introduces_hard_peer_after_peer_gets_a_few_probed_per_session() -> void:
	# Given an easy host whose probing is fast and small (50 datagrams a peer),
	var node := _node()
	node.probe_count = 50
	node.probe_budget = 50
	node.probe_spread = 0.2
	node.probe_rate = 100000
	node.punch_timeout = 10.0 # Any relay asked for comes from the plan, not from waiting.
	var victim := _endpoint("127.0.0.9")
	node._session._traversal.probe_ports = Vector2i(victim.port, victim.port) # Every probe lands on the victim.
	var registered: Array = await _register(node.host_session)
	_tell(HolePunchProtocol.encode_host_registered(HolePunchProtocol.encode_key(PUBLIC_IP, 40000), _server_key() + "cyahcyah", registered[1]), registered[0])
	assert_true(await wait_until(func() -> bool: return not _received("KA").is_empty(), 1.0), "registered")
	# when a server introduces ten port-randomising peers at the victim's address, one after another,
	for i in 10:
		var key := HolePunchProtocol.encode_key(victim.ip, 40000 + i)
		_tell(HolePunchProtocol.encode_new_joiner(key, key, registered[1], "wiwiwiwiwiwiwi" + HolePunchProtocol.BIGRAMS[i], "port_randomising"), registered[0])
		await _listen([victim], 0.15)
	# then the peers beyond probe_peers (4) go to the relay at once, long before punch_timeout,
	assert_true(await wait_until(func() -> bool: return _received("RQ").size() >= 6, 1.0), "RQ for the rest: %d" % _received("RQ").size())
	# and the victim gets the probes of four peers at most, not ten peers' worth.
	await _listen([victim], 1.0)
	var got := victim.count("RV:")
	assert_true(got > 0, "the first peers were probed")
	assert_true(got <= 4 * 50, "at most 4 peers' budgets at the victim, got %d" % got)


## The RV datagrams a second each of [param endpoints] receives over [param seconds].
func _rates(endpoints: Array[Endpoint], seconds: float) -> Array[float]:
	var before: Array[int] = []
	for e in endpoints:
		before.append(e.count("RV:"))
	var started := Time.get_ticks_msec()
	await _listen(endpoints, seconds)
	var elapsed := (Time.get_ticks_msec() - started) / 1000.0
	var rates: Array[float] = []
	for i in endpoints.size():
		rates.append((endpoints[i].count("RV:") - before[i]) / elapsed)
	return rates


## Awaits [param seconds] of frames, reading [param endpoints] on each (a socket's buffer holds
## only so many datagrams).
func _listen(endpoints: Array[Endpoint], seconds: float) -> void:
	var deadline := Time.get_ticks_msec() + int(seconds * 1000.0)
	while Time.get_ticks_msec() < deadline:
		for e in endpoints:
			e.poll()
		await get_tree().process_frame


## Two client sockets on one port of two loopback addresses: one probe range holds both, no other.
func _two_clients() -> Array[Endpoint]:
	for attempt in 5:
		var first := _endpoint("127.0.0.2")
		var second := Endpoint.new("127.0.0.3")
		second.socket.close()
		second.socket = PacketPeerUDP.new()
		if second.socket.bind(first.port, "127.0.0.3") == OK:
			second.port = first.port
			second.key = HolePunchProtocol.encode_key("127.0.0.3", first.port)
			_endpoints.append(second)
			return [first, second]
	return []


func test_a_hard_client_of_an_easy_host_asks_for_the_relay_beside_its_probing() -> void:
	# Given a client behind a port-randomising NAT (the host may run its game: it cannot probe then),
	_randomising = true
	var node := _node()
	node.probe_sockets = 4
	node.punch_timeout = 3.0
	var host := _endpoint()
	var code := _server_key() + "cyahcyah"
	var registered: Array = await _register(func(_key: String, alias: String) -> Error: return node.join_session(code, alias))
	assert_eq(node._session._traversal.told, HolePunchNat.NatType.PORT_RANDOMISING, "the type goes with the JS the server acts on")
	# when the server introduces the host as port-preserving, with the pair's secret,
	var me := HolePunchProtocol.encode_key(PUBLIC_IP, 40000)
	_tell(HolePunchProtocol.encode_join_registered(me, host.key, host.key, registered[1], SECRETS[0], "port_preserving"), registered[0])
	# then it asks for the relay at once, well before punch_timeout, while it probes.
	assert_true(await wait_until(func() -> bool: return not _received("RQ").is_empty(), 1.0), "RQ at once")
	assert_true(_rv_ports(host, -1).size() > 1, "probing from several sockets")
