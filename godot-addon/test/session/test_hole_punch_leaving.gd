extends "res://test/game_case.gd"
## Leaving a running game, on loopback with real ENet: a host that leaves or goes silent is heard
## by every client, a player that goes silent is gone within the game's timeout, a client's world is
## there before the host's first packet, and a player that comes back finds no trace of its old self.

const World := preload("res://test/rpc_world.gd")


## Game peers of crashed nodes, closed after the test.
var _crashed: Array[MultiplayerPeer] = []


func before_each() -> void:
	super.before_each()
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_crashed.clear()


func after_each() -> void:
	for peer in _crashed:
		peer.close()
	_crashed.clear()
	super()


## Whether the host heard [param node]'s heartbeats (its silence clock runs from the first).
func heard_from(node: HolePunch) -> bool:
	return host._session._game.roster._heard.get(host.get_peer_id(node._session._public_key), -1.0) >= 0.0


## Takes [param node] out of the game without a word, as a crash would: its ENet is no longer
## polled (nothing is acknowledged or sent) and the node does nothing more.
func crash(node: HolePunch) -> void:
	node.set_process(false)
	_crashed.append(node.multiplayer.multiplayer_peer)
	get_tree().set_multiplayer(SceneMultiplayer.new(), node.get_path()) # The old API, and its ENet, are no longer polled.


func test_a_host_that_leaves_is_heard_by_every_client_and_their_player_lists_empty() -> void:
	# Given a game with two players
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in the game")
	# When the host leaves
	var host_key := host._session._public_key
	var bob_key := bob._session._public_key
	assert_eq(host.leave(), OK, "leave()")
	assert_false(host.multiplayer.multiplayer_peer is ENetMultiplayerPeer, "the host's game peer is gone")
	assert_eq(host.get_players(), {}, "the host knows nobody")
	# Then each client hears the host leave, and knows nobody
	for client: HolePunch in [ann, bob]:
		assert_true(await wait_until(func() -> bool: return get_signal_emit_count(client, "failed") == 1, 2.0), "%s heard" % client.name)
		assert_signal_emitted_with_parameters(client, "failed", [HolePunch.Failure.HOST_LEFT, host_key])
		assert_signal_emitted_with_parameters(client, "player_left", [host_key, "hana", "left"], -1)
		assert_eq(client.get_players(), {}, "%s knows nobody" % client.name)
		assert_eq(client.phase, HolePunch.Phase.IDLE, "%s is idle" % client.name)
	assert_signal_emitted_with_parameters(ann, "player_left", [bob_key, "bob", "left"], 0)


func test_a_host_whose_node_is_freed_is_heard_by_every_client() -> void:
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "in the game")
	var host_key := host._session._public_key
	_nodes.erase(host)
	host.queue_free()
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "failed") == 1, 2.0), "heard")
	assert_signal_emitted_with_parameters(ann, "failed", [HolePunch.Failure.HOST_LEFT, host_key])


func test_a_host_that_goes_silent_is_heard_within_game_timeout() -> void:
	# Given a game whose clients count a peer silent for a second and a half as gone
	var ann := side("Ann", "ann")
	ann.game_timeout = 1.5
	start([ann])
	assert_true(await connected(ann), "in the game")
	# When the host crashes
	var at := Time.get_ticks_msec()
	crash(host)
	# Then the client hears it within about that
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "failed") == 1, 4.0), "heard")
	print("    a silent host heard after %.2f s (game_timeout 1.5 s)" % ((Time.get_ticks_msec() - at) / 1000.0))
	assert_signal_emitted_with_parameters(ann, "failed", [HolePunch.Failure.HOST_LEFT, host._session._public_key])
	assert_signal_emitted_with_parameters(ann, "player_left", [host._session._public_key, "hana", "left"])
	assert_eq(ann.get_players(), {}, "knows nobody")


func test_a_player_that_goes_silent_is_gone_within_game_timeout() -> void:
	# Given a game whose host counts a peer silent for a second and a half as gone
	host.game_timeout = 1.5
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in the game")
	assert_true(await wait_until(func() -> bool: return heard_from(ann), 2.0), "ann's heartbeats reach the host")
	# When a player crashes
	var at := Time.get_ticks_msec()
	crash(ann)
	# Then the host and the other player hear it within about that
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 4.0), "heard")
	print("    a silent player gone after %.2f s (game_timeout 1.5 s)" % ((Time.get_ticks_msec() - at) / 1000.0))
	assert_signal_emitted_with_parameters(host, "player_left", [ann._session._public_key, "ann", "left"])
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(bob, "player_left") == 1, 1.0), "bob heard")
	assert_signal_emitted_with_parameters(bob, "player_left", [ann._session._public_key, "ann", "left"])


func test_a_player_that_goes_silent_leaves_every_scene_multiplayer_with_its_player_left() -> void:
	# Given a game whose host counts a peer silent for a second as gone
	host.game_timeout = 1.0
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in the game")
	assert_true(await wait_until(func() -> bool: return heard_from(ann), 2.0), "ann's heartbeats reach the host")
	var ann_id := host.get_peer_id(ann._session._public_key)
	assert_true(await wait_until(func() -> bool: return bob.multiplayer.get_peers().has(ann_id), 2.0), "bob's game knows ann")
	watch_signals(host.multiplayer)
	# When a player crashes and the host counts it gone
	crash(ann)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 3.0), "player_left")
	# Then its peer id leaves the host's game and the other player's at once (not when ENet gives
	# up, 30 s later): an RPC to every peer no longer goes to a dead one
	assert_true(await wait_until(func() -> bool: return not host.multiplayer.get_peers().has(ann_id), 0.5), "gone from the host's game")
	assert_signal_emitted_with_parameters(host.multiplayer, "peer_disconnected", [ann_id])
	assert_true(await wait_until(func() -> bool: return not bob.multiplayer.get_peers().has(ann_id), 0.5), "gone from bob's game")


func test_a_player_whose_first_heartbeat_comes_late_stays_in_the_game() -> void:
	# Given a host that counts a peer silent for a second as gone
	host.game_timeout = 1.0
	var ann := side("Ann", "ann")
	ann.game_timeout = 1.0
	# When the player, let in by the host, is held up for longer than that before it can beat (its
	# own admission late through loss: nothing of its game is read or sent meanwhile)
	var held: Array[MultiplayerAPI] = []
	host.multiplayer.peer_connected.connect(func(_id: int) -> void:
		if held.is_empty():
			held.append(ann.multiplayer)
			get_tree().set_multiplayer(SceneMultiplayer.new(), ann.get_path()), CONNECT_ONE_SHOT)
	start([ann])
	assert_true(await wait_until(func() -> bool: return not held.is_empty(), 5.0), "the host let ann in")
	await wait_seconds(2.5)
	get_tree().set_multiplayer(held[0], ann.get_path())
	# Then it is in the game once it beats: the host waits for a first heartbeat with ENet's patience
	assert_true(await connected(ann), "in the game")
	await wait_seconds(2.0)
	assert_signal_not_emitted(host, "player_left", "the player stays")
	assert_signal_not_emitted(ann, "failed", "the client stays")
	assert_eq(host.get_players().size(), 1, "ann still in")


func test_a_client_that_leaves_is_gone_at_once() -> void:
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "in the game")
	var ann_key := ann._session._public_key
	assert_eq(ann.leave(), OK, "leave()")
	assert_false(ann.multiplayer.multiplayer_peer is ENetMultiplayerPeer, "its game peer is gone")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 1.0), "the host heard")
	assert_signal_emitted_with_parameters(host, "player_left", [ann_key, "ann", "left"])
	assert_signal_not_emitted(ann, "failed", "leaving is no failure")
	assert_eq(ann.leave(), ERR_DOES_NOT_EXIST, "nothing left to leave")


func test_game_connected_comes_before_the_hosts_first_rpc() -> void:
	# Given a host whose game greets each peer by RPC as soon as it connects, and a client that
	# builds its world in game_connected, as the README does
	var world := World.new()
	world.name = "World"
	host.add_child(world)
	host.multiplayer.peer_connected.connect(func(id: int) -> void: world.hello.rpc_id(id, "welcome"))
	var ann := side("Ann", "ann")
	var built: Array[World] = []
	ann.game_connected.connect(func(_peer: MultiplayerPeer) -> void:
		var mine := World.new()
		mine.name = "World"
		ann.add_child(mine)
		built.append(mine))
	# When the client joins
	start([ann])
	assert_true(await connected(ann), "in the game")
	# Then the host's first RPC found the world
	assert_true(await wait_until(func() -> bool: return not built.is_empty() and built[0].heard == ["welcome"], 2.0), "the greeting arrived")


func test_a_player_that_leaves_and_comes_back_finds_no_trace_of_its_old_self() -> void:
	# Given a player in the game that leaves
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "in the game")
	var old_key := ann._session._public_key
	ann.leave()
	# When it joins again with the same node, from a new port (a late joiner)
	watch_signals(ann)
	var local_port := Ports.free_port()
	ann.set_meta("port", local_port)
	ann._session._public_key = key_of(local_port)
	host._session._game.add_endpoints(ann._session._public_key, punched_peer(ann._session._public_key, ""))
	connect_to_host(ann)
	assert_true(await connected(ann), "back in the game")
	await wait_seconds(0.3)
	# Then it hears of nobody but the host: not of its old self
	assert_eq(get_signal_emit_count(ann, "player_joined"), 0, "no player_joined")
	assert_eq(ann.get_players().keys(), [host._session._public_key], "the host only")
	assert_false(host.get_players().has(old_key), "the host forgot the old self")


func test_a_paused_game_keeps_its_players() -> void:
	# Given a game whose peers count a peer silent for a second as gone
	host.game_timeout = 1.0
	var ann := side("Ann", "ann")
	ann.game_timeout = 1.0
	start([ann])
	assert_true(await connected(ann), "in the game")
	# When the game is paused for longer than that
	get_tree().paused = true
	await get_tree().create_timer(2.5).timeout # GUT's own waits pause with the tree.
	get_tree().paused = false
	await wait_seconds(0.5) # A few frames on.
	# Then nobody left: the nodes kept their heartbeats going
	assert_signal_not_emitted(ann, "failed", "the client stays")
	assert_signal_not_emitted(host, "player_left", "the player stays")
	assert_eq(host.get_players().size(), 1, "ann still in")


func test_a_client_whose_own_game_disconnects_hears_no_host_left() -> void:
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "in the game")
	(ann.multiplayer.multiplayer_peer as ENetMultiplayerPeer).get_peer(1).peer_disconnect_later()
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 3.0), "the host heard ann go")
	await wait_seconds(0.3)
	assert_signal_not_emitted(ann, "failed", "the host did not leave")


func test_enet_never_throttles_the_heartbeats_of_a_game_connection() -> void:
	# Given a player in the game
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "in the game")
	# Then neither side's ENet may drop unreliable packets (the heartbeats) when round trips grow:
	# with ENet's default deceleration, loss and jitter silence them for seconds on a live path
	var client_side := (ann.multiplayer.multiplayer_peer as ENetMultiplayerPeer).get_peer(1)
	var host_side := (host.multiplayer.multiplayer_peer as ENetMultiplayerPeer).get_peer(host.get_peer_id(ann._session._public_key))
	for connection: ENetPacketPeer in [client_side, host_side]:
		assert_true(connection != null, "a connection")
		if connection != null:
			assert_eq(connection.get_statistic(ENetPacketPeer.PEER_PACKET_THROTTLE_DECELERATION), 0.0, "no deceleration")
			assert_eq(connection.get_statistic(ENetPacketPeer.PEER_PACKET_THROTTLE), float(ENetPacketPeer.PACKET_THROTTLE_SCALE), "full throttle")
