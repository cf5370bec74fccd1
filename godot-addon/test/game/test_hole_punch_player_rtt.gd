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


func test_a_connection_that_just_dropped_reads_as_no_round_trip_without_an_engine_error() -> void:
	# Given a player in the game
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	var hana: String = host._session._public_key
	# When its connection to the host drops, before the game's peer has seen it go
	var enet := ann.multiplayer.multiplayer_peer as ENetMultiplayerPeer
	enet.get_peer(1).peer_disconnect_now()
	# Then its list reads no round trip for the host, and ENet reports no error
	assert_eq(_rtt(ann, hana), -1, "no round trip on a dropped connection")


func test_on_the_host_a_player_whose_connection_just_dropped_reads_as_no_round_trip() -> void:
	# Given a player in the game
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	var key: String = ann._session._public_key
	assert_true(await wait_until(func() -> bool: return _rtt(host, key) > 0, 3.0), "the host measures ann")
	# When the host's connection to ann drops, before the game's peer has seen it go
	var enet := host.multiplayer.multiplayer_peer as ENetMultiplayerPeer
	enet.get_peer(host.get_players()[key]["peer_id"] as int).peer_disconnect_now()
	# Then the host reads no round trip for ann, and ENet reports no error
	assert_eq(_rtt(host, key), -1, "no round trip on a dropped connection")
