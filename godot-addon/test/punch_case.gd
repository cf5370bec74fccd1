extends GutTest
## Base of the tests of HolePunch over real UDP sockets on loopback, against scripted server and
## peer sockets: a node that records the signals it emits.

const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")


var _signals: Array[String] = []


func before_each() -> void:
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_signals.clear()


func _punch(fast := true) -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false # This fake server answers no NP (traversal/traversal_case.gd does).
	if fast:
		node.request_interval = 0.05
	for s: String in ["start_server", "start_client", "start_session", "new_name", "bad_session", "bad_server", "start_random", "punch_failed"]:
		node.connect(s, func(...args: Array) -> void: _signals.append("%s%s" % [s, args]))
	add_child_autofree(node)
	return node


func _emitted(prefix: String) -> bool:
	return _signals.any(func(s: String) -> bool: return s.begins_with(prefix))


## Joins [param node] to session [param id] as "bob" and answers its JS from [param server] with
## JR naming [param host] (on both of its addresses); returns the joiner's port as the server saw it.
func _introduced(node: HolePunch, server: Endpoint, id: String, host: Endpoint) -> int:
	node.join_session(id, "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]), port)
	return port
