extends GutTest
## A random stranger that waits as a host (HR) with nobody yet, and then hears JR from its server
## (queued again after an outage, it was matched with another waiting stranger): it joins that
## session instead, as if JR had answered its RS. Real UDP sockets on loopback.

const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")

var _signals: Array[String] = []


func before_each() -> void:
	_signals.clear()


func _punch() -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false
	node.request_interval = 0.05
	node.keep_alive_interval = 0.05
	for s: String in ["start_session", "start_random", "new_name", "bad_session", "failed"]:
		node.connect(s, func(...args: Array) -> void: _signals.append("%s%s" % [s, args]))
	add_child_autofree(node)
	return node


## Starts [param node] as a random stranger and answers HR: it waits as a random host. Returns
## its port and the session id HR gave.
func _waiting(node: HolePunch, server: Endpoint) -> Array:
	node.random_session(server.key, "bob")
	await wait_until(func() -> bool: return server.count("RS:") > 0, 1.0)
	var port: int = server.received[0].port
	var sid := server.key + "cyahcyah"
	server.send(server.answer("HR:%s:%s" % [P.encode_key("127.0.0.1", port), sid]), port)
	assert_true(await wait_until(func() -> bool: return server.count("KA:" + sid) > 0, 1.0), "it keeps its session alive")
	return [port, sid]


func test_a_waiting_stranger_joins_the_host_jr_names() -> void:
	var server := Endpoint.new()
	var host := Endpoint.new()
	var node := _punch()
	var waiting: Array = await _waiting(node, server)
	var port: int = waiting[0]
	var sid: String = waiting[1]
	var requests := server.count("RS:")
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]), port)
	assert_true(await wait_until(func() -> bool: return host.count("RD:bob") > 0, 1.0), "it punches the host from JR")
	assert_eq(_signals, ["start_random[]"], "start_random, as for a JR that answered RS")
	assert_eq(node.get_session_id(), "", "its own session is forgotten")
	assert_eq(node.get_host(), host.key, "the host from JR")
	# Its own session is no longer kept alive; RS is repeated until the host is heard (NJ may be lost).
	var alive := server.count("KA:")
	assert_true(await wait_until(func() -> bool: return server.count("RS:") > requests, 1.0), "RS repeated")
	await wait_seconds(0.2)
	assert_eq(server.count("KA:"), alive, "no keep-alive for its old session")
	# A BK about its old session does not end the new one.
	server.send(server.answer("BK:" + sid), port)
	await wait_seconds(0.1)
	assert_eq(node.phase, HolePunch.Phase.PUNCHING, "still punching after a BK for the old session")
	host.send("RD:hana", port)
	assert_true(await wait_until(func() -> bool: return _emitted("new_name"), 1.0), "the host is heard")
	assert_false(_emitted("failed"), "nothing failed")
	for e: Endpoint in [server, host]:
		e.close()


func test_a_random_host_with_a_peer_ignores_jr() -> void:
	var server := Endpoint.new()
	var joiner := Endpoint.new()
	var other := Endpoint.new()
	var node := _punch()
	var waiting: Array = await _waiting(node, server)
	var port: int = waiting[0]
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	assert_true(await wait_until(func() -> bool: return joiner.count("RD:bob") > 0, 1.0), "it punches its joiner")
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), other.key, other.key]), port)
	await wait_seconds(0.2)
	assert_eq(other.count("RD:"), 0, "JR ignored: nothing to its host")
	assert_eq(node.get_session_id(), waiting[1], "still its own session")
	var alive := server.count("KA:")
	assert_true(await wait_until(func() -> bool: return server.count("KA:") > alive, 1.0), "still keeps its session alive")
	assert_eq(_signals, [], "no start_random before its joiner is reached")
	for e: Endpoint in [server, joiner, other]:
		e.close()


func _emitted(prefix: String) -> bool:
	return _signals.any(func(s: String) -> bool: return s.begins_with(prefix))
