extends "res://test/hostile_case.gd"
## The lobby on the host: a join payload the host's game decides on, refusing a player before the
## handover, and the player cap; against scripted server and peer sockets.


## Hosts and lets [param joiners] punch in under [param aliases], each with an empty JP as our
## joiners send it; returns the host's port.
func _host_with(node: HolePunch, server: Endpoint, joiners: Array[Endpoint], aliases: Array[String]) -> int:
	var port := await _host(node, server)
	for joiner in joiners:
		server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiners.all(func(j: Endpoint) -> bool: return j.count("RD:") > 0), 1.0)
	for i in joiners.size():
		joiners[i].send("RD:" + aliases[i], port)
		joiners[i].send("JP:", port)
	return port


func test_a_joiner_sends_its_payload_with_its_punch_packets() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node({"join_payload": "v1.2 pässword"})
	await _join(node, server, host.key, host.key)
	assert_true(await wait_until(func() -> bool: return host.count("JP:v1.2 p%C3%A4ssword") > 0, 1.0), "JP, percent-encoded")


func test_the_host_hears_a_payload_sent_before_the_alias_with_the_player() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:") > 0, 1.0)
	joiner.send("JP:v1.2", port) # Before its alias: held until the player is known.
	await wait_seconds(0.1)
	assert_signal_not_emitted(node, "player_payload", "not before the player is known")
	joiner.send("RD:kim", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0), "joined")
	assert_signal_emitted_with_parameters(node, "player_payload", [joiner.key, "v1.2"])
	assert_signal_emitted_with_parameters(node, "player_joined", [joiner.key, "kim"])


func test_the_payload_arrives_before_player_joined_and_survives_closing_there() -> void:
	# Given a host that closes its session as soon as a player joined (the README's pattern)
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var order: Array[String] = []
	node.player_payload.connect(func(_key: String, payload: String) -> void: order.append("payload " + payload))
	node.player_joined.connect(func(_key: String, _alias: String) -> void:
		order.append("joined")
		node.close_session())
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:") > 0, 1.0)
	# When the joiner's alias comes a frame before its payload
	joiner.send("RD:kim", port)
	await wait_seconds(0.05)
	joiner.send("JP:let me in", port)
	# Then the game hears the payload first, and the player is handed over only after it
	assert_true(await wait_until(func() -> bool: return joiner.count("JH:") > 0, 2.0), "handed over")
	assert_eq(order, ["payload let me in", "joined"], "the payload with, before, player_joined")


func test_a_joiner_with_no_payload_tells_its_host_so() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node()
	await _join(node, server, host.key, host.key)
	assert_true(await wait_until(func() -> bool: return host.count("JP:") > 0, 1.0), "an empty JP")
	assert_eq(host.received.filter(func(r: Dictionary) -> bool: return r.text.begins_with("JP:"))[0].text, "JP:", "nothing in it")


func test_the_host_hears_an_empty_payload_too() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:") > 0, 1.0)
	joiner.send("RD:kim", port)
	joiner.send("JP:", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 0.5), "joined at once")
	assert_signal_emitted_with_parameters(node, "player_payload", [joiner.key, ""])


func test_an_original_peer_joins_without_a_payload_after_a_bounded_wait() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:") > 0, 1.0)
	var start := Time.get_ticks_msec()
	joiner.send("RD:old", port) # An original peer: no JP, ever.
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 3.0), "joined")
	assert_true(Time.get_ticks_msec() - start >= 900, "after waiting about a second for a JP")
	assert_signal_not_emitted(node, "player_payload", "it sent none")


func test_an_oversized_payload_is_refused_by_join_session() -> void:
	var node := _node({"join_payload": "x".repeat(40)})
	var server := _endpoint()
	assert_eq(node.join_session(server.key + "cyahcyah", "bob"), ERR_INVALID_PARAMETER, "refused at once")
	assert_eq(get_signal_emit_count(node, "failed"), 1, "failed")
	var detail: String = get_signal_parameters(node, "failed")[1]
	assert_true(detail.contains("40") and detail.contains("32"), "names the size and the limit: " + detail)
	assert_eq(node.random_session(server.key, "bob"), ERR_INVALID_PARAMETER, "random too")
	node.join_payload = "y".repeat(32)
	assert_eq(node.join_session(server.key + "cyahcyah", "bob"), OK, "32 characters fit")


func test_a_refused_player_is_told_and_dropped() -> void:
	# Given a host with two players
	var server := _endpoint()
	var kim := _endpoint()
	var lee := _endpoint()
	var node := _node()
	var port := await _host_with(node, server, [kim, lee], ["kim", "lee"])
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 2, 1.0), "two players")
	# When the host's game refuses one
	assert_eq(node.refuse_player(kim.key, "wrong password"), OK, "refused")
	# Then that player is told, left, and not punched or handed over any more
	assert_true(await wait_until(func() -> bool: return kim.count("RJ:wrong password") == 3, 1.0), "three RJ copies")
	assert_signal_emitted_with_parameters(node, "player_left", [kim.key, "kim", "removed"])
	assert_eq(node.get_players().keys(), [lee.key], "only lee is left")
	assert_eq(node.refuse_player(kim.key, "again"), ERR_DOES_NOT_EXIST, "gone")
	server.send(server.answer("NJ:%s:%s" % [kim.key, kim.key]), port)
	await wait_seconds(0.2)
	assert_eq(node.get_players().keys(), [lee.key], "not taken back on a resent NJ")
	node.close_session()
	assert_true(await wait_until(func() -> bool: return lee.count("JH:") > 0, 1.0), "lee is handed over")
	assert_eq(kim.count("JH:"), 0, "kim is not")


func test_the_player_cap_refuses_the_one_too_many() -> void:
	var server := _endpoint()
	var kim := _endpoint()
	var lee := _endpoint()
	var node := _node({"max_players": 1})
	await _host_with(node, server, [kim, lee], ["kim", "lee"])
	assert_true(await wait_until(func() -> bool: return lee.count("RJ:full") > 0, 1.0), "lee is refused: full")
	assert_eq(get_signal_emit_count(node, "player_joined"), 1, "one player")
	assert_signal_emitted_with_parameters(node, "player_joined", [kim.key, "kim"])
	assert_eq(kim.count("RJ:"), 0, "kim stays")
	assert_signal_emitted_with_parameters(node, "player_refused", [lee.key, "lee", "full"])


func test_a_joiner_turned_away_by_the_cap_fails_with_session_full() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node()
	var port := await _join(node, server, host.key, host.key)
	host.send("RD:hana", port)
	host.send("RJ:full", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 1.0), "failed")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.SESSION_FULL, "full"])


func test_a_joiner_refused_by_its_host_fails_with_the_reason() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node()
	var port := await _join(node, server, host.key, host.key)
	host.send("RD:hana", port)
	await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0)
	host.send("RJ:wrong%20password", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 1.0), "failed")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.REFUSED_BY_HOST, "wrong password"])
	assert_eq(node.phase, HolePunch.Phase.IDLE, "the attempt ended")


func test_refusing_needs_a_player_and_a_reason() -> void:
	var server := _endpoint()
	var kim := _endpoint()
	var node := _node()
	assert_eq(node.refuse_player(kim.key, "no"), ERR_DOES_NOT_EXIST, "no session")
	await _host_with(node, server, [kim], ["kim"])
	await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0)
	assert_eq(node.refuse_player(kim.key, ""), ERR_INVALID_PARAMETER, "an empty reason")
