extends "res://test/test_case.gd"
## HolePunchPlan: every pair of NAT types, from both sides, gives plans that fit together.

const N := HolePunchNat.NatType
const P := HolePunchPlan.Plan


func test_every_pair_of_types_gives_matching_plans_on_both_sides() -> void:
	var fits := {
		[P.DIRECT, P.DIRECT]: true, [P.RELAY_AT_ONCE, P.RELAY_AT_ONCE]: true,
		[P.PROBE_EASY, P.PROBE_HARD]: true,
	}
	for host_type: int in N.values():
		for client_type: int in N.values():
			var host := HolePunchPlan.decide(host_type, client_type, true)
			var client := HolePunchPlan.decide(client_type, host_type, false)
			expect_true(fits.has([host, client]), "host %s, client %s: plans %s / %s" % [N.keys()[host_type], N.keys()[client_type], P.keys()[host], P.keys()[client]])


func test_the_plans_of_the_lab_cases() -> void:
	expect_eq(HolePunchPlan.decide(N.PORT_PRESERVING, N.PORT_RANDOMISING, true), P.PROBE_EASY, "easy host, hard client: the host probes")
	expect_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, N.PORT_PRESERVING, false), P.PROBE_HARD, "the hard client opens sockets")
	expect_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, N.PORT_RANDOMISING, true), P.RELAY_AT_ONCE, "both hard")
	expect_eq(HolePunchPlan.decide(N.PORT_RANDOMISING, N.OPEN, true), P.RELAY_AT_ONCE, "a hard host cannot hand a probing socket to ENet")
	expect_eq(HolePunchPlan.decide(N.PORT_PRESERVING, N.PORT_PRESERVING, false), P.DIRECT, "cone")
	expect_eq(HolePunchPlan.decide(N.UNKNOWN, N.PORT_RANDOMISING, false), P.DIRECT, "unknown: as before")
