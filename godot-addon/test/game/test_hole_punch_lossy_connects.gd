extends "res://test/game/enet_link_case.gd"
## Players connect to a host's game through lossy paths (a third of the datagrams lost each way,
## duplicates, jitter that reorders), on loopback with real ENet on both sides: each is let in on
## both sides, and stays. SHP_LOSSY_SEED picks the run (seed 7 left a player let in on its side
## and on the host's only 27 s later, ENet's doubling resend on its lost packets).

const LossyLink := preload("res://test/game/lossy_link.gd")

const PLAYERS := 8


func test_players_on_lossy_paths_are_let_in_on_both_sides_and_stay() -> void:
	var seed_value := int(OS.get_environment("SHP_LOSSY_SEED")) if OS.get_environment("SHP_LOSSY_SEED") != "" else 7
	var players: Array[HolePunch] = []
	var punched: Array[HolePunchPeer] = []
	for i in PLAYERS:
		var link := LossyLink.new(Ports.free_port(), port, seed_value * 100 + i)
		open_link(link)
		var player := side("Player%d" % i, "p%d" % i)
		player.game_retry_interval = 2.0
		player.set_meta("link", link)
		player._session._public_key = key_of(link.outer.get_local_port())
		punched.append(punched_peer(player._session._public_key, HolePunchAlias.encode("p%d" % i)))
		players.append(player)
	host._session._game.expect(punched)
	host.start_server.emit(port)
	var started := Time.get_ticks_msec()
	for player in players:
		var link: LossyLink = player.get_meta("link")
		player._session._game.expect([punched_peer(host._session._public_key, HolePunchAlias.encode("hana"))])
		player.start_client.emit("127.0.0.1", link.inner.get_local_port(), player.get_meta("port"))
	var in_both := func() -> bool:
		return players.all(func(p: HolePunch) -> bool: return get_signal_emit_count(p, "game_connected") > 0 and host.get_peer_id(p._session._public_key) != 0)
	var all_in: bool = await wait_until(in_both, 25.0)
	gut.p("seed %d: all in after %.2f s" % [seed_value, (Time.get_ticks_msec() - started) / 1000.0])
	for player in players:
		var key := player._session._public_key
		assert_true(get_signal_emit_count(player, "game_connected") > 0 and host.get_peer_id(key) != 0, "%s let in on both sides (player: %s, host: peer %d)" % [player.name, get_signal_emit_count(player, "game_connected") > 0, host.get_peer_id(key)])
	assert_true(all_in, "all let in")
	await wait_seconds(6.0) # Past the game's timeout: nobody is taken for gone.
	for player in players:
		assert_signal_not_emitted(player, "failed", "%s failed" % player.name)
