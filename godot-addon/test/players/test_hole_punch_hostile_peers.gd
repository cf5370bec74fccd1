extends "res://test/hostile_case.gd"
## Hostile peers: claimed LAN addresses, strangers on a shared network, griefers in the handover,
## floods, aliases, a host that vanishes.


# --- 5: claimed LAN addresses ------------------------------------------------------------

func test_5_a_public_lan_claim_is_never_probed() -> void:
	# Given a host whose claimed LAN key is a public address (and one loopback can bind)
	var server := _endpoint()
	var host := _endpoint()
	var reflector := _endpoint("127.0.0.2")
	var node := _node()
	for claimed: String in [P.encode_key("8.8.8.8", 53), reflector.key]:
		node.sent.clear()
		# When the joiner punches for a while (a few punch packets to the public address)
		var punched := host.count("RD:")
		await _join(node, server, host.key, claimed)
		await wait_until(func() -> bool: return host.count("RD:") >= punched + 3, 1.0)
		# Then nothing went to the claimed address, while the public one was punched
		assert_eq(node.sent_to("8.8.8.8") + reflector.count(""), 0, "datagrams to the claimed LAN address %s" % claimed)
		assert_true(host.count("RD:") > 0, "the public address is punched")
		node.close_session()


func test_15_a_host_elsewhere_keeps_its_lan_address_to_itself() -> void:
	# Given a joiner on a café network 192.168.1.0/24 and a host behind another public address,
	# claiming a LAN address that also exists in the café
	var server := _endpoint()
	var host := _endpoint()
	var node := _node({"lan_address": "192.168.1.20"})
	var lan := P.encode_key("192.168.1.30", 5000)
	var port := await _join(node, server, host.key, lan, "198.51.100.7")
	await wait_seconds(0.2)
	assert_eq(node.sent_to("192.168.1.30"), 0, "datagrams to the café's 192.168.1.30")
	# When the stranger at 192.168.1.30 answers and hands over (loopback cannot send from that
	# address, so its datagrams are handed to the node as the socket would)
	node._session._receive("RD:mallory".to_ascii_buffer(), "192.168.1.30", 5000)
	node._session._receive(("JH:" + lan).to_ascii_buffer(), "192.168.1.30", 5000)
	await wait_seconds(0.1)
	# Then nothing of it counts, and the real host still gets the handover
	assert_eq(get_signal_emit_count(node, "new_name") + get_signal_emit_count(node, "peer_path"), 0, "names or paths from the stranger")
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "phase after the stranger's JH")
	host.send("RD:hana", port)
	host.send("JH:" + host.key, port)
	assert_true(await wait_until(func() -> bool: return host.count("JD:DONE") > 0, 1.0), "JD to the real host")


func test_15_jh_counts_only_on_the_path_in_use() -> void:
	# Given a joiner that heard its host on the public path; the host's claimed LAN key is held
	# by a stranger (the host's own IP, so it is probed)
	var server := _endpoint()
	var host := _endpoint()
	var stranger := _endpoint()
	var node := _node({"punch_timeout": 0.3})
	var port := await _join(node, server, host.key, stranger.key)
	host.send("RD:hana", port)
	await wait_until(func() -> bool: return get_signal_emit_count(node, "peer_path") > 0, 1.0)
	# When the stranger hands over on the LAN path
	stranger.send("JH:" + stranger.key, port)
	await wait_seconds(0.15)
	# Then it is no answer, and the path stays
	assert_eq(stranger.count("JD:"), 0, "JD to the stranger")
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "phase")
	# And once the LAN is no longer probed, its punch packets do not move the path either
	await wait_seconds(0.3)
	stranger.send("RD:mallory", port)
	stranger.send("JH:" + stranger.key, port)
	await wait_seconds(0.15)
	assert_eq(get_signal_emit_count(node, "peer_path"), 1, "paths")
	assert_signal_emitted_with_parameters(node, "peer_path", [host.key, "public"])
	assert_eq(stranger.count("JD:"), 0, "JD to the stranger")


# --- 14: handover ------------------------------------------------------------------------

func test_14_a_griefer_cannot_hold_the_handover() -> void:
	# Given a host with a good client and a griefer that keeps punching instead of answering JH
	var server := _endpoint()
	var good := _endpoint()
	var griefer := _endpoint()
	var node := _node({"handover_silence": 0.3, "handover_deadline": 1.0})
	var port := await _host(node, server)
	for joiner: Endpoint in [good, griefer]:
		server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return good.count("RD:") > 0 and griefer.count("RD:") > 0, 1.0)
	good.send("RD:good", port)
	good.send("JP:", port)
	griefer.send("RD:griefer", port)
	griefer.send("JP:", port)
	await wait_seconds(0.1)
	node.close_session()
	var started := Time.get_ticks_msec()
	# When the good client answers and the griefer sends RD every 50 ms
	var done := false
	while not done and Time.get_ticks_msec() - started < 3000:
		griefer.send("RD:griefer", port)
		if good.count("JH:") > 0 and good.count("JD") == 0:
			good.send("JD:DONE", port)
		await wait_seconds(0.05)
		done = get_signal_emit_count(node, "start_server") > 0
	# Then the game server starts by the deadline
	var waited := (Time.get_ticks_msec() - started) / 1000.0
	assert_true(done, "start_server emitted (waited %.2f s)" % waited)
	assert_true(waited < 1.5, "within handover_deadline (waited %.2f s)" % waited)


# --- 16: the node as a reflector ---------------------------------------------------------

func test_16_peers_are_capped() -> void:
	var server := _endpoint()
	var node := _node({"max_peers": 4})
	var port := await _host(node, server)
	for i in 10:
		var key := P.encode_key("127.0.0.1", 40001 + i)
		server.send(server.answer("NJ:%s:%s" % [key, key]), port)
	await wait_seconds(0.3)
	var targets := {}
	for s: Dictionary in node.sent:
		if s.text.begins_with("RD:"):
			targets[s.port] = true
	assert_eq(targets.size(), 4, "peers punched")


func test_16_a_failed_peer_is_not_punched_again() -> void:
	var server := _endpoint()
	var silent := _endpoint()
	var node := _node({"punch_timeout": 0.2, "use_relay": false})
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [silent.key, silent.key]), port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "punch_failed") > 0, 1.0), "punch_failed")
	var before := silent.count("RD:")
	server.send(server.answer("NJ:%s:%s" % [silent.key, silent.key]), port)
	await wait_seconds(0.3)
	assert_eq(silent.count("RD:") - before, 0, "RD to the peer introduced again")


func test_5_16_an_unanswered_lan_path_is_dropped() -> void:
	# Given a host whose LAN address (its own IP, so probed) never answers
	var server := _endpoint()
	var host := _endpoint()
	var lan := _endpoint()
	var node := _node({"punch_timeout": 0.3, "relay_timeout": 2.0})
	var port := await _join(node, server, host.key, lan.key)
	assert_true(await wait_until(func() -> bool: return lan.count("RD:") > 0, 1.0), "the LAN path is probed at first")
	# When nothing answers past punch_timeout, the LAN path is no longer probed
	await wait_seconds(0.25)
	var before := lan.count("RD:")
	await wait_seconds(0.3)
	assert_eq(lan.count("RD:") - before, 0, "RD to the LAN path after punch_timeout")
	# And once the public path answers, only it is kept open
	host.send("RD:hana", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "peer_path") > 0, 1.0), "the public path chosen")
	before = lan.count("RD:")
	await wait_seconds(0.6)
	assert_eq(lan.count("RD:") - before, 0, "RD to the LAN path once a path is chosen")
	assert_true(host.count("RD:") > 0, "the public path is kept open")


# --- 17: aliases -------------------------------------------------------------------------

func test_17_a_peer_has_one_name() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:") > 0, 1.0)
	joiner.send("RD:eve:mallory:trent", port)
	for i in 50:
		joiner.send("RD:x%d" % i, port)
	await wait_seconds(0.2)
	assert_eq(get_signal_emit_count(node, "new_name"), 1, "names")
	assert_signal_emitted_with_parameters(node, "new_name", ["eve"])


func test_17_a_client_takes_the_other_names_from_its_host() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node()
	var port := await _join(node, server, host.key, host.key)
	host.send("RD:hana:bob:kim", port)
	await wait_until(func() -> bool: return get_signal_emit_count(node, "new_name") >= 2, 1.0)
	assert_eq(get_signal_emit_count(node, "new_name"), 2, "names")
	assert_signal_emitted_with_parameters(node, "new_name", ["hana"], 0)
	assert_signal_emitted_with_parameters(node, "new_name", ["kim"], 1)


func test_17_punch_packets_stay_within_512_bytes() -> void:
	# Given a host with a 32-letter alias and 15 clients with 32-letter aliases
	var server := _endpoint()
	var node := _node()
	var port := await _host(node, server, "h".repeat(32))
	var joiners: Array[Endpoint] = []
	for i in 15:
		var joiner := _endpoint()
		joiners.append(joiner)
		server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiners.all(func(j: Endpoint) -> bool: return j.count("RD:") > 0), 1.0)
	for i in 15:
		joiners[i].send("RD:" + ("%02d" % i).repeat(16), port)
	await wait_until(func() -> bool: return get_signal_emit_count(node, "new_name") >= 15, 1.0)
	var punched := joiners[0].count("RD:")
	await wait_until(func() -> bool: return joiners[0].count("RD:") > punched, 1.0) # One RD naming them all.
	# Then every punch packet the host sends is one the clients accept
	var last: Array[Dictionary] = joiners[0].poll().filter(func(r: Dictionary) -> bool: return r.text.begins_with("RD:"))
	assert_true(last.size() > 0, "RD received")
	var largest := 0
	for r in last:
		largest = maxi(largest, r.size)
	assert_true(largest <= 512, "largest RD is %d bytes" % largest)
	assert_true(P.parse(last[-1].text.to_ascii_buffer()) != null, "the last RD parses")


# --- 20: floods --------------------------------------------------------------------------

func test_20_datagrams_handled_per_frame_are_capped() -> void:
	var server := _endpoint()
	var stranger := _endpoint()
	var node := _node({"max_datagrams_per_frame": 16})
	var port := await _host(node, server)
	for i in 100:
		stranger.send("RD:junk", port)
	var before := node.dropped_datagrams
	# Between two process frames the node processes once (this test may resume mid-frame).
	await get_tree().process_frame
	var frame_start := node.dropped_datagrams
	await get_tree().process_frame
	var one_frame := node.dropped_datagrams - frame_start
	assert_true(one_frame > 0 and one_frame <= 16, "dropped in one frame: %d" % one_frame)
	assert_true(await wait_until(func() -> bool: return node.dropped_datagrams - before == 100, 2.0), "the rest in the next frames")


# --- 21: a vanished host, a rejected JH --------------------------------------------------

func test_21_a_client_whose_host_falls_silent_gives_up() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node({"peer_timeout": 0.5})
	var port := await _join(node, server, host.key, host.key)
	host.send("RD:hana", port)
	var heard := Time.get_ticks_msec()
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "peer_lost") > 0, 2.0), "peer_lost emitted")
	var waited := (Time.get_ticks_msec() - heard) / 1000.0
	assert_true(waited >= 0.45 and waited < 1.0, "after peer_timeout (waited %.2f s)" % waited)
	assert_signal_emitted_with_parameters(node, "peer_lost", [host.key])
	assert_eq(node.phase, HolePunch.Phase.IDLE, "the attempt ended")


func test_21_a_rejected_jh_changes_nothing() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var elsewhere := _endpoint()
	var node := _node()
	var port := await _join(node, server, host.key, host.key)
	host.send("JH:" + elsewhere.key, port)
	await wait_seconds(0.15)
	assert_eq(get_signal_emit_count(node, "peer_path"), 0, "peer_path after a JH naming a foreign address")
	assert_eq(host.count("JD:"), 0, "JD")
	assert_eq(node.get_host(), host.key, "get_host")
