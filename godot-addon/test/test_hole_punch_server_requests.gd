extends "res://test/punch_case.gd"
## HolePunch and the server, over real UDP sockets on loopback: its requests resent until answered,
## proven with its nonce and its cookie; a server that does not answer, a stranger's answers, a bad
## session, a bad alias or server key, a local port it cannot use.


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


func test_return_cookie_gives_the_request_a_whole_server_timeout() -> void:
	var server := Endpoint.new()
	var node := _punch()
	node.server_timeout = 0.5
	var id := server.key + "cyahcyah"
	var started := Time.get_ticks_msec()
	node.join_session(id, "bob")
	# The server is slow to answer at first (as when the first tries are lost), then sends its cookie.
	await wait_seconds(0.35)
	assert_true(server.count("JS:") > 0, "JS sent")
	server.send("RC:%s:%s" % ["mwmwmwmwmwmwmwmw", server.nonce()], server.received[0].port)
	await wait_seconds(0.35) # Past server_timeout from the first JS, within it from the cookie.
	assert_true(not _emitted("bad_server"), "the cookie proved the server answers: no bad_server yet")
	var with_cookie := server.poll().filter(func(r: Dictionary) -> bool: return r.text.begins_with("JS:") and r.text.ends_with("mwmwmwmwmwmwmwmw"))
	assert_true(with_cookie.size() >= 2, "the request with the cookie resent while unanswered (got %d)" % with_cookie.size())
	assert_true(await wait_until(func() -> bool: return _emitted("bad_server"), 1.0), "bad_server once the request with the cookie went unanswered")
	var waited := (Time.get_ticks_msec() - started) / 1000.0
	assert_true(waited >= 0.8, "server_timeout counted from the cookie (waited %.2f s)" % waited)
	server.close()
