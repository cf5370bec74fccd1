extends "res://test/hostile_case.gd"
## The session's password, checked by the host's node before the handover: a joiner proves it (JP)
## without sending it, a wrong or missing one is refused on both sides; names of any script between
## peers of ours; against scripted server and peer sockets.

const HolePunchAlias := preload("res://addons/simple_hole_punch/players/hole_punch_alias.gd")
const HolePunchPassword := preload("res://addons/simple_hole_punch/players/hole_punch_password.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

const SECRET := "ahahahahahahahah"
const PASSWORD := "correct horse"


## Hosts with [param node] and introduces each of [param joiners] with the pair secret; returns the
## host's port once each was punched at.
func _host_pairs(node: HolePunch, server: Endpoint, joiners: Array[Endpoint]) -> int:
	var port := await _host(node, server)
	for joiner in joiners:
		server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]) + ":" + SECRET, port)
	await wait_until(func() -> bool: return joiners.all(func(j: Endpoint) -> bool: return j.count("RV:") > 0), 1.0)
	return port


## Joins through [param server], whose JR names [param host] and the pair secret; returns the port.
func _join_pair(node: HolePunch, server: Endpoint, host: Endpoint) -> int:
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]) + ":" + SECRET, port)
	await wait_until(func() -> bool: return node.phase == HolePunch.Phase.PUNCHING, 1.0)
	return port


func test_a_joiner_proves_its_password_without_sending_it() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node({"password": PASSWORD})
	await _join_pair(node, server, host)
	var proof := HolePunchPassword.proof(PASSWORD, SECRET)
	assert_true(await wait_until(func() -> bool: return host.count("JP::%s:%s" % [SECRET, proof]) > 0, 1.0), "JP with the proof")
	assert_eq(proof.length(), HolePunchProtocol.TOKEN_LENGTH, "a token")
	assert_true(proof != HolePunchPassword.proof(PASSWORD, "cycycycycycycycy"), "another pair, another proof")
	for datagram: Dictionary in host.received + server.received:
		assert_false(datagram.text.contains("horse") or datagram.text.contains("correct"), "never in clear: " + datagram.text)


func test_the_host_lets_in_the_right_password_and_refuses_a_wrong_or_missing_one() -> void:
	# Given a host with a password and three joiners of ours
	var server := _endpoint()
	var right := _endpoint()
	var wrong := _endpoint("127.0.0.2")
	var none := _endpoint("127.0.0.3")
	var node := _node({"password": PASSWORD})
	var port := await _host_pairs(node, server, [right, wrong, none])
	# When they tell their aliases and prove (or not) the password
	right.send("RV:%s:ann" % SECRET, port)
	right.send("JP:v2:%s:%s" % [SECRET, HolePunchPassword.proof(PASSWORD, SECRET)], port)
	wrong.send("RV:%s:eve" % SECRET, port)
	wrong.send("JP::%s:%s" % [SECRET, HolePunchPassword.proof("guess", SECRET)], port)
	none.send("RV:%s:max" % SECRET, port)
	none.send("JP::%s" % SECRET, port)
	# Then the right one joins with its payload, the others are refused and never join
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_refused") == 2, 1.0), "two refused")
	assert_eq(get_signal_emit_count(node, "player_joined"), 1, "one player")
	assert_signal_emitted_with_parameters(node, "player_joined", [right.key, "ann"])
	assert_signal_emitted_with_parameters(node, "player_payload", [right.key, "v2"])
	assert_signal_emitted_with_parameters(node, "player_refused", [wrong.key, "eve", "wrong_password"], 0)
	assert_signal_emitted_with_parameters(node, "player_refused", [none.key, "max", "wrong_password"], 1)
	assert_true(await wait_until(func() -> bool: return wrong.count("RJ:wrong_password:" + SECRET) == 3 and none.count("RJ:wrong_password") == 3, 1.0), "told why")
	assert_eq(node.get_players().keys(), [right.key], "only ann")
	node.close_session()
	assert_true(await wait_until(func() -> bool: return right.count("JH:") > 0, 1.0), "ann is handed over")
	assert_eq(wrong.count("JH:") + none.count("JH:"), 0, "the others are not")
	assert_signal_not_emitted(node, "player_left", "nobody who joined left")


func test_a_host_with_a_password_refuses_an_original_peer_once_no_proof_came() -> void:
	var server := _endpoint()
	var old := _endpoint()
	var node := _node({"password": PASSWORD})
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [old.key, old.key]), port)
	await wait_until(func() -> bool: return old.count("RD:") > 0, 1.0)
	old.send("RD:old", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_refused") == 1, 3.0), "refused")
	assert_signal_emitted_with_parameters(node, "player_refused", [old.key, "old", "wrong_password"])
	assert_signal_not_emitted(node, "player_joined")


func test_a_host_without_a_password_lets_everyone_in() -> void:
	var server := _endpoint()
	var joiner := _endpoint()
	var node := _node()
	var port := await _host_pairs(node, server, [joiner])
	joiner.send("RV:%s:ann" % SECRET, port)
	joiner.send("JP::%s:%s" % [SECRET, HolePunchPassword.proof("anything", SECRET)], port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 0.5), "joined")
	assert_signal_not_emitted(node, "player_refused")


func test_a_joiner_refused_for_its_password_fails_with_wrong_password() -> void:
	var server := _endpoint()
	var host := _endpoint()
	var node := _node({"password": "guess"})
	var port := await _join_pair(node, server, host)
	host.send("RV:%s:hana" % SECRET, port)
	host.send("RJ:wrong_password:" + SECRET, port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") == 1, 1.0), "failed")
	assert_signal_emitted_with_parameters(node, "failed", [HolePunch.Failure.WRONG_PASSWORD, "wrong_password"])
	assert_eq(node.phase, HolePunch.Phase.IDLE, "the attempt ended")
	assert_true(HolePunch.describe(HolePunch.Failure.WRONG_PASSWORD, "wrong_password").contains("password"), "in words")


func test_names_of_any_script_travel_whole_between_peers_of_ours_and_cut_to_original_ones() -> void:
	# Given a host called 山田太郎, a joiner of ours and an original one
	var server := _endpoint()
	var ours := _endpoint()
	var old := _endpoint("127.0.0.2")
	var node := _node()
	var port := await _host(node, server, "山田太郎")
	server.send(server.answer("NJ:%s:%s" % [ours.key, ours.key]) + ":" + SECRET, port)
	server.send(server.answer("NJ:%s:%s" % [old.key, old.key]), port)
	# Then ours hears the whole alias in RV, the original one the first three characters in RD
	var whole := HolePunchAlias.encode("山田太郎")
	assert_true(await wait_until(func() -> bool: return ours.count("RV:%s:%s" % [SECRET, whole]) > 0, 1.0), "whole in RV")
	assert_true(await wait_until(func() -> bool: return old.count("RD:" + HolePunchAlias.encode("山田太")) > 0, 1.0), "cut in RD")
	assert_eq(old.count("RD:" + whole), 0, "never the whole in RD")
	# And aliases of any script from ours arrive intact
	for alias: String in ["Žofie Dvořáková", "Дмитрий", "🐉 Ryū 🎮"]:
		assert_true(HolePunchAlias.encode(alias).length() > HolePunchProtocol.MAX_NAME_LENGTH or alias == "Дмитрий", "%s is longer than an original name" % alias)
	ours.send("RV:%s:%s" % [SECRET, HolePunchAlias.encode("Žofie Dvořáková")], port)
	ours.send("JP::" + SECRET, port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 1.0), "joined")
	assert_signal_emitted_with_parameters(node, "player_joined", [ours.key, "Žofie Dvořáková"])


func test_nat_diagnosed_passes_a_named_enum() -> void:
	var node := _node()
	for s: Dictionary in node.get_signal_list():
		if s.name == "nat_diagnosed":
			assert_eq(s.args[0].class_name, &"HolePunchNat.NatType", "typed as the enum")
			assert_true(s.args[0].usage & PROPERTY_USAGE_CLASS_IS_ENUM != 0, "an enum")
	assert_eq(HolePunchNat.NatType.keys()[node.get_nat_type()], "UNKNOWN", "NatType.keys() names it")


func test_every_failure_reads_as_a_sentence() -> void:
	for reason: int in HolePunch.Failure.values():
		var words := HolePunch.describe(reason as HolePunch.Failure, "qucycyahenky")
		assert_true(words.length() > 20 and words.ends_with("."), "%s: %s" % [HolePunch.Failure.keys()[reason], words])
		assert_false(words.begins_with("Failed ("), "%s has words of its own" % HolePunch.Failure.keys()[reason])
	assert_true(HolePunch.describe(HolePunch.Failure.HOST_LOST, "qucycyahenky").contains("127.0.0.1:"), "a key as an address")
	assert_true(HolePunch.describe(HolePunch.Failure.PAYLOAD_TOO_LONG, "join_payload is 40 characters, at most 32").contains("40"), "the detail")
