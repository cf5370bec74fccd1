extends "res://test/hostile_case.gd"
## A host's listing in the public lobby list: a running game that takes late joiners
## ([member HolePunch.keep_open]) lists it, or changes its listing, from the late join's link, resent
## there until the server confirms it; and the listing says how many players the host counts, sent
## again when that moves; against a scripted server and joiner.


## A host that started its game for late joiners alone and whose link the server accepted;
## resolves with the link's port.
func _hosting_game(node: HolePunch, server: Endpoint) -> int:
	await _host(node, server)
	return await _start_game(node, server)


## Starts the game of [param node], hosting already, and has the server accept its link.
func _start_game(node: HolePunch, server: Endpoint) -> int:
	assert_eq(node.close_session(), OK, "the game starts for late joiners")
	assert_true(await wait_until(func() -> bool: return server.count("HL:") > 0, 2.0), "HL from the link")
	var link: int = server.received.filter(func(r: Dictionary) -> bool: return r.text.begins_with("HL:"))[0].port
	server.send("HR:%s:%scyahcyah:%s" % [P.encode_key("127.0.0.1", node.get_local_port()), server.key, server.nonce()], link)
	assert_true(await wait_until(func() -> bool: return node._session._late.is_linked(), 1.0), "linked")
	return link


func _listings_from(server: Endpoint, port: int) -> Array:
	server.poll()
	return server.received.filter(func(r: Dictionary) -> bool: return r.text.begins_with("LP:") and r.port == port)


func test_a_running_game_that_takes_late_joiners_may_be_listed() -> void:
	var server := _endpoint()
	var node := _node({"manage_game_peer": true, "keep_open": true, "max_players": 3, "keep_alive_interval": 0.2})
	var link := await _hosting_game(node, server)
	assert_eq(node.phase, HolePunch.Phase.HOSTING_GAME, "the game runs and takes late joiners")
	# When the running game lists itself
	assert_eq(node.publish_session({"name": "Drop in", "mode": "coop"}), OK, "publish_session in the game")
	# Then the listing leaves from the link, with the host's cap and alias
	var sent: bool = await wait_until(func() -> bool: return _listings_from(server, link).size() > 0, 1.0)
	assert_true(sent, "LP from the link")
	if not sent:
		return
	var listing: String = _listings_from(server, link)[0].text
	assert_true(listing.begins_with("LP:%scyahcyah:" % server.key) and listing.contains(":4:hana:Drop in:coop:"), listing)
	# And it is resent with the keep-alives until the server confirms it, then no more
	assert_true(await wait_until(func() -> bool: return _listings_from(server, link).size() > 1, 1.0), "resent")
	server.send("LD:%scyahcyah:%s" % [server.key, server.nonce()], link)
	await wait_seconds(0.1)
	var confirmed := _listings_from(server, link).size()
	await wait_seconds(0.5)
	assert_eq(_listings_from(server, link).size(), confirmed, "not resent once confirmed")
	node.leave()


func test_a_listing_not_yet_confirmed_when_the_game_starts_is_resent_from_the_link() -> void:
	var server := _endpoint()
	var node := _node({"manage_game_peer": true, "keep_open": true, "keep_alive_interval": 0.2})
	await _host(node, server)
	assert_eq(node.publish_session({"name": "Drop in"}), OK, "listed while hosting")
	# When the game starts before the server confirmed the listing
	var link := await _start_game(node, server)
	# Then the link sends it on
	assert_true(await wait_until(func() -> bool: return _listings_from(server, link).size() > 0, 1.0), "LP from the link")
	node.leave()


func test_a_game_that_no_longer_takes_joiners_cannot_be_listed() -> void:
	var server := _endpoint()
	var node := _node({"manage_game_peer": true, "keep_open": true})
	await _hosting_game(node, server)
	assert_eq(node.close_session(), OK, "no more late joiners")
	assert_eq(node.publish_session({"name": "Drop in"}), ERR_DOES_NOT_EXIST, "no session to list")
	node.leave()



func test_the_listing_counts_the_players_the_host_let_in_and_follows_them() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node({"keep_alive_interval": 60.0})
	var port := await _host(node, server)
	assert_eq(node.publish_session({"name": "Drop in"}), OK, "listed")
	assert_true(await wait_until(func() -> bool: return _listings_from(server, port).size() == 1, 1.0), "LP")
	assert_true(_listings_from(server, port)[0].text.ends_with(":Drop in::::1"), "the host alone: %s" % _listings_from(server, port)[0].text)
	server.send("LD:%scyahcyah:%s" % [server.key, server.nonce()], port)
	# When a player is let in
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:") > 0, 1.0)
	joiner.send("RD:kim", port)
	joiner.send("JP:", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 2.0), "joined")
	# Then the listing goes again with two players
	assert_true(await wait_until(func() -> bool: return _listings_from(server, port).any(func(r: Dictionary) -> bool: return r.text.ends_with(":Drop in::::2")), 1.5), "LP with two players")
	server.send("LD:%scyahcyah:%s" % [server.key, server.nonce()], port)
	# And when the host removes it, with one
	assert_eq(node.refuse_player(joiner.key, "bye"), OK, "removed")
	assert_true(await wait_until(func() -> bool: return _listings_from(server, port).back().text.ends_with(":Drop in::::1"), 1.5), "LP with the host alone")
	node.leave()
