extends "res://test/hostile_case.gd"
## A hostile or forged server: answers without our nonce, relays elsewhere, refusals, and peers
## that must prove the pair secret the server gave them.


# --- 18: relays --------------------------------------------------------------------------

func test_18_a_relay_elsewhere_is_refused() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var fake_relay := _endpoint("127.0.0.2")
	var node := _node({"punch_timeout": 0.2})
	var port := await _join(node, server, host.key, host.key)
	await wait_until(func() -> bool: return server.count("RQ:") > 0, 1.0)
	server.send(server.answer("RG:%s:%s:%s" % [host.key, fake_relay.key, "cyahcyahcyahcyah"]), port)
	await wait_seconds(0.3)
	assert_eq(fake_relay.count("RB:"), 0, "RB to a relay that is not at the server's IP")


func test_18_a_relay_node_elsewhere_is_taken_with_its_grant_and_bound_with_it() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var relay_node := _endpoint("127.0.0.2")
	var node := _node({"punch_timeout": 0.2})
	var port := await _join(node, server, host.key, host.key)
	await wait_until(func() -> bool: return server.count("RQ:") > 0, 1.0)
	var grant := "cyah".repeat(13) + "cy"
	server.send(server.answer("RG:%s:%s:%s" % [host.key, relay_node.key, "cyahcyahcyahcyah"]) + ":" + grant, port)
	assert_true(await wait_until(func() -> bool: return relay_node.count("RB:cyahcyahcyahcyah:" + grant) > 0, 1.0), "RB with the grant to the node")


func test_18_binding_stops_once_a_direct_path_is_heard() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var relay := _endpoint()
	var node := _node({"punch_timeout": 0.2})
	var port := await _join(node, server, host.key, host.key)
	await wait_until(func() -> bool: return server.count("RQ:") > 0, 1.0)
	server.send(server.answer("RG:%s:%s:%s" % [host.key, relay.key, "cyahcyahcyahcyah"]), port)
	assert_true(await wait_until(func() -> bool: return relay.count("RB:") > 0, 1.0), "RB sent")
	host.send("RD:hana", port)
	await wait_seconds(0.1)
	var before := relay.count("RB:")
	await wait_seconds(1.5)
	assert_eq(relay.count("RB:") - before, 0, "RB after the direct path was heard")


# --- 19: server answers and the pair secret ----------------------------------------------

func test_19_server_answers_must_echo_our_nonce() -> void:
	# Given a host whose HS carries a nonce
	var server := _endpoint()
	var node := _node()
	node.host_session(server.key, "hana")
	await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0)
	var port: int = server.received[0].port
	var nonce := server.nonce()
	assert_true(P.is_token(nonce), "HS carries a nonce")
	# When answers come from the server's address without it, or with another
	var hr := "HR:%s:%scyahcyah" % [P.encode_key("127.0.0.1", port), server.key]
	var dropped := node.dropped_datagrams
	server.send(hr, port)
	server.send(hr + ":cyahcyahcyahcyah", port)
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams >= dropped + 2, 1.0), "both dropped and counted")
	# Then they are dropped, and the answer with it counts
	assert_eq(get_signal_emit_count(node, "start_session"), 0, "start_session from a forged HR")
	server.send(hr + ":" + nonce, port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "start_session") > 0, 1.0), "start_session")
	# And a forged NJ (without the host's nonce) introduces nobody
	var victim := _endpoint()
	dropped = node.dropped_datagrams
	server.send("NJ:%s:%s" % [victim.key, victim.key], port)
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams > dropped, 1.0), "the forged NJ dropped and counted")
	assert_eq(victim.count(""), 0, "datagrams to a peer a forged NJ named")


func test_19_a_forged_bk_or_jr_is_dropped() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var impostor := _endpoint()
	var node := _node()
	var id := server.key + "cyahcyah"
	node.join_session(id, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send("BK:" + id, port)
	server.send("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), impostor.key, impostor.key], port)
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams >= 2, 1.0), "both dropped and counted")
	assert_eq(_any_signal(node), 0, "signals from forged answers")
	assert_eq(impostor.count(""), 0, "datagrams to the impostor host")
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]), port)
	assert_true(await wait_until(func() -> bool: return host.count("RD:bob") > 0, 1.0), "the real host is punched")


func test_19_an_original_server_is_trusted_without_nonces() -> void:
	var server := _endpoint()
	var node := _node({"original_server": true})
	node.host_session(server.key, "hana")
	await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0)
	var port: int = server.received[0].port
	assert_eq(server.received[0].text, "HS:" + P.encode_key("127.0.0.1", port), "HS as the original sends it")
	server.send("HR:%s:%scyahcyah" % [P.encode_key("127.0.0.1", port), server.key], port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "start_session") > 0, 1.0), "start_session")


func test_rf_ends_the_attempt_with_refused() -> void:
	var server := _endpoint()
	var node := _node()
	node.host_session(server.key, "hana")
	await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send("RF:address_limit:cyahcyahcyahcyah", port) # Forged: not our nonce.
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams >= 1, 1.0), "the forged RF dropped and counted")
	assert_eq(node.phase, HolePunch.Phase.REQUESTING, "phase after a forged RF")
	server.send(server.answer("RF:address_limit"), port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "refused") > 0, 1.0), "refused emitted")
	assert_signal_emitted_with_parameters(node, "refused", ["address_limit"])
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.ADDRESS_LIMIT, "address_limit"])
	assert_eq(_any_signal(node), 2, "signals")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "the attempt ended")
	var before := server.count("HS:")
	await wait_seconds(0.2)
	assert_eq(server.count("HS:"), before, "no HS after RF")


func test_15_with_a_pair_secret_only_the_peer_counts() -> void:
	# Given a joiner and host of ours that the server gave a pair secret; the host's claimed LAN
	# key (its own IP, so probed) is held by a stranger
	var server := _endpoint()
	var host := _endpoint()
	var stranger := _endpoint()
	var node := _node()
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	var secret := "wiwiwiwiwiwiwiwi"
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, stranger.key]) + ":" + secret, port)
	# Then the joiner proves itself with RV, never RD
	assert_true(await wait_until(func() -> bool: return host.count("RV:%s:bob" % secret) > 0, 1.0), "RV to the host")
	assert_eq(host.count("RD:"), 0, "RD to the host")
	# When the stranger answers on the LAN path, with RD or with a made-up secret
	stranger.send("RD:mallory", port)
	stranger.send("RV:cyahcyahcyahcyah:mallory", port)
	stranger.send("JH:" + stranger.key, port)
	await wait_seconds(0.15)
	assert_eq(get_signal_emit_count(node, "peer_path") + get_signal_emit_count(node, "new_name"), 0, "paths or names from the stranger")
	# And the host answers on its public path: a JH without the secret is no answer, one with it is
	host.send("RV:%s:hana" % secret, port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "new_name") > 0, 1.0), "the host's name")
	host.send("JH:" + host.key, port)
	await wait_seconds(0.1)
	assert_eq(host.count("JD:"), 0, "JD to a JH without the secret")
	host.send("JH:%s:%s" % [host.key, secret], port)
	assert_true(await wait_until(func() -> bool: return host.count("JD:DONE:" + secret) > 0, 1.0), "JD with the secret")
	assert_eq(stranger.count("JD:"), 0, "JD to the stranger")
