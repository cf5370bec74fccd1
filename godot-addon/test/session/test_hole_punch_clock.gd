extends GutTest
## A [HolePunch] node and its parts go by the node's clock: a test that replaces it decides how much
## time passes.

const ManualClock := preload("res://test/manual_clock.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")


func test_the_server_timeout_waits_for_the_nodes_clock_not_the_wall() -> void:
	# Given a node on a clock that stands still, asking a server that never answers,
	var clock := ManualClock.new()
	var server := Endpoint.new()
	var node := HolePunch.new()
	node.clock = clock
	node.nat_diagnosis = false
	node.server_timeout = 0.2
	node.request_interval = 0.05
	add_child_autofree(node)
	watch_signals(node)
	assert_eq(node.host_session(server.key, "ann"), OK, "host_session")
	# when well past server_timeout goes by on the wall,
	await wait_seconds(0.5)
	# then the node still waits, and resends nothing after its first request (its retry timer has
	# not moved either),
	assert_signal_not_emitted(node, "failed", "no timeout while the clock stands")
	assert_eq(server.count("HS:"), 1, "one HS: no resend on a standing clock")
	# and once the clock moves past server_timeout, it gives up.
	clock.advance(0.3)
	assert_true(await wait_until(func() -> bool: return get_signal_emit_count(node, "failed") > 0, 1.0), "failed")
	assert_eq(get_signal_parameters(node, "failed")[0], HolePunch.Failure.SERVER_SILENT, "the server was silent")
	server.close()
