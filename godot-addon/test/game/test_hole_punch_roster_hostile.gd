extends "res://test/game_case.gd"
## What a peer sends over the game connection is checked before it is used: a client takes the
## player list only from the host and only well formed; the host takes only a well-formed hello.

const HolePunchRoster := preload("res://addons/simple_hole_punch/game/hole_punch_roster.gd")


func test_a_client_takes_only_well_formed_lists_from_the_host() -> void:
	# Given a game with ann and bob, who know each other
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in the game")
	assert_true(await wait_until(func() -> bool: return ann.get_peer_id(bob._session._public_key) != 0, 2.0), "ann knows bob")
	var players := ann.get_players()
	var roster: HolePunchRoster = ann._session._game.roster
	var ann_id := ann.multiplayer.get_unique_id()
	var key := key_of(Ports.free_port())
	var too_many := "SHP-ROSTER"
	for i in ann.max_peers + 1:
		too_many += ":%s:p%d:0:public:0" % [key_of(20000 + i), i]
	var bad: Array[String] = [
		"SHP-ROSTER:notakey:x:5:public:3", # not a key
		"SHP-ROSTER:%s:x:abc:public:3" % key, # not an id
		"SHP-ROSTER:%s:x:1:public:3" % key, # the host's id for another player
		"SHP-ROSTER:%s:x:-7:public:3" % key,
		"SHP-ROSTER:%s:x:5:moon:3" % key, # not a path
		"SHP-ROSTER:%s:x:5:public" % key, # a field short
		"SHP-ROSTER:%s:x:5:public:-1" % key, # not a round trip
		"SHP-ROSTER:%s:%s:5:public:3" % [key, "x".repeat(40)], # alias too long
		"SHP-ROSTER:%s:x:5:public:3:%s:y:6:public:3" % [key, key], # the same key twice
		too_many,
		"SHP-LEFT:%s:left" % key, # nobody we know
		"SHP-LEFT:%s:evil" % bob._session._public_key, # not a reason
		"SHP-REFUSED:", # no reason
		"SHP-REFUSED:%01bell", # a control character once decoded
		"SHP-ROSTER:%s:%%41:5:public:3" % key, # an alias not as we write it
		"SHP-" + "x".repeat(HolePunchRoster.MAX_BYTES + HolePunchRoster.ENTRY_BYTES * ann.max_peers),
	]
	# When the host's connection carries malformed messages of ours, one with a control character,
	# and bob (through the host's relay) sends a list of its own
	for text in bad:
		host.multiplayer.send_bytes(text.to_ascii_buffer(), ann_id)
	host.multiplayer.send_bytes(PackedByteArray([0x53, 0x48, 0x50, 0x2d, 0x01, 0x02]), ann_id)
	bob.multiplayer.send_bytes(("SHP-ROSTER:%s:mallory:9:public:3" % key).to_ascii_buffer(), ann_id)
	host.multiplayer.send_bytes("the game's own packet".to_ascii_buffer(), ann_id)
	# Then each of ours is dropped and counted, nothing changes, and the others are not ours
	assert_true(await wait_until(func() -> bool: return roster.dropped_messages == bad.size() + 1, 2.0), "dropped %d of %d" % [roster.dropped_messages, bad.size() + 1])
	await wait_seconds(0.2)
	assert_eq(roster.dropped_messages, bad.size() + 1, "bob's list and the game's packet are not ours to count")
	assert_eq(ann.get_players(), players, "the same players")
	assert_eq(get_signal_emit_count(ann, "player_joined"), 1, "only bob, before")
	assert_signal_not_emitted(ann, "player_left")
	assert_signal_not_emitted(ann, "failed")


func test_the_host_drops_a_malformed_hello() -> void:
	# Given a running game, and a late joiner's address that a hostile client connects from
	start([])
	var local_port := Ports.free_port()
	host._session._game.add_endpoints(key_of(local_port), punched_peer(key_of(local_port), ""))
	var mallory := Node.new()
	mallory.name = "Mallory"
	add_child_autofree(mallory)
	var api := SceneMultiplayer.new()
	get_tree().set_multiplayer(api, mallory.get_path())
	var answers: Array[String] = ["SHP-HELLO::", "SHP-HELLO:a:b:c", "SHP-HELLO:%s:" % "x".repeat(40), "SHP-HELLO:bad%01:", "SHP-HELLO:mallory:x:y"]
	api.auth_callback = func(_id: int, _data: PackedByteArray) -> void: pass
	api.peer_authenticating.connect(func(_id: int) -> void:
		for text in answers:
			api.send_auth(1, text.to_ascii_buffer()))
	var enet := ENetMultiplayerPeer.new()
	enet.create_client("127.0.0.1", port, 0, 0, 0, local_port)
	api.multiplayer_peer = enet
	# Then every malformed hello is dropped and counted; the client is not let in
	var roster: HolePunchRoster = host._session._game.roster
	assert_true(await wait_until(func() -> bool: return roster.dropped_messages == answers.size(), 3.0), "dropped %d of %d" % [roster.dropped_messages, answers.size()])
	assert_signal_not_emitted(host, "player_joined")
	assert_eq(host.multiplayer.get_peers(), PackedInt32Array(), "nobody in the game")
	enet.close()
	api.auth_callback = Callable()
	for connection: Dictionary in api.peer_authenticating.get_connections(): # It holds the api itself.
		api.peer_authenticating.disconnect(connection.callable)
	get_tree().set_multiplayer(null, mallory.get_path())
