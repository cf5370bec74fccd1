extends "res://test/punch_case.gd"
## HolePunch and its peers, over real UDP sockets on loopback: a client trusts only the host it
## was introduced to, both sides hand over and free their port, punching fails on time, and a
## client falls back to a relay.


func test_client_trusts_only_the_introduced_host_and_hands_over() -> void:
	# Given a joiner the server introduced to a host socket
	var server := Endpoint.new()
	var host := Endpoint.new()
	var stranger := Endpoint.new()
	var node := _punch()
	var id := server.key + "cyahcyah"
	var port: int = await _introduced(node, server, id, host)
	assert_true(await wait_until(func() -> bool: return host.count("RD:bob") > 0, 1.0), "joiner punches the host")
	# When a stranger sends RD and JH
	stranger.send("RD:mallory", port)
	stranger.send("JH:" + stranger.key, port)
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams >= 2, 1.0), "the stranger's RD and JH dropped and counted")
	assert_true(not _emitted("new_name"), "no name from a stranger")
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "still punching after a stranger's JH")
	# And the host sends RD, then a JH naming an address that is not its own
	host.send("RD:hana", port)
	host.send("JH:" + stranger.key, port)
	assert_true(await wait_until(func() -> bool: return _emitted("new_name"), 1.0), "host's name arrives")
	await wait_seconds(0.1)
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "a JH to a foreign address is ignored")
	# Then the host's own JH gets JD, and JG starts the client towards the host's address
	host.send("JH:" + host.key, port)
	assert_true(await wait_until(func() -> bool: return host.count("JD:DONE") >= 1, 1.0), "JD answered")
	host.send("JH:" + host.key, port)
	assert_true(await wait_until(func() -> bool: return host.count("JD:DONE") >= 2, 1.0), "a repeated JH is answered again")
	assert_true(not _emitted("start_client"), "waits for JG")
	host.send("JG:GO", port)
	assert_true(await wait_until(func() -> bool: return _emitted("start_client"), 1.0), "start_client emitted")
	assert_eq(_signals, ["start_session[\"%s\"]" % id, "new_name[\"hana\"]", "start_client[\"127.0.0.1\", %d, %d]" % [host.port, port]], "signals")
	var again := PacketPeerUDP.new()
	assert_eq(again.bind(port, "*"), OK, "the punched port is free for the game")
	again.close()
	for e: Endpoint in [server, host, stranger]:
		e.close()


func test_host_hands_over_and_frees_its_port() -> void:
	var server := Endpoint.new()
	var joiner := Endpoint.new()
	var node := _punch()
	node.host_session(server.key, "hana")
	await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0)
	var port: int = server.received[0].port
	var id := server.key + "cyahcyah"
	server.send(server.answer("HR:%s:%s" % [P.encode_key("127.0.0.1", port), id]), port)
	await wait_until(func() -> bool: return _emitted("start_session"), 1.0)
	# The server introduces a joiner (twice, as for a duplicate JS)
	for i in 2:
		server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	assert_true(await wait_until(func() -> bool: return joiner.count("RD:hana") > 0, 1.0), "host punches the joiner")
	joiner.send("RD:jo", port)
	joiner.send("JP:", port) # A joiner of ours: its payload (none) comes with its alias.
	assert_true(await wait_until(func() -> bool: return _emitted("new_name"), 1.0), "joiner's name")
	node.close_session()
	assert_true(await wait_until(func() -> bool: return joiner.count("JH:") > 0, 1.0), "JH sent")
	assert_true(joiner.poll().any(func(r: Dictionary) -> bool: return r.text == "JH:" + P.encode_key("127.0.0.1", port)), "JH names the host's key")
	assert_true(not _emitted("start_server"), "waits for JD")
	joiner.send("JD:DONE", port)
	assert_true(await wait_until(func() -> bool: return _emitted("start_server"), 1.0), "start_server emitted")
	assert_eq(_signals, ["start_session[\"%s\"]" % id, "new_name[\"jo\"]", "start_server[%d]" % port], "signals")
	assert_true(await wait_until(func() -> bool: return joiner.count("JG:GO") == 3, 1.0), "three JG copies before the port is freed")
	assert_true(server.count("CS:" + id) >= 1, "CS sent to the server")
	var again := PacketPeerUDP.new()
	assert_eq(again.bind(port, "*"), OK, "the punched port is free for the game")
	again.close()
	server.close()
	joiner.close()


func test_punch_failed_when_the_peer_never_answers() -> void:
	var server := Endpoint.new()
	var silent_host := Endpoint.new()
	var node := _punch()
	node.punch_timeout = 0.3
	node.relay_timeout = 0.3
	await _introduced(node, server, server.key + "cyahcyah", silent_host)
	assert_true(await wait_until(func() -> bool: return _emitted("punch_failed"), 2.0), "punch_failed emitted")
	assert_true(_signals.has("punch_failed[\"%s\"]" % silent_host.key), "names the peer")
	assert_true(server.count("JS:") >= 3, "JS repeated while the host is unheard, in case NJ was lost")
	assert_true(server.count("RQ:%scyahcyah:%s" % [server.key, silent_host.key]) >= 1, "a relay was asked for before giving up")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "the attempt ended")
	server.close()
	silent_host.close()


func test_client_starts_without_jg_after_handover_timeout() -> void:
	# An original host sends no JG: the client starts once JH stops coming.
	var server := Endpoint.new()
	var host := Endpoint.new()
	var node := _punch()
	node.handover_timeout = 0.3
	var port: int = await _introduced(node, server, server.key + "cyahcyah", host)
	await wait_until(func() -> bool: return host.count("RD:") > 0, 1.0)
	host.send("JH:" + host.key, port)
	var sent := Time.get_ticks_msec()
	assert_true(await wait_until(func() -> bool: return _emitted("start_client"), 2.0), "start_client emitted")
	var waited := (Time.get_ticks_msec() - sent) / 1000.0
	assert_true(waited >= 0.28 and waited < 0.8, "after handover_timeout (waited %.2f s)" % waited)
	server.close()
	host.close()


func test_without_relay_punch_failed_comes_at_punch_timeout() -> void:
	var server := Endpoint.new()
	var silent_host := Endpoint.new()
	var node := _punch()
	node.punch_timeout = 0.3
	node.use_relay = false
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	var sent := Time.get_ticks_msec()
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), silent_host.key, silent_host.key]), port)
	assert_true(await wait_until(func() -> bool: return _emitted("punch_failed"), 2.0), "punch_failed emitted")
	var waited := (Time.get_ticks_msec() - sent) / 1000.0
	assert_true(waited >= 0.28 and waited < 0.6, "at punch_timeout (waited %.2f s)" % waited)
	assert_eq(server.count("RQ:"), 0, "no relay asked for")
	server.close()
	silent_host.close()


func test_client_falls_back_to_a_relay_and_hands_over_through_it() -> void:
	# Given a host the client cannot reach directly
	var server := Endpoint.new()
	var unreachable := Endpoint.new()
	var relay := Endpoint.new()
	var node := _punch()
	node.punch_timeout = 0.2
	var paths: Array[String] = []
	node.peer_path.connect(func(key: String, path: String) -> void: paths.append("%s %s" % [key, path]))
	var id := server.key + "cyahcyah"
	var port: int = await _introduced(node, server, id, unreachable)
	# When punching times out, it asks for a relay, binds with its token, and punches through it
	assert_true(await wait_until(func() -> bool: return server.count("RQ:%s:%s" % [id, unreachable.key]) > 0, 2.0), "RQ sent")
	var token := "cyahcyahcyahcyah"
	server.send(server.answer("RG:%s:%s:%s" % [unreachable.key, relay.key, token]), port)
	assert_true(await wait_until(func() -> bool: return relay.count("RB:" + token) > 0, 1.0), "RB sent to the relay")
	relay.send("RA:" + token, port)
	assert_true(await wait_until(func() -> bool: return relay.count("RD:bob") > 0, 1.0), "RD through the relay")
	relay.send("RD:hana", port)
	assert_true(await wait_until(func() -> bool: return _emitted("new_name"), 1.0), "the host's name came through the relay")
	assert_eq(paths, ["%s relay" % unreachable.key], "peer_path says relay")
	assert_eq(node.get_host(), relay.key, "get_host names the relay")
	# Then the handover goes through the relay, and the game client connects to it
	relay.send("JH:" + relay.key, port)
	assert_true(await wait_until(func() -> bool: return relay.count("JD:DONE") > 0, 1.0), "JD through the relay")
	relay.send("JG:GO", port)
	assert_true(await wait_until(func() -> bool: return _emitted("start_client"), 1.0), "start_client")
	assert_true(_signals.has("start_client[\"127.0.0.1\", %d, %d]" % [relay.port, port]), "connects to the relay")
	for e: Endpoint in [server, unreachable, relay]:
		e.close()
