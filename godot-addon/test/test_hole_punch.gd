extends GutTest
## HolePunch over real UDP sockets on loopback, against scripted server and peer sockets.

const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")


var _signals: Array[String] = []


func before_each() -> void:
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_signals.clear()


func _punch(fast := true) -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false # This fake server answers no NP (test_hole_punch_traversal.gd does).
	if fast:
		node.request_interval = 0.05
	for s: String in ["start_server", "start_client", "start_session", "new_name", "bad_session", "bad_server", "start_random", "punch_failed"]:
		node.connect(s, func(...args: Array) -> void: _signals.append("%s%s" % [s, args]))
	add_child_autofree(node)
	return node


func _emitted(prefix: String) -> bool:
	return _signals.any(func(s: String) -> bool: return s.begins_with(prefix))


func test_resends_host_session_until_answered() -> void:
	var server := Endpoint.new()
	var node := _punch()
	node.host_session(server.key, "ann")
	await wait_until(func() -> bool: return server.count("HS:") >= 3, 2.0)
	var resent := server.count("HS:")
	assert_true(resent >= 3, "HS resent while unanswered (got %d)" % resent)
	var from_port: int = server.received[0].port
	server.send(server.answer("HR:%s:%scyahcyah" % [server.key, server.key]), from_port)
	assert_true(await wait_until(func() -> bool: return _emitted("start_session"), 2.0), "start_session emitted")
	assert_eq(_signals[0], "start_session[\"%scyahcyah\"]" % server.key, "session id passed on")
	var after := server.count("HS:")
	await wait_seconds(0.2)
	assert_eq(server.count("HS:"), after, "no HS after the answer")
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "phase")
	server.close()


func test_host_confirms_at_once_and_proves_ka_and_cs_with_its_nonce() -> void:
	var server := Endpoint.new()
	var node := _punch()
	node.host_session(server.key, "ann")
	assert_true(await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0), "HS sent")
	var sid := server.key + "cyahcyah"
	server.send(server.answer("HR:%s:%s" % [server.key, sid]), server.received[0].port)
	# The first KA follows HR at once (the server confirms the session with it), not after keep_alive_interval.
	assert_true(await wait_until(func() -> bool: return server.count("KA:") > 0, 0.5), "a KA at once")
	assert_eq(server.poll().filter(func(r: Dictionary) -> bool: return r.text.begins_with("KA:"))[0].text, "KA:%s:%s" % [sid, server.nonce()], "KA carries the nonce")
	assert_eq(node.close_session(), ERR_DOES_NOT_EXIST, "nobody to hand over to")
	assert_eq(server.count("CS:"), 0, "the session goes on")
	assert_eq(node.leave(), OK, "leave()")
	assert_true(await wait_until(func() -> bool: return server.count("CS:") > 0, 1.0), "CS sent")
	assert_eq(server.count("CS:"), 3, "three copies: nothing answers CS")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "idle again")
	assert_eq(server.poll().filter(func(r: Dictionary) -> bool: return r.text.begins_with("CS:"))[0].text, "CS:%s:%s" % [sid, server.nonce()], "CS carries the nonce")
	server.close()


func test_bad_server_when_nothing_answers() -> void:
	var silent := Endpoint.new()
	var node := _punch()
	node.server_timeout = 0.3
	var started := Time.get_ticks_msec()
	node.host_session(silent.key, "ann")
	assert_true(await wait_until(func() -> bool: return _emitted("bad_server"), 2.0), "bad_server emitted")
	var waited := (Time.get_ticks_msec() - started) / 1000.0
	assert_true(waited >= 0.28 and waited < 1.0, "after server_timeout (waited %.2f s)" % waited)
	assert_eq(_signals, ["bad_server[\"%s\"]" % silent.key], "signals")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "phase after bad_server")
	silent.close()


func test_server_answers_from_a_stranger_are_dropped() -> void:
	var server := Endpoint.new()
	var stranger := Endpoint.new()
	var node := _punch()
	node.host_session(server.key, "ann")
	await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0)
	var port: int = server.received[0].port
	stranger.send("HR:%s:%scyahcyah" % [stranger.key, stranger.key], port)
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams >= 1, 1.0), "counted as dropped")
	assert_true(not _emitted("start_session"), "no session from a stranger's HR")
	server.send(server.answer("HR:%s:%scyahcyah" % [server.key, server.key]), port)
	assert_true(await wait_until(func() -> bool: return _emitted("start_session"), 1.0), "server's HR accepted")
	server.close()
	stranger.close()


func test_bad_session_on_bad_key() -> void:
	var server := Endpoint.new()
	var node := _punch()
	var id := server.key + "cyahcyah"
	node.join_session(id, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	assert_eq(server.received[0].text, "JS:%s:%s:%s:unknown" % [P.encode_key("127.0.0.1", node.get_local_port()), id, server.nonce()], "JS payload")
	assert_true(P.is_token(server.nonce()), "JS carries a nonce")
	server.send(server.answer("BK:" + id), server.received[0].port)
	assert_true(await wait_until(func() -> bool: return _emitted("bad_session"), 1.0), "bad_session emitted")
	assert_eq(_signals, ["bad_session[\"%s\"]" % id], "signals")
	server.close()


func test_return_cookie_resends_the_request_at_once_with_it() -> void:
	var server := Endpoint.new()
	var node := _punch()
	node.request_interval = 1.0 # Any resend within the test comes from RC, not from the retry.
	node.random_session(server.key, "bob")
	await wait_until(func() -> bool: return server.count("RS:") > 0, 1.0)
	var first: String = server.received[0].text
	var nonce := server.nonce()
	var cookie := "mwmwmwmwmwmwmwmw"
	var forged := "RC:%s:%s" % [cookie, "cy".repeat(8)]
	server.send(forged, server.received[0].port)
	server.send("RC:%s:%s" % [cookie, nonce], server.received[0].port)
	assert_true(await wait_until(func() -> bool: return server.count("RS:") > 1, 0.5), "resent at once")
	var none := "cy".repeat(8)
	assert_eq(server.received[1].text, "%s:%s:%s:%s:%s" % [first, none, none, none, cookie], "every field before the cookie present, zeros where nothing is claimed")
	assert_true(first.length() >= forged.length(), "the first request is no shorter than RC")
	await wait_seconds(0.1)
	assert_eq(server.count("RS:"), 2, "one resend, and none for the forged RC")
	server.close()


func test_rejects_bad_alias_and_bad_server_key() -> void:
	var node := _punch()
	watch_signals(node)
	assert_eq(node.host_session("qucycyahjiuv", "x".repeat(33)), ERR_INVALID_PARAMETER, "an alias too long")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "a bad alias starts nothing")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.BAD_ALIAS, "x".repeat(33)])
	assert_eq(node.host_session("not-a-key", "ann"), ERR_INVALID_PARAMETER, "a bad server key")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.BAD_SERVER_KEY, "not-a-key"])
	assert_eq(_signals, ["bad_server[\"not-a-key\"]"], "a bad server key is a bad server")
	assert_eq(node.join_session("qucy cyah", "ann"), ERR_INVALID_PARAMETER, "not a code")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.BAD_CODE, "qucy cyah"])
	assert_eq(node.close_session(), ERR_DOES_NOT_EXIST, "nothing to close")


func test_an_unusable_local_port_is_not_a_bad_server() -> void:
	var busy := PacketPeerUDP.new()
	busy.bind(0, "*")
	var node := _punch()
	watch_signals(node)
	node.local_port = busy.get_local_port()
	assert_eq(node.host_session("qucycyahjiuv", "ann"), ERR_CANT_CREATE, "the port is taken")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.LOCAL_PORT_UNUSABLE, str(busy.get_local_port())])
	assert_eq(_signals, [], "no bad_server")
	busy.close()


func test_client_trusts_only_the_introduced_host_and_hands_over() -> void:
	# Given a joiner the server introduced to a host socket
	var server := Endpoint.new()
	var host := Endpoint.new()
	var stranger := Endpoint.new()
	var node := _punch()
	var id := server.key + "cyahcyah"
	node.join_session(id, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]), port)
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
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), silent_host.key, silent_host.key]), port)
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
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]), port)
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
	node.join_session(id, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), unreachable.key, unreachable.key]), port)
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
