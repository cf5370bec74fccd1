extends "res://test/hostile_case.gd"
## Leaving before the game runs, against scripted server and peer sockets: a host ends its session
## at the server and tells its punched peers, a joiner tells its host, and each side hears the
## other leave; the node is idle again.

const SECRET := "wiwiwiwiwiwiwiwi"


## A host with one joiner of ours punched (pair secret [constant SECRET]); returns the node's port.
func _host_with(node: HolePunch, server: Endpoint, joiner: Endpoint) -> int:
	var port := await _host(node, server)
	server.send("NJ:%s:%s:%s:%s" % [joiner.key, joiner.key, server.nonce(), SECRET], port)
	await wait_until(func() -> bool: return joiner.count("RV:%s:hana" % SECRET) > 0, 1.0)
	joiner.send("RV:%s:jo" % SECRET, port)
	await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0)
	return port


## A joiner that punched its host of ours (pair secret [constant SECRET]); returns the node's port.
func _joined(node: HolePunch, server: Endpoint, host: Endpoint) -> int:
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]) + ":" + SECRET, port)
	await wait_until(func() -> bool: return host.count("RV:%s:bob" % SECRET) > 0, 1.0)
	host.send("RV:%s:hana" % SECRET, port)
	await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0)
	return port


func test_a_host_that_leaves_while_punching_ends_its_session_and_tells_its_peers() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	await _host_with(node, server, joiner)
	var nonce := server.nonce()
	assert_eq(node.leave(), OK, "leave()")
	assert_true(await wait_until(func() -> bool: return server.count("CS:") == 3 and joiner.count("LV:") == 3, 1.0), "CS and LV, three copies each")
	assert_eq(server.count("CS:%scyahcyah:%s" % [server.key, nonce]), 3, "CS with the host's nonce")
	assert_eq(joiner.count("LV:BYE:" + SECRET), 3, "LV with the pair's secret")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "idle")
	assert_eq(node.get_players(), {}, "nobody")
	assert_eq(node.host_session(server.key, "hana"), OK, "it can host again")


func test_a_host_whose_node_leaves_the_tree_ends_its_session() -> void:
	var server := _endpoint()
	var node := _node()
	await _host(node, server)
	node.queue_free()
	assert_true(await wait_until(func() -> bool: return server.count("CS:") == 3, 1.0), "CS, three copies")


func test_a_joiner_that_leaves_tells_its_host() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node()
	await _joined(node, server, host)
	assert_eq(node.leave(), OK, "leave()")
	assert_true(await wait_until(func() -> bool: return host.count("LV:BYE:" + SECRET) == 3, 1.0), "LV, three copies")
	assert_eq(server.count("CS:"), 0, "a joiner ends no session")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "idle")
	assert_eq(node.leave(), ERR_DOES_NOT_EXIST, "nothing left to leave")
	assert_signal_not_emitted(node, "failed", "leaving is no failure")


func test_a_host_hears_a_joiner_leave_only_with_the_pair_secret() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var port := await _host_with(node, server, joiner)
	var dropped := node.dropped_datagrams
	joiner.send("LV:BYE", port)
	joiner.send("LV:BYE:cyahcyahcyahcyah", port)
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams >= dropped + 2, 1.0), "both dropped and counted")
	assert_signal_not_emitted(node, "player_left", "a forged LV")
	joiner.send("LV:BYE:" + SECRET, port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_left") == 1, 1.0), "heard")
	assert_signal_emitted_with_parameters(node, "player_left", [joiner.key, "jo", "left"])
	assert_eq(node.get_players(), {}, "nobody")
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "the session goes on")


func test_a_joiner_hears_its_host_leave() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node()
	var port := await _joined(node, server, host)
	host.send("LV:BYE:" + SECRET, port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 1.0), "heard")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.HOST_LEFT, host.key])
	assert_eq(node.phase, HolePunch.Phase.IDLE, "idle")


func test_a_joiner_whose_session_ended_while_it_punched_hears_host_left() -> void:
	# Given a joiner punching towards a host it never heard (it repeats JS meanwhile)
	var server := _endpoint()
	var silent := _endpoint()
	var node := _node({"punch_timeout": 5.0})
	var port := await _join(node, server, silent.key, silent.key)
	# When the server answers a repeated JS with BK: the session ended (its host left or went silent)
	assert_true(await wait_until(func() -> bool: return server.count("JS:") >= 2, 2.0), "JS repeated")
	server.send(server.answer("BK:%scyahcyah" % server.key), port)
	# Then the joiner hears that its host left, not that punching failed
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 1.0), "failed")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.HOST_LEFT, server.key + "cyahcyah"])


func test_a_host_answers_each_new_joiner_with_a_keep_alive() -> void:
	var server := _endpoint()
	var node := _node({"keep_alive_interval": 60.0})
	var port := await _host(node, server)
	await wait_until(func() -> bool: return server.count("KA:") == 1, 1.0) # The first, at once.
	var joiner := _endpoint()
	server.send("NJ:%s:%s:%s" % [joiner.key, joiner.key, server.nonce()], port)
	assert_true(await wait_until(func() -> bool: return server.count("KA:") == 2, 1.0), "a KA for the NJ")


func test_a_host_taking_late_joiners_is_hosting_the_game_until_it_closes_the_session() -> void:
	var server := _endpoint()
	var node := _node({"manage_game_peer": true, "keep_open": true})
	await _host(node, server)
	assert_eq(node.close_session(), OK, "a game that late joiners may join")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "start_server") == 1, 2.0), "the game server starts")
	assert_eq(node.phase, HolePunch.Phase.HOSTING_GAME, "hosting the game, late joiners welcome")
	assert_true(await wait_until(func() -> bool: return server.count("HL:") > 0, 1.0), "the link to the server")
	assert_eq(node.close_session(), OK, "no more late joiners")
	assert_eq(node.phase, HolePunch.Phase.DONE, "the game runs on, the session is over")
	assert_eq(node.leave(), OK, "leave() ends the game")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "idle again")


func test_close_session_with_nobody_punched_starts_a_game_only_for_late_joiners() -> void:
	var server := _endpoint()
	var node := _node({"manage_game_peer": true})
	await _host(node, server)
	assert_eq(node.close_session(), ERR_DOES_NOT_EXIST, "no game for nobody")
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "the session goes on")
	node.keep_open = true
	assert_eq(node.close_session(), OK, "a game that late joiners may join")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "start_server") == 1, 2.0), "the game server starts")
	node.leave()
