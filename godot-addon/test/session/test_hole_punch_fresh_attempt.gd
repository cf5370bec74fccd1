extends "res://test/game/enet_link_case.gd"
## A player's fresh attempt through loss, on loopback with real ENet: the player's game starts
## afresh, the end of its old connection is lost on the way (so the host learns of it only from
## the new attempt), and the host's welcome is held back, as lost and resent, longer than twice
## the host's [member HolePunch.game_retry_interval]. The attempt decides: let in, the player is
## in the game; failed, it is gone.

## ENet's protocol: the DISCONNECT command.
const _DISCONNECT := 4

## Auth messages held back from the client: [id, data].
var _held: Array = []


## A link that loses every ENet DISCONNECT the player sends while [member lose_ends], and all it
## sends while [member cut].
class Link extends "res://test/game/enet_link.gd":
	var lose_ends := true
	var cut := false
	var lost := 0

	func _to_host(data: PackedByteArray, _from: int) -> bool:
		if cut or lose_ends and _command(data) == _DISCONNECT:
			lost += 1
			return false
		return true

	## The first ENet command in [param data], or -1.
	static func _command(data: PackedByteArray) -> int:
		if data.size() < 4:
			return -1
		var at := 4 if data.decode_u8(0) & 0x80 != 0 else 2 # After the sent time, if any.
		return data.decode_u8(at) & 0x0F if data.size() > at and data.decode_u8(0) & 0x40 == 0 else -1


func before_each() -> void:
	super.before_each()
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_held.clear()


func after_each() -> void:
	_held.clear()
	super()


## A player [param alias] in the host's game through a [Link]; the host waits twice 0.5 s for a
## player's fresh attempt.
func player_through_link(alias: String) -> HolePunch:
	host.game_timeout = 60.0 # The old connection ends by the new attempt, never by silence.
	var kim := side(alias.capitalize(), alias)
	var link := Link.new(kim.get_meta("port"), port)
	open_link(link)
	kim.set_meta("link", link)
	kim.set_meta("own_port", Ports.free_port())
	host._session._game.expect([punched_peer(kim._session._public_key, HolePunchAlias.encode(alias))])
	host.start_server.emit(port)
	connect_through_link(kim)
	return kim


func connect_through_link(kim: HolePunch) -> void:
	kim._session._game.expect([punched_peer(host._session._public_key, HolePunchAlias.encode(host.get_meta("alias")))])
	var link: Link = kim.get_meta("link")
	kim.start_client.emit("127.0.0.1", link.inner.get_local_port(), kim.get_meta("own_port"))


## [param kim]'s game starts afresh; its old connection's end is lost, and the host's welcome to
## each attempt from now on is held back until [method release].
func start_afresh(kim: HolePunch) -> void:
	kim.game_retry_interval = 10.0 # The client keeps an attempt: the welcome is slow, not lost for good.
	var api := kim.multiplayer as SceneMultiplayer
	api.peer_authenticating.connect(func(_id: int) -> void: # Before the host's first word to this attempt.
		var own := api.auth_callback # The client's own, set by the attempt.
		_held.clear() # Said to an attempt that ended.
		api.auth_callback = func(id: int, data: PackedByteArray) -> void: _held.append([own, id, data]))
	# ENet seeds a connection's ID from the second: an attempt in the same one would reuse it.
	await wait_until(func() -> bool: return int(Time.get_unix_time_from_system()) != kim._session._game._attempts._host_second, 2.0)
	connect_through_link(kim)


## Hands what was held back to the attempt it came to.
func release() -> void:
	for held: Array in _held:
		(held[0] as Callable).call(held[1], held[2])
	_held.clear()


func test_a_fresh_attempt_let_in_after_twice_the_retry_interval_keeps_the_player() -> void:
	# Given kim in the game
	var kim := player_through_link("kim")
	assert_true(await connected(kim), "kim in the game")
	var first := host.get_peer_id(kim._session._public_key)
	# When kim starts afresh, the end of its old connection lost, and the welcome takes 3 s
	await start_afresh(kim)
	assert_true(await wait_until(func() -> bool: return host.get_peer_id(kim._session._public_key) == 0, 15.0), "the host saw the old connection close")
	assert_true((kim.get_meta("link") as Link).lost > 0, "the old connection's end was lost")
	assert_true(await wait_until(func() -> bool: return not _held.is_empty(), 15.0), "welcomed")
	await wait_seconds(3.0)
	release()
	# Then the attempt is let in: kim is in the game, never left, never refused
	assert_true(await wait_until(func() -> bool: return host.get_peer_id(kim._session._public_key) not in [0, first], 5.0), "kim in under its new id")
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(kim, "game_connected") == 2, 3.0), "kim's game connected again")
	await wait_until(func() -> bool: return host.get_peer_id(kim._session._public_key) == (kim.multiplayer as SceneMultiplayer).get_unique_id(), 2.0)
	assert_eq(host.get_peer_id(kim._session._public_key), (kim.multiplayer as SceneMultiplayer).get_unique_id(), "the host knows kim by its own id")
	assert_signal_not_emitted(host, "player_left", "kim never left")
	assert_signal_not_emitted(kim, "failed", "kim was not refused")
	assert_eq(host.get_players().keys(), [kim._session._public_key], "kim is a player")


func test_a_fresh_attempt_that_fails_lets_the_player_go() -> void:
	# Given kim in the game, its fresh attempt not let in yet
	var kim := player_through_link("kim")
	assert_true(await connected(kim), "kim in the game")
	await start_afresh(kim)
	assert_true(await wait_until(func() -> bool: return host.get_peer_id(kim._session._public_key) == 0, 15.0), "the host saw the old connection close")
	await wait_seconds(1.5)
	assert_signal_not_emitted(host, "player_left", "kim stays while its attempt is let in")
	# When kim's game ends, and the host hears the attempt end
	(kim.get_meta("link") as Link).lose_ends = false
	kim._session._game.close()
	# Then kim left
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 3.0), "kim left")
	assert_signal_emitted_with_parameters(host, "player_left", [kim._session._public_key, "kim", "left"])
	assert_eq(host.get_players(), {}, "nobody in the game")


func test_a_fresh_attempt_that_vanishes_lets_the_player_go_within_the_authentication_timeout() -> void:
	# Given a host that lets an attempt authenticate for 2 s, and kim in the game
	host.game_connect_timeout = 2.0
	var kim := player_through_link("kim")
	assert_true(await connected(kim), "kim in the game")
	# When kim's path dies while its fresh attempt is being let in
	await start_afresh(kim)
	assert_true(await wait_until(func() -> bool: return host.get_peer_id(kim._session._public_key) == 0, 15.0), "the host saw the old connection close")
	(kim.get_meta("link") as Link).cut = true
	# Then kim left once the host's authentication timed out (and a look after it)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(host, "player_left") == 1, 5.0), "kim left")
	assert_eq(host.get_players(), {}, "nobody in the game")
