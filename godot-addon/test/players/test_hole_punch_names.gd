extends GutTest
## Aliases: tied to peers, capped, and punch packets that fit into one datagram.

const HolePunchNames := preload("res://addons/simple_hole_punch/players/hole_punch_names.gd")
const HolePunchPeer := preload("res://addons/simple_hole_punch/players/hole_punch_peer.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const HolePunchRelayLink := preload("res://addons/simple_hole_punch/traversal/hole_punch_relay_link.gd")


func _peer() -> HolePunchPeer:
	var key := HolePunchProtocol.encode_key("127.0.0.1", 4000)
	return HolePunchPeer.new(key, key, false, HolePunchRelayLink.new(0.1, 1.0), 0.0)


func test_a_peer_has_the_first_name_of_its_first_packet() -> void:
	var names := HolePunchNames.new("me", 32)
	var peer := _peer()
	assert_eq(names.take(peer, PackedStringArray(["eve", "mallory"]), false), PackedStringArray(["eve"]), "first packet")
	assert_eq(names.take(peer, PackedStringArray(["trent"]), false), PackedStringArray(), "a later packet")
	assert_eq(peer.name, "eve", "the peer's alias")


func test_a_client_takes_the_other_names_from_its_host_capped() -> void:
	var names := HolePunchNames.new("me", 3)
	var host := _peer()
	assert_eq(names.take(host, PackedStringArray(["hana", "me", "kim", "lee", "max"]), true), PackedStringArray(["hana", "kim", "lee"]), "names up to the cap, not ours")


func test_punch_packets_fit_into_one_datagram() -> void:
	var names := HolePunchNames.new("h".repeat(32), 64)
	for i in 20:
		names.add(("%02d" % i).repeat(16))
	var rd := names.packet("")
	var rv := names.packet("wiwiwiwiwiwiwiwi")
	assert_true(rd.size() <= HolePunchProtocol.MAX_DATAGRAM_BYTES, "RD is %d bytes" % rd.size())
	assert_true(rv.size() <= HolePunchProtocol.MAX_DATAGRAM_BYTES, "RV is %d bytes" % rv.size())
	assert_eq(HolePunchProtocol.parse(rd).names[0], "h".repeat(32), "our alias first")
	assert_eq(HolePunchProtocol.parse(rv).secret, "wiwiwiwiwiwiwiwi", "RV carries the secret")
