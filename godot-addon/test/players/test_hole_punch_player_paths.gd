extends "res://test/hostile_case.gd"
## How the node names a player's path, and tells the game when a player takes another.

const HolePunchPeer := preload("res://addons/simple_hole_punch/players/hole_punch_peer.gd")
const HolePunchRelayLink := preload("res://addons/simple_hole_punch/traversal/hole_punch_relay_link.gd")


func test_a_path_birthday_probing_found_is_mapped() -> void:
	var key := P.encode_key("203.0.113.7", 40000)
	var peer := HolePunchPeer.new(key, key, false, HolePunchRelayLink.new(0.1, 1.0), 0.0)
	peer.path = "public"
	assert_eq(peer.shown_path(), "public", "where the server saw it")
	peer.public_port = 51234 # The easy side heard it from a port its NAT picked.
	assert_eq(peer.shown_path(), "mapped", "from another port")
	peer.public_port = 40000
	peer.mapped = true # The hard side: one of our probing sockets got through.
	assert_eq(peer.shown_path(), "mapped", "through our probing socket")
	peer.path = "ipv6"
	assert_eq(peer.shown_path(), "public", "IPv6 is public")


func test_a_player_on_a_better_path_comes_as_player_path() -> void:
	# Given a host whose player punched through on its public path
	var server := _endpoint()
	var public := _endpoint()
	var lan := _endpoint() # On the public address too: a LAN claim there is probed.
	var node := _node()
	var port := await _host(node, server)
	server.send(server.answer("NJ:%s:%s" % [public.key, lan.key]), port)
	await wait_until(func() -> bool: return public.count("RD:") > 0, 1.0)
	public.send("RD:kim", port)
	public.send("JP:", port)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_joined") == 1, 2.0), "kim joined")
	assert_eq(node.get_players()[public.key].path, "public", "on its public path")
	assert_signal_not_emitted(node, "player_path", "its first path is in get_players()")
	# When it is heard on its LAN address, a better path
	lan.send("RD:kim", port)
	# Then the game hears that the player takes it, and get_players() says so
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "player_path") == 1, 2.0), "player_path came")
	assert_signal_emitted_with_parameters(node, "player_path", [public.key, "local"])
	assert_eq(node.get_players()[public.key].path, "local", "in get_players()")
