extends "res://test/game_case.gd"
## Member data in a running game on loopback with real ENet: what each player sets about itself
## reaches every player through the host, late joiners included, within its limits and no faster
## than the host shares it.

const HolePunchMemberData := preload("res://addons/simple_hole_punch/game/hole_punch_member_data.gd")


func test_each_players_data_reaches_every_player_the_hosts_included() -> void:
	# Given a host and a player who set their data before the game, and a player who set none
	assert_eq(host.set_member_data({"team": "blue"}), OK)
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	assert_eq(ann.set_member_data({"team": "red", "colour": "grün"}), OK)
	# When the game starts
	start([ann, bob])
	var ann_key: String = ann._session._public_key
	var host_key: String = host._session._public_key
	# Then every machine has everyone's, in get_players() and by signal
	assert_true(await wait_until(func() -> bool: return _data_of(bob, ann_key) == {"team": "red", "colour": "grün"}, 5.0), "bob has ann's")
	assert_eq(_data_of(bob, host_key), {"team": "blue"}, "bob has the host's")
	assert_eq(_data_of(ann, host_key), {"team": "blue"}, "ann has the host's")
	assert_eq(_data_of(host, ann_key), {"team": "red", "colour": "grün"}, "the host has ann's")
	assert_eq(_data_of(host, bob._session._public_key), {}, "bob set none")
	assert_signal_emitted_with_parameters(bob, "player_data_changed", [ann_key, {"team": "red", "colour": "grün"}])
	assert_signal_emitted_with_parameters(host, "player_data_changed", [ann_key, {"team": "red", "colour": "grün"}])


func test_a_change_reaches_the_others_and_a_burst_costs_them_two_updates() -> void:
	var ann := side("Ann", "ann")
	var bob := side("Bob", "bob")
	start([ann, bob])
	assert_true(await connected(ann) and await connected(bob), "both in")
	var ann_key: String = ann._session._public_key
	# When ann changes its data five times in a row
	for i in 5:
		assert_eq(ann.set_member_data({"ready": str(i)}), OK)
	# Then bob ends with the last, having heard the first at once and the rest as one, later
	assert_true(await wait_until(func() -> bool: return _data_of(bob, ann_key) == {"ready": "4"}, 5.0), "bob has the last")
	assert_eq(get_signal_emit_count(bob, "player_data_changed"), 2, "the first, then the latest once the interval passed")
	assert_eq(get_signal_emit_count(host, "player_data_changed"), 5, "the host saw each")
	# And clearing it clears it everywhere
	await wait_seconds(HolePunchMemberData.INTERVAL)
	assert_eq(ann.set_member_data({}), OK)
	assert_true(await wait_until(func() -> bool: return _data_of(bob, ann_key) == {} and _data_of(host, ann_key) == {}, 5.0), "cleared")


func test_a_late_joiner_gets_everyones_data_and_shares_its_own() -> void:
	var ann := side("Ann", "ann")
	assert_eq(ann.set_member_data({"team": "red"}), OK)
	assert_eq(host.set_member_data({"map": "dunes"}), OK)
	start([ann])
	assert_true(await connected(ann), "ann in")
	var kim := side("Kim", "kim")
	assert_eq(kim.set_member_data({"team": "blue"}), OK)
	host._session._game.add_endpoints(kim._session._public_key, punched_peer(kim._session._public_key, ""))
	connect_to_host(kim)
	assert_true(await wait_until(func() -> bool: return _data_of(kim, ann._session._public_key) == {"team": "red"}, 5.0), "kim has ann's")
	assert_eq(_data_of(kim, host._session._public_key), {"map": "dunes"}, "kim has the host's")
	assert_true(await wait_until(func() -> bool: return _data_of(ann, kim._session._public_key) == {"team": "blue"}, 5.0), "ann has kim's")


func test_set_member_data_refuses_what_does_not_fit() -> void:
	var nine := {}
	for i in 9:
		nine["k%d" % i] = "v"
	assert_eq(host.set_member_data(nine), ERR_INVALID_PARAMETER, "nine entries")
	assert_eq(host.set_member_data({"name": "x".repeat(33)}), ERR_INVALID_PARAMETER, "a value of more than 32 characters")
	assert_eq(host.set_member_data({"name": "é".repeat(17)}), ERR_INVALID_PARAMETER, "a value of more than 96 bytes once encoded")
	assert_eq(host.set_member_data({"name": "a\nb"}), ERR_INVALID_PARAMETER, "a control character")
	assert_eq(host.set_member_data({"n".repeat(HolePunchMemberData.NAME_BYTES + 1): "x"}), ERR_INVALID_PARAMETER, "a name too long")
	assert_eq(host.set_member_data({"": "x"}), ERR_INVALID_PARAMETER, "an empty name")
	assert_eq(host.set_member_data({"team": 3}), ERR_INVALID_PARAMETER, "not a String")
	assert_eq(host.set_member_data({"ok": "é".repeat(16), "ascii": "x".repeat(32), "empty": ""}), OK, "16 accented letters, 32 ASCII characters, nothing")
	var plain := HolePunch.new()
	add_child_autofree(plain)
	assert_eq(plain.set_member_data({"team": "red"}), ERR_UNAVAILABLE, "the node runs no game peer")


func test_the_host_drops_member_data_that_breaks_the_rules() -> void:
	var ann := side("Ann", "ann")
	start([ann])
	assert_true(await connected(ann), "ann in")
	var before := host._session._game.roster.dropped_messages
	# Too many entries, a name twice, and a player claiming to speak for another (SHP-DATA)
	var names := PackedStringArray()
	var values := PackedStringArray()
	for i in 9:
		names.append("k%d" % i)
		values.append("v")
	for packet: PackedByteArray in [
		HolePunchProtocol.encode_game_member_set(names, values),
		HolePunchProtocol.encode_game_member_set(PackedStringArray(["a", "a"]), PackedStringArray(["1", "2"])),
		HolePunchMemberData.to_players(1, {"team": "forged"}),
	]:
		ann.multiplayer.send_bytes(packet, 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE)
	assert_true(await wait_until(func() -> bool: return host._session._game.roster.dropped_messages >= before + 3, 5.0), "each dropped and counted")
	assert_signal_not_emitted(host, "player_data_changed")
	assert_eq(_data_of(host, ann._session._public_key), {}, "nothing kept")


## The member data [param node] knows for the player [param key] (empty when none or unknown).
func _data_of(node: HolePunch, key: String) -> Dictionary:
	var player: Dictionary = node.get_players().get(key, {})
	return player.get("data", {})
