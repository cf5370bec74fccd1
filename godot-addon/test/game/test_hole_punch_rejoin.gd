extends "res://test/game_case.gd"
## Rejoining a running game after a drop ([member HolePunch.rejoin_grace]), over real ENet on
## loopback: the host keeps a silent player's place for the grace and lets it back in under its old
## key when its new connection proves the rejoin secret, with no ghost of the old connection; a wrong
## secret and a late rejoin are refused; a client whose host went silent rejoins, one whose host
## left does not.

const HolePunchRejoin := preload("res://addons/simple_hole_punch/players/hole_punch_rejoin.gd")

const SECRET := "ahahahahahahahah"
const NEW_SECRET := "cycycycycycycycy"


func before_each() -> void:
	super()
	host.keep_open = true
	host.rejoin_grace = 3.0
	host.game_timeout = 1.0


## A late joiner called [param alias], punched with [param pair_secret], connected.
func _joined(side_name: String, alias: String, pair_secret: String) -> HolePunch:
	var node := side(side_name, alias)
	node.game_timeout = 1.0
	var joiner := punched_peer(node._session._public_key, "")
	joiner.secret = pair_secret
	host._session._game.add_endpoints(node._session._public_key, joiner)
	var host_peer := punched_peer(host._session._public_key, HolePunchAlias.encode("hana"))
	host_peer.secret = pair_secret
	node._session._game.expect([host_peer])
	return node


## The [SceneMultiplayer]s of the nodes silenced, no longer polled.
var _silenced: Array[MultiplayerAPI] = []


## [param node]'s game goes silent, as when its network dies: no frames, and its game's
## [SceneMultiplayer] (with its ENet) is no longer polled.
func _silence(node: HolePunch) -> void:
	node.set_process(false)
	_silenced.append(node.multiplayer)
	get_tree().set_multiplayer(SceneMultiplayer.new(), node.get_path())


func after_each() -> void:
	for api in _silenced:
		if api.multiplayer_peer != null:
			api.multiplayer_peer.close()
	_silenced.clear()
	super()


## A new connection (another port, so another key) that rejoins as [param key] with [param secret].
func _rejoin(side_name: String, key: String, secret: String) -> HolePunch:
	var node := _joined(side_name, "ann", NEW_SECRET)
	node._session._game.rejoin = {"key": key, "host_key": host._session._public_key, "secret": secret, "grace": 3.0, "players": {}, "until": INF}
	node.start_client.emit("127.0.0.1", port, node.get_meta("port"))
	return node


## Ann, in the game with her rejoin secret (after Bob, [param with_bob]), then silent until the
## host dropped her: [code][ann, her key, her peer id, her rejoin secret, bob or null][/code].
func _dropped_ann(with_bob := false) -> Array:
	start([])
	watch_signals(host.multiplayer)
	var other: HolePunch = _joined("Bob", "bob", NEW_SECRET) if with_bob else null
	if other != null: # Another player, in the game first.
		other.start_client.emit("127.0.0.1", port, other.get_meta("port"))
		assert_true(await connected(other), "the other player in the game")
	var ann := _joined("Ann", "ann", SECRET)
	ann.start_client.emit("127.0.0.1", port, ann.get_meta("port"))
	assert_true(await connected(ann), "ann in the game")
	var key := ann._session._public_key
	var old_id := host.get_peer_id(key)
	var secret: String = (ann._session._game.roster as Object).get("rejoin_secret")
	assert_eq(secret.length(), 16, "the host gave ann a rejoin secret at her welcome")
	await wait_seconds(0.5) # Her heartbeats began: the host's clock for her runs.
	_silence(ann)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 5.0), "the host dropped ann")
	return [ann, key, old_id, secret, other]


func test_the_proof_of_a_rejoin_secret_holds_for_its_pair_alone() -> void:
	var secret := HolePunchRejoin.new_secret()
	assert_ne(secret, HolePunchRejoin.new_secret(), "random")
	var proof := HolePunchRejoin.proof(secret, SECRET)
	assert_true(HolePunchRejoin.accepts(secret, SECRET, proof))
	assert_false(HolePunchRejoin.accepts(secret, NEW_SECRET, proof), "worth nothing to another pair")
	assert_false(HolePunchRejoin.accepts(HolePunchRejoin.new_secret(), SECRET, proof), "nor for another secret")
	assert_false(HolePunchRejoin.accepts("", "", ""), "nothing proves no secret")


func test_a_dropped_player_rejoins_under_its_key_and_no_ghost_of_the_old_connection_remains() -> void:
	var dropped := await _dropped_ann(true)
	var bob: HolePunch = dropped[4]
	var key: String = dropped[1]
	var old_id: int = dropped[2]
	# Bob, in the game too, hears the same
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(bob, "player_left") == 1, 2.0), "bob hears ann dropped")
	assert_signal_emitted_with_parameters(bob, "player_left", [key, "ann", "dropped"])
	# The host hears her dropped: she leaves the list, and her old ENet peer is gone at once
	assert_signal_emitted_with_parameters(host, "player_left", [key, "ann", "dropped"])
	var bob_key := bob._session._public_key
	assert_eq(host.get_players().keys(), [bob_key], "no stale roster entry: bob alone")
	assert_true(await wait_until(func() -> bool: return not old_id in host.multiplayer.get_peers(), 1.0), "the old peer id gone from SceneMultiplayer")
	assert_signal_emitted_with_parameters(host.multiplayer, "peer_disconnected", [old_id])
	# When she comes back on a new connection (a new key) with her secret
	var back := _rejoin("Back", key, str(dropped[3]))
	# Then she is let in under her old key and alias, with a new ENet peer id
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(back, "game_connected") == 1 and host.get_peer_id(key) != 0, 5.0), "ann back in the game")
	assert_signal_emitted_with_parameters(host, "player_joined", [key, "ann"])
	assert_ne(host.get_peer_id(key), old_id, "a new peer id")
	assert_eq(host.get_players().size(), 2, "bob and one ann")
	assert_true(host.get_players().has(key), "ann under her old key")
	assert_false(host.get_players().has(back._session._public_key), "never under the new key")
	var peers := host.multiplayer.get_peers()
	peers.sort()
	var expected := PackedInt32Array([host.get_peer_id(bob_key), host.get_peer_id(key)])
	expected.sort()
	assert_eq(peers, expected, "one ENet peer each: bob's and hers")
	assert_signal_not_emitted(host, "player_refused")
	assert_true(await wait_until(func() -> bool: return bob.get_players().has(key), 2.0), "bob hears her back, under her key")
	assert_signal_emitted_with_parameters(bob, "player_joined", [key, "ann"])
	assert_eq(bob.get_players()[key].peer_id, host.get_peer_id(key), "by her new peer id")
	assert_false(old_id in bob.multiplayer.get_peers(), "the old id gone from bob's SceneMultiplayer too")
	# And she keeps being heard: no second drop
	await wait_seconds(2.0)
	assert_eq(get_signal_emit_count(host, "player_left"), 1, "not dropped again")
	assert_eq(get_signal_emit_count(bob, "player_left"), 1, "bob heard one drop")


func test_a_rejoin_with_a_wrong_secret_is_refused_and_the_place_stays_kept() -> void:
	var dropped := await _dropped_ann()
	var key: String = dropped[1]
	var stranger := _rejoin("Stranger", key, HolePunchRejoin.new_secret())
	var stranger_key := stranger._session._public_key
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(stranger, "failed") == 1, 5.0), "the stranger refused")
	assert_signal_emitted_with_parameters(stranger, "failed", [HolePunch.Failure.REJOIN_REFUSED, "rejoin_refused"])
	assert_signal_emitted_with_parameters(host, "player_refused", [stranger_key, "ann", "rejoin_refused"])
	assert_eq(get_signal_emit_count(host, "player_joined"), 1, "nobody joined as ann")
	var back := _rejoin("Back", key, str(dropped[3]))
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(back, "game_connected") == 1 and host.get_peer_id(key) != 0, 5.0), "ann herself still gets back in")


func test_the_grace_ends_the_place_and_a_late_rejoin_is_refused() -> void:
	host.rejoin_grace = 1.0
	var dropped := await _dropped_ann()
	var key: String = dropped[1]
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 2, 3.0), "the grace ended")
	assert_signal_emitted_with_parameters(host, "player_left", [key, "ann", "left"])
	var late_one := _rejoin("Late", key, str(dropped[3]))
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(late_one, "failed") == 1, 5.0), "refused")
	assert_signal_emitted_with_parameters(late_one, "failed", [HolePunch.Failure.REJOIN_EXPIRED, "rejoin_expired"])
	assert_eq(host.get_players(), {}, "nobody back")


func test_a_client_whose_host_went_silent_rejoins_and_one_whose_host_left_does_not() -> void:
	start([])
	var ann := _joined("Ann", "ann", SECRET)
	ann.start_client.emit("127.0.0.1", port, ann.get_meta("port"))
	assert_true(await connected(ann), "ann in the game")
	_silence(host)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "rejoining") == 1, 3.0), "ann rejoins")
	assert_signal_emitted_with_parameters(ann, "rejoining", [host._session._public_key])
	# (No code here to join with: the rejoin ends at once, as when the host is gone.)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "failed") == 1, 3.0))
	assert_signal_emitted_with_parameters(ann, "failed", [HolePunch.Failure.HOST_LEFT, host._session._public_key])


func test_a_client_whose_host_left_hears_host_left_without_rejoining() -> void:
	start([])
	var ann := _joined("Ann", "ann", SECRET)
	ann.start_client.emit("127.0.0.1", port, ann.get_meta("port"))
	assert_true(await connected(ann), "ann in the game")
	var host_key := host._session._public_key
	host.leave()
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(ann, "failed") == 1, 3.0), "ann hears it")
	assert_signal_emitted_with_parameters(ann, "failed", [HolePunch.Failure.HOST_LEFT, host_key])
	assert_signal_not_emitted(ann, "rejoining")


func test_a_session_kept_open_for_rejoins_alone_turns_a_new_player_away() -> void:
	host.keep_open = false
	start([])
	var kim := _joined("Kim", "kim", SECRET)
	kim.start_client.emit("127.0.0.1", port, kim.get_meta("port"))
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "failed") == 1, 5.0), "kim turned away")
	assert_signal_emitted_with_parameters(kim, "failed", [HolePunch.Failure.CODE_UNKNOWN, "closed"])
	assert_signal_not_emitted(host, "player_joined")
