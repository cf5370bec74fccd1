extends "res://test/hostile_case.gd"
## A refusal survives loss: a refused player whose RJ copies were all lost is answered with RJ
## again when it punches on, within bounds. Real nodes and scripted players on loopback sockets.

const HolePunchRefusals := preload("res://addons/simple_hole_punch/players/hole_punch_refusals.gd")

const Lossy := preload("res://test/lossy_hole_punch.gd")


func test_a_joiner_whose_refusal_was_lost_still_learns_it_was_refused() -> void:
	# Given a host and a joiner, both real nodes, punched to each other through a scripted server;
	# every copy of the host's first RJ is lost
	var server := _endpoint()
	var host: Lossy = Lossy.new()
	host.drop = {"RJ:": 3}
	_setup(host, {"peer_timeout": 1.0})
	var joiner := _node({"peer_timeout": 1.0})
	var host_port := await _host(host, server)
	var host_nonce := server.nonce()
	var host_key := P.encode_key("127.0.0.1", host_port)
	var joiner_port := await _join(joiner, server, host_key, host_key)
	var joiner_key := P.encode_key("127.0.0.1", joiner_port)
	server.send("NJ:%s:%s:%s" % [joiner_key, joiner_key, host_nonce], host_port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_joined") == 1 and get_signal_emit_count(joiner, "player_joined") == 1, 2.0), "punched")
	# When the host refuses the joiner
	assert_eq(host.refuse_player(joiner_key, "no"), OK, "refused")
	# Then the joiner, punching on, is told again and fails as refused, not as having lost its host
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(joiner, "failed") == 1, 3.0), "the joiner's attempt ended")
	assert_signal_emitted_with_parameters(joiner, "failed", [HolePunch.Failure.REFUSED_BY_HOST, "no"])
	assert_eq(host.dropped.size(), 3, "the three first copies were lost")
	assert_true(host.sent.any(func(s: Dictionary) -> bool: return s.text.begins_with("RJ:") and s.port == joiner_port), "RJ again")


func test_rj_is_answered_again_only_to_the_refused_player_and_within_bounds() -> void:
	# Given a host that refused kim, whose copies of RJ were all lost
	var server := _endpoint()
	var kim := _endpoint()
	var stranger := _endpoint()
	var host: Lossy = Lossy.new()
	host.drop = {"RJ:": 3}
	_setup(host)
	var port := await _host(host, server)
	server.send(server.answer("NJ:%s:%s" % [kim.key, kim.key]), port)
	await wait_until(func() -> bool: return kim.count("RD:") > 0, 1.0)
	kim.send("RD:kim", port)
	kim.send("JP:", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_joined") == 1, 1.0), "kim joined")
	host.refuse_player(kim.key, "no")
	# When kim keeps punching every 20 ms, and a stranger does the same
	var answers := func() -> int: return kim.count("RJ:no")
	var started := Time.get_ticks_msec()
	var early := -1
	while Time.get_ticks_msec() - started < 2500:
		kim.send("RD:kim", port)
		stranger.send("RD:kim", port)
		await wait_seconds(0.02)
		if early < 0 and Time.get_ticks_msec() - started >= 500:
			early = answers.call()
	# Then kim got RJ again, not faster than every 0.2 s and at most 8 times; the stranger nothing
	assert_true(early >= 1 and early <= 3, "at most 3 answers in the first 0.5 s, got %d" % early)
	assert_eq(answers.call(), HolePunchRefusals.MAX_ANSWERS, "then no more than the bound")
	assert_eq(stranger.count("RJ:"), 0, "nothing to a stranger")
	assert_eq(host.sent.filter(func(s: Dictionary) -> bool: return s.text.begins_with("RJ:")).size(), answers.call(), "RJ went to kim only")


func _setup(node: HolePunch, settings := {}) -> void:
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false
	node.request_interval = 0.05
	for setting: String in settings:
		node.set(setting, settings[setting])
	watch_signals(node)
	add_child_autofree(node)
