extends "res://test/game_case.gd"
## The session's password for late joiners, over the game connection itself (real ENet on
## loopback): the host's node checks the proof in each late joiner's hello before it is let in, and
## in the hello of a player punched before the game that left and comes back.

const SECRET := "ahahahahahahahah"


## A late joiner called [param alias] with [param password], punched with the pair secret.
func _late_with(side_name: String, alias: String, password: String, payload := "") -> HolePunch:
	var node := side(side_name, alias)
	node.password = password
	node.join_payload = payload
	var joiner := punched_peer(node._session._public_key, "")
	joiner.secret = SECRET
	host._session._game.add_endpoints(node._session._public_key, joiner)
	var host_peer := punched_peer(host._session._public_key, HolePunchAlias.encode(host.get_meta("alias")))
	host_peer.secret = SECRET
	node._session._game.expect([host_peer])
	node.start_client.emit("127.0.0.1", port, node.get_meta("port"))
	return node


## [param node]'s game client connects to the host, the pair's secret keying its proof.
func _connect_with_secret(node: HolePunch) -> void:
	var host_peer := punched_peer(host._session._public_key, HolePunchAlias.encode(host.get_meta("alias")))
	host_peer.secret = SECRET
	node._session._game.expect([host_peer])
	node.start_client.emit("127.0.0.1", port, node.get_meta("port"))


func test_a_player_punched_before_the_game_that_left_comes_back_with_its_password() -> void:
	# Given a game kept open whose host has a password, and ann, punched before it with the right one
	host.password = "swordfish"
	host.keep_open = true
	var ann := side("Ann", "ann")
	ann.password = "swordfish"
	var punched := punched_peer(ann._session._public_key, HolePunchAlias.encode("ann"))
	punched.secret = SECRET
	host._session._game.expect([punched])
	host.start_server.emit(port)
	_connect_with_secret(ann)
	assert_true(await connected(ann), "ann in the game")
	# When ann's game connection closes, and the host counts her gone
	(ann.multiplayer.multiplayer_peer as ENetMultiplayerPeer).get_peer(1).peer_disconnect_later()
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 5.0), "the host saw ann go")
	assert_signal_emitted_with_parameters(host, "player_left", [ann._session._public_key, "ann", "left"])
	assert_eq(host.get_players(), {}, "nobody in the game")
	# And she connects again, from where she was punched
	_connect_with_secret(ann)
	# Then the host lets her back in: her password proven with the pair's secret
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "game_connected") == 2 and host.get_peer_id(ann._session._public_key) != 0, 5.0), "ann back in the game")
	assert_signal_emitted_with_parameters(host, "player_joined", [ann._session._public_key, "ann"])
	assert_signal_not_emitted(host, "player_refused", "ann was not refused")
	assert_signal_not_emitted(ann, "failed", "no WRONG_PASSWORD")
	assert_eq(host.get_players().keys(), [ann._session._public_key], "ann is a player again")


func test_a_late_joiner_with_the_wrong_password_is_refused_and_one_with_the_right_gets_in() -> void:
	# Given a running game whose host has a password
	host.password = "swordfish"
	start([])
	watch_signals(host.multiplayer)
	# When a late joiner brings a wrong password
	var eve := _late_with("Eve", "eve", "guess")
	# Then the host's node refuses it by itself: it never joins, never becomes a peer of the game
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(eve, "failed") == 1, 5.0), "eve refused")
	assert_signal_emitted_with_parameters(eve, "failed", [HolePunch.Failure.WRONG_PASSWORD, "wrong_password"])
	assert_signal_emitted_with_parameters(host, "player_refused", [key_of(eve.get_meta("port")), "eve", "wrong_password"])
	assert_signal_not_emitted(host, "player_joined", "never joined")
	assert_signal_not_emitted(host, "player_payload", "nor told its payload")
	assert_signal_not_emitted(eve, "game_connected")
	# And one with the right password gets in, its payload with player_joined
	var kim := _late_with("Kim", "kim", "swordfish")
	assert_true(await connected(kim), "kim in the game")
	assert_signal_emitted_with_parameters(host, "player_joined", [kim._session._public_key, "kim"])
	assert_signal_emitted_with_parameters(host, "player_payload", [kim._session._public_key, ""])
	assert_eq(get_signal_emit_count(host.multiplayer, "peer_connected"), 1, "only kim is a peer of the game")
	assert_eq(host.get_players().keys(), [kim._session._public_key], "only kim")


func test_a_late_joiner_without_a_password_is_refused_by_a_host_with_one() -> void:
	host.password = "swordfish"
	start([])
	var nobody := _late_with("Max", "max", "")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(nobody, "failed") == 1, 5.0), "max refused")
	assert_signal_emitted_with_parameters(nobody, "failed", [HolePunch.Failure.WRONG_PASSWORD, "wrong_password"])
	assert_signal_emitted_with_parameters(host, "player_refused", [key_of(nobody.get_meta("port")), "max", "wrong_password"])


func test_a_late_joiners_alias_of_any_script_arrives_intact() -> void:
	start([])
	var dmitri := _late_with("Dmitri", "Дмитрий 🎮", "")
	assert_true(await connected(dmitri), "in the game")
	assert_signal_emitted_with_parameters(host, "player_joined", [dmitri._session._public_key, "Дмитрий 🎮"])
	var yamada := _late_with("Yamada", "山田太郎", "", "Žofie Dvořáková")
	assert_true(await connected(yamada), "in the game")
	assert_signal_emitted_with_parameters(host, "player_joined", [yamada._session._public_key, "山田太郎"])
	assert_signal_emitted_with_parameters(host, "player_payload", [yamada._session._public_key, "Žofie Dvořáková"])
	assert_true(await wait_until(func() -> bool: return dmitri.get_players().has(yamada._session._public_key), 5.0), "the other client hears it")
	assert_eq(dmitri.get_players()[yamada._session._public_key].alias, "山田太郎", "whole, from the host's roster")
