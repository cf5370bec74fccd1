extends GutTest
## Plans decided before one side's NAT type was known: a port-randomising client told of a host
## whose type the server did not know yet, and a host whose own diagnosis ended after a
## port-randomising client was introduced. Punching cannot work between two such NATs, so both ask
## for the relay at once, not after punch_timeout.

const HolePunchTraversal := preload("res://addons/simple_hole_punch/traversal/hole_punch_traversal.gd")
const HolePunchPeer := preload("res://addons/simple_hole_punch/players/hole_punch_peer.gd")
const HolePunchPlan := preload("res://addons/simple_hole_punch/traversal/hole_punch_plan.gd")
const HolePunchRelayLink := preload("res://addons/simple_hole_punch/traversal/hole_punch_relay_link.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

const NOW := 100.0


func _peer() -> HolePunchPeer:
	var key := HolePunchProtocol.encode_key("203.0.113.7", 40000)
	var peer := HolePunchPeer.new(key, key, false, HolePunchRelayLink.new(0.1, 1.0), 0.0)
	peer.secret = "wiwiwiwiwiwiwiwi" # Vouched for by the server: its NAT claim counts.
	return peer


func test_a_hard_client_told_of_a_host_of_unknown_type_asks_for_the_relay_beside_punching() -> void:
	var traversal := HolePunchTraversal.new()
	traversal.told = HolePunchNat.NatType.PORT_RANDOMISING
	var peer := _peer()
	traversal.introduce(peer, "", "", "", false, false, NOW)
	assert_eq(peer.plan, HolePunchPlan.Plan.DIRECT, "it still punches")
	assert_eq(peer.relay_after, NOW, "and asks for the relay at once")
	assert_true(peer.relay_beside_probing, "its relay time counts from punch_timeout")


func test_a_client_of_known_or_unknown_type_is_not_changed() -> void:
	for ours: HolePunchNat.NatType in [HolePunchNat.NatType.UNKNOWN, HolePunchNat.NatType.PORT_PRESERVING]:
		var traversal := HolePunchTraversal.new()
		traversal.told = ours
		var peer := _peer()
		traversal.introduce(peer, "", "", "", false, false, NOW)
		assert_eq(peer.relay_after, INF, "%s client: the relay only after punch_timeout" % HolePunchNat.NatType.keys()[ours])


func test_a_host_whose_type_is_told_after_a_hard_client_came_asks_for_the_relay_then() -> void:
	var traversal := HolePunchTraversal.new()
	var hard := _peer()
	var easy := _peer()
	traversal.introduce(hard, HolePunchNat.word(HolePunchNat.NatType.PORT_RANDOMISING), "", "", true, false, NOW)
	traversal.introduce(easy, HolePunchNat.word(HolePunchNat.NatType.PORT_PRESERVING), "", "", true, false, NOW)
	assert_eq(hard.relay_after, INF, "own type unknown: punching, as before")
	traversal.tick(NOW + 0.2, [hard, easy], true)
	assert_eq(hard.relay_after, INF, "nothing told yet")
	traversal.told = HolePunchNat.NatType.PORT_RANDOMISING
	traversal.tick(NOW + 0.3, [hard, easy], true)
	assert_eq(hard.plan, HolePunchPlan.Plan.RELAY_AT_ONCE, "two port-randomising NATs")
	assert_eq(hard.relay_after, NOW + 0.3, "the relay asked now")
	assert_eq(easy.relay_after, INF, "a port-preserving client keeps its plan")


func test_a_peer_heard_already_keeps_its_path() -> void:
	var traversal := HolePunchTraversal.new()
	var peer := _peer()
	traversal.introduce(peer, HolePunchNat.word(HolePunchNat.NatType.PORT_RANDOMISING), "", "", true, false, NOW)
	peer.path = "public"
	traversal.told = HolePunchNat.NatType.PORT_RANDOMISING
	traversal.tick(NOW + 0.3, [peer], true)
	assert_eq(peer.relay_after, INF, "punched: no relay")
