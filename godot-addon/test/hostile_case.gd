extends GutTest
## Base of the tests that play a hostile server and hostile peers against a [HolePunch] node over
## real UDP sockets on loopback. Exports are set by name, so that
## each test also runs (and fails) against the node as it was before the fixes.

const Ports := preload("res://test/ports.gd")
const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")
const Recording := preload("res://test/recording_hole_punch.gd")

var _endpoints: Array[Endpoint] = []


func before_each() -> void:
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_endpoints.clear()


func _node(settings := {}) -> Recording:
	var node: Recording = Recording.new()
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false # These fake servers answer no NP (traversal/traversal_case.gd does).
	node.request_interval = 0.05
	for setting: String in settings:
		node.set(setting, settings[setting])
	watch_signals(node)
	add_child_autofree(node)
	return node


func _endpoint(address := "127.0.0.1") -> Endpoint:
	var e := Endpoint.new(address)
	_endpoints.append(e)
	return e


func after_each() -> void:
	for e in _endpoints:
		e.close()


## How often [param node] emitted any of the signals its scripts declare.
func _any_signal(node: HolePunch) -> int:
	var count := 0
	for s: Dictionary in (node.get_script() as Script).get_script_signal_list():
		count += get_signal_emit_count(node, s.name)
	return count


## Joins through [param server], which answers with JR naming the host's keys (and ours at
## [param our_ip]); returns the node's port.
func _join(node: HolePunch, server: Endpoint, host_public: String, host_lan: String, our_ip := "127.0.0.1") -> int:
	server.poll()
	server.received.clear()
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key(our_ip, port), host_public, host_lan]), port)
	await wait_until(func() -> bool: return node.phase == HolePunch.Phase.PUNCHING, 1.0)
	return port


## Hosts through [param server]; returns the node's port once registered.
func _host(node: HolePunch, server: Endpoint, alias := "hana") -> int:
	node.host_session(server.key, alias)
	await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("HR:%s:%scyahcyah" % [P.encode_key("127.0.0.1", port), server.key]), port)
	await wait_until(func() -> bool: return node.phase == HolePunch.Phase.PUNCHING, 1.0)
	return port
