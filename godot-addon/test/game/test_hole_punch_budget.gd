extends "res://test/hostile_case.gd"
## What one introduction the peer never asked for (a spoofed request, a rogue server's word) costs
## the introduced address: a node of ours sends it at most the punch budget of an unheard peer,
## [code]HolePunchPeer.PUNCH_ROUNDS[/code] rounds, however long it keeps trying, and a late-join
## host no more. Counted at the victim's socket over real UDP on loopback.

const HolePunchLateJoin := preload("res://addons/simple_hole_punch/game/hole_punch_late_join.gd")

## The stated budget, in rounds of punch packets (the constant, written out so that the count is
## checked against the promise, not against whatever the code says).
const BUDGET := 24
const SECRET := "mwmwmwmwmwmwmwmw"


func test_a_host_punches_a_peer_that_never_answers_within_its_budget() -> void:
	# Given a host that would punch for a long time and fast,
	var server := _endpoint()
	var victim := _endpoint("127.0.0.9")
	var node := _node({"punch_interval": 0.01, "punch_timeout": 30.0, "use_relay": false})
	var port := await _host(node, server)
	# when the server introduces an address that never answers,
	server.send(server.answer("NJ:%s:%s" % [victim.key, victim.key]) + ":" + SECRET, port)
	await _listen(victim, 4.0)
	# then the victim gets at most the budget (one punch packet a round), and still punching was tried.
	var got := victim.poll().size()
	assert_true(got > 0, "the introduced peer was punched")
	assert_true(got <= BUDGET, "at most %d datagrams at the victim, got %d" % [BUDGET, got])


func test_a_late_join_host_under_a_spoofed_join_stays_within_its_budget_and_never_restarts() -> void:
	# Given a host whose game runs and which takes late joiners through its link to the server,
	var server := _endpoint()
	var victim := _endpoint("127.0.0.9")
	var node := _node({"handover_interval": 0.01, "punch_timeout": 0.5, "relay_timeout": 0.5, "handover_deadline": 0.5, "use_relay": false})
	await _host(node, server)
	var game := ENetMultiplayerPeer.new()
	assert_eq(game.create_server(Ports.free_port()), OK, "the game's server listens")
	node._session._game.peer = game # The node's game peer sends the late join's punches from the game's port.
	node._session._start_late_join()
	assert_true(await wait_until(func() -> bool: return server.count("HL:") > 0, 1.0), "HL from the link")
	var link: int = server.received.filter(func(r: Dictionary) -> bool: return r.text.begins_with("HL:"))[0].port
	var nonce := server.nonce()
	server.send("HR:%s:%scyahcyah:%s" % [P.encode_key("127.0.0.1", node.get_local_port()), server.key, nonce], link)
	assert_true(await wait_until(func() -> bool: return node._session._late.is_linked(), 1.0), "linked")
	# when the server introduces an address that never asked (one spoofed join), and again after
	# the host gave it up,
	var nj := "NJ:%s:%s:%s:%s" % [victim.key, victim.key, nonce, SECRET]
	server.send(nj, link)
	await _listen(victim, 2.0)
	var first := victim.poll().size()
	server.send(nj, link)
	await _listen(victim, 1.0)
	# then the victim gets at most the budget of three packets a round (RV, JH, JG), once.
	var got := victim.poll().size()
	assert_true(first > 0, "the late joiner was punched")
	assert_true(got <= 3 * BUDGET, "at most %d datagrams at the victim, got %d" % [3 * BUDGET, got])
	assert_eq(got, first, "a replayed introduction starts nothing")
	node._session._end_late_join()
	game.close()


## Reads [param victim] every frame for [param seconds]: its socket's queue never overflows.
func _listen(victim: Endpoint, seconds: float) -> void:
	var until := Time.get_ticks_msec() + int(seconds * 1000.0)
	while Time.get_ticks_msec() < until:
		victim.poll()
		await wait_seconds(0.01)
