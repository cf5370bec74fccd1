extends "res://test/game_case.gd"
## Players in a running game, over the game connection itself: a late joiner says who it is and
## comes under the host's player cap and refusals; every client knows every player.


func test_a_late_joiners_alias_and_payload_reach_the_host() -> void:
	# Given a game running with one player
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	# When a late joiner with a UTF-8 alias and a payload comes in
	var zoe := late("Zoe", "Zoë", "v1.2")
	assert_true(await connected(zoe), "zoë in the game")
	# Then the host knows who it is, by key, with its payload, peer id and path
	var key: String = zoe._session._public_key
	var id := zoe.multiplayer.get_unique_id()
	assert_signal_emitted_with_parameters(host, "player_joined", [key, "Zoë"])
	assert_signal_emitted_with_parameters(host, "player_payload", [key, "v1.2"])
	assert_eq(host.get_peer_id(key), id, "its peer id")
	assert_eq(_but_rtt(host.get_players().get(key, {})), {"alias": "Zoë", "path": "public", "peer_id": id, "data": {}}, "in get_players")
	assert_eq(host.get_players().size(), 2, "ann and zoë")


func test_a_late_joiner_without_payload_still_brings_player_payload() -> void:
	start([])
	var kim := late("Kim", "kim")
	assert_true(await connected(kim), "kim in the game")
	assert_signal_emitted_with_parameters(host, "player_payload", [kim._session._public_key, ""])


func test_the_player_cap_refuses_a_late_joiner() -> void:
	# Given a game capped at one player, with one in
	host.max_players = 1
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	watch_signals(host.multiplayer)
	# When another player joins the running game
	var kim := late("Kim", "kim")
	var kim_key := kim._session._public_key # Taken now: a node whose attempt ended forgets its key.
	# Then it is refused as full, and never becomes a peer of the game
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "failed") == 1, 5.0), "kim refused")
	assert_signal_emitted_with_parameters(kim, "failed", [HolePunch.Failure.SESSION_FULL, "full"])
	assert_signal_not_emitted(kim, "game_connected")
	assert_signal_not_emitted(host, "player_joined", "no player_joined")
	assert_signal_emitted_with_parameters(host, "player_refused", [kim_key, "kim", "full"])
	assert_signal_not_emitted(host.multiplayer, "peer_connected", "not in the host's game")
	assert_eq(host.get_players().keys(), [ann._session._public_key], "only ann")


func test_refuse_player_turns_a_late_joiner_away_before_it_is_in() -> void:
	# Given a game whose host refuses a wrong password
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	host.player_payload.connect(func(key: String, payload: String) -> void:
		if payload != "secret":
			host.refuse_player(key, "wrong password"))
	watch_signals(host.multiplayer)
	watch_signals(ann.multiplayer)
	# When a late joiner brings the wrong one
	var kim := late("Kim", "kim", "guess")
	var kim_key := kim._session._public_key # Taken now: a node whose attempt ended forgets its key.
	# Then it is told why, and no game ever sees it as a peer
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "failed") == 1, 5.0), "kim refused")
	assert_signal_emitted_with_parameters(kim, "failed", [HolePunch.Failure.REFUSED_BY_HOST, "wrong password"])
	assert_signal_not_emitted(host, "player_joined", "refused on its payload, before it joined")
	assert_signal_not_emitted(host, "player_left", "so it never left either")
	await wait_seconds(0.3)
	assert_signal_not_emitted(host.multiplayer, "peer_connected", "not in the host's game")
	assert_signal_not_emitted(ann.multiplayer, "peer_connected", "not in ann's game")
	assert_signal_not_emitted(kim, "game_connected")
	assert_false(host.get_players().has(kim_key), "not a player")
	# And it cannot come back from its address
	kim.start_client.emit("127.0.0.1", port, kim.get_meta("port"))
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "failed") == 2, 5.0), "refused again")
	assert_signal_emitted_with_parameters(kim, "failed", [HolePunch.Failure.REFUSED_BY_HOST, "wrong password"])


func test_refuse_player_removes_a_player_already_in_the_game() -> void:
	# Given a game with ann and a late joiner kim, who know each other
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	var kim := late("Kim", "kim")
	var kim_key := kim._session._public_key # Taken now: a node whose attempt ended forgets its key.
	assert_true(await connected(kim), "kim in the game")
	assert_true(await wait_until(func() -> bool: return ann.get_peer_id(kim_key) != 0, 2.0), "ann knows kim")
	# When the host's game removes kim
	assert_eq(host.refuse_player(kim_key, "bye"), OK, "refused")
	# Then kim is told, and gone from every roster
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "failed") == 1, 5.0), "kim told")
	assert_signal_emitted_with_parameters(kim, "failed", [HolePunch.Failure.REFUSED_BY_HOST, "bye"])
	assert_signal_emitted_with_parameters(host, "player_left", [kim_key, "kim", "removed"])
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "player_left") == 1, 2.0), "ann told")
	assert_signal_emitted_with_parameters(ann, "player_left", [kim_key, "kim", "removed"])
	assert_true(await wait_until(func() -> bool: return host.multiplayer.get_peers().size() == 1, 5.0), "disconnected")
	assert_eq(host.refuse_player(kim_key, "again"), ERR_DOES_NOT_EXIST, "no longer a player")


func test_each_client_knows_every_player_with_peer_ids() -> void:
	# Given two players handed over, and one joining later
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in the game")
	var kim := late("Kim", "kim")
	assert_true(await connected(kim), "kim in the game")
	# Then every client knows every other player: key, alias, path to the host and peer id
	var clients: Array[HolePunch] = [ann, bob, kim]
	var everyone_known := func() -> bool:
		return clients.all(func(c: HolePunch) -> bool: return clients.all(func(o: HolePunch) -> bool: return c == o or c.get_peer_id(o._session._public_key) == o.multiplayer.get_unique_id()))
	assert_true(await wait_until(everyone_known, 3.0), "every client has every other's peer id")
	for client in clients:
		var players := client.get_players()
		assert_eq(_but_rtt(players.get(host._session._public_key, {})), {"alias": "hana", "path": "public", "peer_id": 1, "data": {}}, "%s: the host" % client.name)
		assert_eq(players.size(), 3, "%s: the host and the two others" % client.name)
		assert_false(players.has(client._session._public_key), "%s: not itself" % client.name)
		for other in clients:
			if other != client:
				var id := other.multiplayer.get_unique_id()
				assert_eq(_but_rtt(players.get(other._session._public_key, {})), {"alias": other.get_meta("alias"), "path": "public", "peer_id": id, "data": {}}, "%s knows %s" % [client.name, other.name])
				assert_signal_emitted(client, "player_joined", "%s: player_joined" % client.name)
	assert_eq(get_signal_parameters(ann, "player_joined", 0), [bob._session._public_key, "bob"], "ann: bob joined")
	assert_eq(get_signal_parameters(ann, "player_joined", 1), [kim._session._public_key, "kim"], "ann: then kim")
	assert_eq(get_signal_emit_count(ann, "player_joined"), 2, "ann: each once")


func test_a_player_whose_game_connection_closes_leaves_every_roster() -> void:
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in the game")
	assert_true(await wait_until(func() -> bool: return ann.get_peer_id(bob._session._public_key) != 0, 2.0), "ann knows bob")
	# When bob's game closes its connection
	bob.multiplayer.multiplayer_peer.close()
	# Then, once it did not come back, bob left, on the host and on ann's side
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "player_left") == 1, 4.0), "ann told")
	assert_signal_emitted_with_parameters(host, "player_left", [bob._session._public_key, "bob", "left"])
	assert_signal_emitted_with_parameters(ann, "player_left", [bob._session._public_key, "bob", "left"])
	assert_eq(ann.get_peer_id(bob._session._public_key), 0, "no peer id")
	assert_eq(host.get_players().keys(), [ann._session._public_key], "only ann")


func test_a_player_the_host_turns_away_is_left_with_no_players() -> void:
	# Given a game capped at one player, with one in, whose host refuses a wrong password
	host.max_players = 1
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	host.player_payload.connect(func(key: String, payload: String) -> void:
		if payload == "guess":
			host.refuse_player(key, "wrong password"))
	# When one more joins over the cap, and one brings the wrong password (a free place for it)
	var kim := late("Kim", "kim")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "failed") == 1, 5.0), "kim refused")
	assert_signal_emitted_with_parameters(kim, "failed", [HolePunch.Failure.SESSION_FULL, "full"])
	host.max_players = 2
	var lee := late("Lee", "lee", "guess")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(lee, "failed") == 1, 5.0), "lee refused")
	assert_signal_emitted_with_parameters(lee, "failed", [HolePunch.Failure.REFUSED_BY_HOST, "wrong password"])
	# Then each one's attempt ended: it lists nobody, as after leave()
	assert_eq(kim.get_players(), {}, "kim, refused as full, lists no players")
	assert_eq(lee.get_players(), {}, "lee, refused for its password, lists no players")
	assert_eq(host.get_players().keys(), [ann._session._public_key], "the host still has ann")


## [param player] of get_players() without its round trip, which varies (test_hole_punch_player_rtt.gd checks it).
func _but_rtt(player: Dictionary) -> Dictionary:
	var rest := player.duplicate()
	rest.erase("rtt")
	return rest
