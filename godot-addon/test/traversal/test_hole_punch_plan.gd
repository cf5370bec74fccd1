extends GutTest
## HolePunchPlan: every pair of NAT types, from both sides, in hosted and random sessions, gives
## plans that fit together.

const HolePunchPlan := preload("res://addons/simple_hole_punch/traversal/hole_punch_plan.gd")

const N := HolePunchNat.NatType
const P := HolePunchPlan.Plan


func test_every_pair_of_types_gives_matching_plans_on_both_sides() -> void:
	var fits := {
		[P.DIRECT, P.DIRECT]: true, [P.RELAY_AT_ONCE, P.RELAY_AT_ONCE]: true,
		[P.PROBE_EASY, P.PROBE_HARD]: true, [P.PROBE_HARD, P.PROBE_EASY]: true,
	}
	for random: bool in [false, true]:
		for host_type: int in N.values():
			for client_type: int in N.values():
				var host := HolePunchPlan.decide(host_type, client_type, true, random)
				var client := HolePunchPlan.decide(client_type, host_type, false, random)
				assert_true(fits.has([host, client]), "%s session, host %s, client %s: plans %s / %s" % [
					"random" if random else "hosted", N.keys()[host_type], N.keys()[client_type], P.keys()[host], P.keys()[client]])


func test_the_plans_of_the_lab_cases() -> void:
	assert_eq(HolePunchPlan.decide(N.PORT_PRESERVING, N.PORT_RANDOMISING, true, false), P.PROBE_EASY, "easy host, hard client: the host probes")
	assert_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, N.PORT_PRESERVING, false, false), P.PROBE_HARD, "the hard client opens sockets")
	assert_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, N.PORT_RANDOMISING, true, false), P.RELAY_AT_ONCE, "both hard")
	assert_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, N.PORT_RANDOMISING, true, true), P.RELAY_AT_ONCE, "both hard, random")
	assert_eq(HolePunchPlan.decide(N.PORT_PRESERVING, N.PORT_PRESERVING, false, false), P.DIRECT, "cone")
	assert_eq(HolePunchPlan.decide(N.UNKNOWN, N.PORT_RANDOMISING, false, true), P.DIRECT, "unknown: as before")


func test_a_hard_host_probes_only_when_its_session_can_hold_no_other_peer() -> void:
	for easy: int in [N.OPEN, N.PORT_PRESERVING]:
		var side := N.keys()[easy] as String
		# A hosted session may take more clients, which the winner's port could not serve.
		assert_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, easy, true, false), P.RELAY_AT_ONCE, "hard host, hosted, %s client" % side)
		assert_eq(HolePunchPlan.decide(easy, N.PORT_RANDOMISING, false, false), P.RELAY_AT_ONCE, "%s client of a hard host, hosted" % side)
		# A random session holds one stranger, and both sides know it is random.
		assert_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, easy, true, true), P.PROBE_HARD, "hard host, random, %s client" % side)
		assert_eq(HolePunchPlan.decide(easy, N.PORT_RANDOMISING, false, true), P.PROBE_EASY, "%s client of a hard host, random" % side)
		# The other way round nothing changes.
		assert_eq(HolePunchPlan.decide(easy, N.PORT_RANDOMISING, true, true), P.PROBE_EASY, "%s host, random, hard client" % side)
		assert_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, easy, false, true), P.PROBE_HARD, "hard client, random, %s host" % side)
