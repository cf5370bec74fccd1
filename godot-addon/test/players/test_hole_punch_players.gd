extends "res://test/hostile_case.gd"
## Players with identities and typed failures, against scripted server and peer sockets.

const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")


func test_two_players_with_the_same_alias_are_two_players() -> void:
	# Given a host and two joiners that both call themselves "bob"
	var server := _endpoint()
	var bob1 := _endpoint()
	var bob2 := _endpoint("127.0.0.2")
	var node := _node()
	var port := await _host(node, server)
	for joiner: Endpoint in [bob1, bob2]:
		server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return bob1.count("RD:") > 0 and bob2.count("RD:") > 0, 1.0)
	# When both punch back
	bob1.send("RD:bob", port)
	bob2.send("RD:bob", port)
	# Then each is a player of its own, under its own key (original peers: once no JP came)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 2, 2.5), "two players joined")
	assert_signal_emitted_with_parameters(node, "player_joined", [bob1.key, "bob"], 0)
	assert_signal_emitted_with_parameters(node, "player_joined", [bob2.key, "bob"], 1)
	var players := node.get_players()
	assert_eq(players.keys().size(), 2, "two players")
	assert_eq(players[bob2.key], {"alias": "bob", "path": "public", "peer_id": 0, "rtt": -1, "data": {}}, "alias, path, no ENet id or round trip yet")


func test_no_players_before_a_session() -> void:
	var node := _node()
	assert_eq(node.get_players(), {}, "none")
	assert_eq(node.get_peer_id("qucycyahenky"), 0, "no peer id")


func test_utf8_aliases_arrive_decoded() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var port := await _host(node, server, "José")
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	assert_true(await wait_until(func() -> bool: return joiner.count("RD:Jos%C3%A9") > 0, 1.0), "our alias percent-encoded on the wire")
	joiner.send("RD:Zo%C3%AB", port)
	joiner.send("JP:", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0), "joined")
	assert_signal_emitted_with_parameters(node, "player_joined", [joiner.key, "Zoë"])
	assert_signal_emitted_with_parameters(node, "new_name", ["Zoë"])


func test_a_host_reports_a_silent_player_as_left_and_goes_on() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node({"peer_timeout": 0.5})
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:") > 0, 1.0)
	joiner.send("RD:kim", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_left") == 1, 2.0), "left")
	assert_signal_emitted_with_parameters(node, "player_left", [joiner.key, "kim", "lost"])
	assert_signal_not_emitted(node, "failed", "the session goes on")
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "still hosting")


func test_forgiving_codes_are_sent_normalized() -> void:
	var server := _endpoint()
	var node := _node()
	var code := server.key + "cyahcyah"
	var typed := "%s-%s %s" % [code.substr(0, 4).to_upper(), code.substr(4, 8), code.substr(12)]
	assert_eq(node.join_session(typed, "bob"), OK, "accepted")
	assert_true(await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0), "JS sent")
	assert_true(server.received[0].text.contains(":" + code), "as the code itself")
	assert_eq(node.get_session_id(), code, "session id")


func test_server_silent_is_a_typed_failure() -> void:
	var server := _endpoint()
	var node := _node({"server_timeout": 0.3})
	node.host_session(server.key, "ann")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 2.0), "failed")
	var address := "127.0.0.1:%d" % HolePunchProtocol.decode_key(server.key).port
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.SERVER_SILENT, address], -1) # the address tried, not the key
	assert_signal_emitted(node, "bad_server", "the original signal too")
	var words := HolePunch.describe(HolePunch.Failure.SERVER_SILENT, address)
	assert_true(words.contains(address) and words.contains("did not answer"), "in words: " + words)


func test_unknown_code_and_full_session_are_typed_failures() -> void:
	var server := _endpoint()
	var node := _node()
	var code := server.key + "cyahcyah"
	node.join_session(code, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	server.send(server.answer("BK:" + code), server.received[0].port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 1.0), "failed")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.CODE_UNKNOWN, code])
	server.received.clear()
	node.join_session(code, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	server.send(server.answer("RF:session_full"), server.received[0].port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 2, 1.0), "failed again")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.SESSION_FULL, "session_full"])


func test_punching_failed_and_relay_unavailable_are_told_apart() -> void:
	for use_relay: bool in [false, true]:
		var server := _endpoint()
		var silent_host := _endpoint()
		var node := _node({"punch_timeout": 0.2, "relay_timeout": 0.2, "use_relay": use_relay})
		await _join(node, server, silent_host.key, silent_host.key)
		assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 2.0), "failed (relay %s)" % use_relay)
		var why := HolePunch.Failure.RELAY_UNAVAILABLE if use_relay else HolePunch.Failure.PUNCHING_FAILED
		assert_signal_emitted_with_parameters(node, "failed", [why, silent_host.key])


func test_a_joiner_whose_host_goes_silent_fails_with_host_lost() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node({"peer_timeout": 0.5})
	var port := await _join(node, server, host.key, host.key)
	host.send("RD:hana", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0), "the host joined")
	assert_signal_emitted_with_parameters(node, "player_joined", [host.key, "hana"])
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 2.0), "failed")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.HOST_LOST, host.key])


func test_a_joiner_whose_game_cannot_reach_its_host_lists_no_players() -> void:
	# Given a joiner that punched its host and was handed over to it, with its own game
	var server := _endpoint()
	var host := _endpoint()
	var node := _node({"manage_game_peer": true, "game_retry_interval": 0.2, "game_connect_timeout": 0.6})
	get_tree().set_multiplayer(SceneMultiplayer.new(), node.get_path())
	var port := await _join(node, server, host.key, host.key)
	host.send("RD:hana", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0), "the host joined")
	host.send("JH:" + host.key, port)
	assert_true(await wait_until(func() -> bool: return host.count("JD:DONE") >= 1, 1.0), "handed over")
	host.send("JG:GO", port)
	# When the host's game never answers
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 3.0), "failed")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.GAME_CONNECT_FAILED, error_string(ERR_TIMEOUT)])
	# Then its attempt ended: it lists nobody, as after leave()
	assert_eq(node.get_players(), {}, "no players")
	if node.multiplayer.multiplayer_peer != null:
		node.multiplayer.multiplayer_peer.close()
	get_tree().set_multiplayer(null, node.get_path())


func test_a_host_whose_player_leaves_keeps_its_other_players() -> void:
	var server := _endpoint()
	var kim := _endpoint()
	var lee := _endpoint()
	var node := _node({"peer_timeout": 0.6})
	var port := await _host(node, server)
	for joiner: Endpoint in [kim, lee]:
		server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return kim.count("RD:") > 0 and lee.count("RD:") > 0, 1.0)
	kim.send("RD:kim", port)
	kim.send("JP:", port)
	lee.send("RD:lee", port)
	lee.send("JP:", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 2, 1.5), "two players")
	# When kim goes silent while lee keeps punching
	assert_true(await wait_until(func() -> bool:
		lee.send("RD:lee", port)
		return get_signal_emit_count(node, "player_left") == 1, 3.0), "kim left")
	# Then the session goes on with lee
	assert_signal_emitted_with_parameters(node, "player_left", [kim.key, "kim", "lost"])
	assert_eq(node.get_players().keys(), [lee.key], "lee is still a player")
