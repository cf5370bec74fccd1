extends "res://test/test_case.gd"
## HolePunch with its NAT diagnosis on, against a fake server on loopback: the first request waits
## for the diagnosis and carries the NAT type; a server that answers no NP costs nat_timeout.

const PUBLIC_IP := "203.0.113.5"

## [0] the rendezvous port, [1] the probe port.
var _ports: Array[PacketPeerUDP] = []
## Requests (not NP) the rendezvous port received, as text.
var _requests: Array[String] = []
var _answer_probes := true


func before_each() -> void:
	super.before_each()
	for i in 2:
		var socket := PacketPeerUDP.new()
		socket.bind(0, "127.0.0.1")
		_ports.append(socket)


func after_each() -> void:
	for socket in _ports:
		socket.close()
	_ports.clear()
	super.after_each()


func _serve() -> void:
	for i in 2:
		var socket := _ports[i]
		while socket.get_available_packet_count() > 0:
			var packet := socket.get_packet()
			var message := HolePunchProtocol.parse(packet)
			if message.is_empty():
				continue
			if message.code != HolePunchProtocol.NAT_PROBE:
				_requests.append(packet.get_string_from_ascii())
				continue
			if not _answer_probes:
				continue
			var probe := HolePunchProtocol.encode_key("127.0.0.1", _ports[1].get_local_port())
			socket.set_dest_address(socket.get_packet_ip(), socket.get_packet_port())
			socket.put_packet(HolePunchProtocol.encode_nat_answer(HolePunchProtocol.encode_key(PUBLIC_IP, 40000), probe, message.nonce))


func _node() -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "10.0.0.2" # Not the public address the fake server reports: behind a NAT.
	node.use_ipv6 = false
	node.request_interval = 0.05
	watch_signals(node)
	add(node)
	return node


func _server_key() -> String:
	return HolePunchProtocol.encode_key("127.0.0.1", _ports[0].get_local_port())


func test_the_first_request_waits_for_the_diagnosis_and_carries_the_nat_type() -> void:
	var node := _node()
	node.host_session(_server_key(), "host")
	var sent := await wait_until(func() -> bool:
		_serve()
		return not _requests.is_empty(), 2.0)
	assert_true(sent, "HS sent")
	assert_true(_requests[0].begins_with("HS:") and _requests[0].ends_with(":port_preserving"), "HS carries the type: %s" % [_requests])
	assert_signal_emitted_with_parameters(node, "nat_diagnosed", [HolePunchNat.NatType.PORT_PRESERVING])
	assert_eq(node.nat_type, HolePunchNat.NatType.PORT_PRESERVING, "nat_type")


func test_diagnose_nat_before_a_session_for_a_lobby() -> void:
	var node := _node()
	node.diagnose_nat(_server_key())
	assert_true(await wait_until(func() -> bool:
		_serve()
		return node.nat_type != HolePunchNat.NatType.UNKNOWN, 2.0), "diagnosed without a session")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "no session started")
	assert_true(_requests.is_empty(), "no request sent")


func test_a_server_without_nat_probes_costs_nat_timeout_and_gets_the_request_as_before() -> void:
	_answer_probes = false
	var node := _node()
	node.nat_timeout = 0.2
	var started := Time.get_ticks_msec()
	node.host_session(_server_key(), "host")
	assert_true(await wait_until(func() -> bool:
		_serve()
		return not _requests.is_empty(), 2.0), "HS sent")
	assert_true(Time.get_ticks_msec() - started >= 190, "after nat_timeout")
	assert_eq(_requests[0].split(":").size(), 3, "HS:local_key:nonce, no extension: %s" % _requests[0])
	assert_signal_emitted_with_parameters(node, "nat_diagnosed", [HolePunchNat.NatType.UNKNOWN])
