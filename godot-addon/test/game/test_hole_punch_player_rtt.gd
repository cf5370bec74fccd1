extends "res://test/game_case.gd"
## Each player's round trip in a running game, on every machine: the host measures its connection
## to each player, a client its own to the host and hears the others' from the host.

func test_every_machine_knows_each_players_round_trip() -> void:
	# Given a game with two players
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in the game")
	var hana: String = host._session._public_key
	# Then the host has a round trip for each, on loopback well under a second
	assert_true(await wait_until(func() -> bool: return _rtt(host, ann._session._public_key) > 0 and _rtt(host, bob._session._public_key) > 0, 3.0), "the host measures both")
	assert_between(_rtt(host, ann._session._public_key), 1, 1000, "ann's round trip on the host")
	# And each player its own to the host, and the other's as the host shared it
	assert_true(await wait_until(func() -> bool: return _rtt(ann, hana) > 0 and _rtt(ann, bob._session._public_key) > 0, 3.0), "ann knows both")
	assert_between(_rtt(ann, hana), 1, 1000, "ann's round trip to the host")
	assert_between(_rtt(ann, bob._session._public_key), 1, 1000, "bob's round trip, from the host")
	assert_true(await wait_until(func() -> bool: return _rtt(bob, ann._session._public_key) > 0, 3.0), "bob knows ann's")


func _rtt(node: HolePunch, key: String) -> int:
	return node.get_players().get(key, {}).get("rtt", -1)
