extends GutTest
## Before asking for a relay on a relay node, a HolePunch node pings the candidate nodes the server
## lists (RN), in parallel and for at most 0.3 s, and sends its RQ again with the round trips of
## the nodes that answered: over real UDP sockets on loopback, against a scripted server and nodes.

const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")

const TICKET := "cyahcyahcyahcyahcyahcyah"


func _client() -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false
	node.request_interval = 0.05
	node.punch_timeout = 0.2
	add_child_autofree(node)
	return node


## The nonce of the first RP [param node] received, or empty.
func _ping_nonce(node: Endpoint) -> String:
	for r: Dictionary in node.poll():
		if r.text.begins_with("RP:%s:" % TICKET):
			return r.text.get_slice(":", 2)
	return ""


func _rq_with_pings(server: Endpoint) -> String:
	for r: Dictionary in server.poll():
		if r.text.begins_with("RQ:") and r.text.get_slice_count(":") == 5:
			return r.text
	return ""


func test_pings_the_listed_nodes_and_asks_again_with_the_figures_of_those_that_answered() -> void:
	# Given a client that cannot reach its host, and a server with two relay nodes
	var server := Endpoint.new()
	var unreachable := Endpoint.new()
	var near := Endpoint.new()
	var silent := Endpoint.new()
	var node := _client()
	var id := server.key + "cyahcyah"
	node.join_session(id, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), unreachable.key, unreachable.key]), port)
	assert_true(await wait_until(func() -> bool: return server.count("RQ:%s:%s" % [id, unreachable.key]) > 0, 2.0), "RQ sent")
	# When the server lists the nodes, the client pings both at once from its punching socket
	var listed_at := Time.get_ticks_msec()
	server.send("RN:%s:%s:%s:%s" % [TICKET, server.nonce(), near.key, silent.key], port)
	assert_true(await wait_until(func() -> bool: return _ping_nonce(near) != "" and _ping_nonce(silent) != "", 1.0), "both nodes pinged")
	assert_eq(near.received[0].port, port, "pinged from the punching socket")
	# A forged echo (another nonce) from the node is not taken as its answer; the true one is
	near.send("RE:cycycycycycycycy", port)
	near.send("RE:" + _ping_nonce(near), port)
	# Then it asks again with the figure of the node that answered only, within the 0.3 s window
	assert_true(await wait_until(func() -> bool: return _rq_with_pings(server) != "", 1.0), "RQ with pings sent")
	var waited := Time.get_ticks_msec() - listed_at
	var pings := _rq_with_pings(server).get_slice(":", 4)
	assert_true(pings.begins_with(near.key + "="), "the near node's round trip: %s" % pings)
	assert_false(pings.contains(silent.key), "no figure for a node that never answered")
	assert_lt(waited, 700, "asked again once the window closed (%d ms)" % waited)
	# And a second list does not start the pings over
	var pinged := near.count("RP:")
	server.send("RN:%s:%s:%s:%s" % [TICKET, server.nonce(), near.key, silent.key], port)
	await wait_seconds(0.2)
	assert_eq(near.count("RP:"), pinged, "pinged once")
	for e: Endpoint in [server, unreachable, near, silent]:
		e.close()
