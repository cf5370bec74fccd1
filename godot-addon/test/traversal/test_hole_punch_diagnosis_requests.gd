extends "res://test/traversal/traversal_case.gd"
## HolePunch with its NAT diagnosis on, against a fake server on loopback: a host's HS leaves at
## once, before the diagnosis starts, and is sent again with the NAT type; a joiner's request
## fetches the server's cookie at once (before the diagnosis starts too) and its resend with the
## cookie waits for the type; a server that answers no NP costs a host nothing.


func test_a_host_request_leaves_beside_the_diagnosis_and_its_report_follows() -> void:
	var node := _node()
	node.host_session(_server_key(), "host")
	_serve() # What host_session sent at once, before any frame.
	assert_eq(_requests.size(), 1, "HS at once: %s" % [_requests])
	assert_eq(_requests[0].split(":").size(), 3, "HS:local_key:nonce, nothing to tell yet: %s" % [_requests])
	var reported: bool = await wait_until(func() -> bool:
		_serve()
		return _requests.any(func(r: String) -> bool: return r.ends_with(":port_preserving")), 2.0)
	assert_true(reported, "HS again with the type: %s" % [_requests])
	assert_true(_requests.all(func(r: String) -> bool: return r.begins_with("HS:")), "only HS: %s" % [_requests])
	assert_signal_emitted_with_parameters(node, "nat_diagnosed", [HolePunchNat.NatType.PORT_PRESERVING])
	assert_eq(node.nat_type, HolePunchNat.NatType.PORT_PRESERVING, "nat_type")


func test_the_first_request_leaves_before_the_diagnosis_starts() -> void:
	# Its round trip overlaps the diagnosis's: the time the diagnosis takes to start is not on the way.
	for role: String in ["host", "join"]:
		_arrivals.clear()
		var node := _node()
		if role == "host":
			node.host_session(_server_key(), "host")
		else:
			node.join_session(_server_key() + "cyahcyah", "joiner")
		_serve() # What the call sent at once, in the order it went (one receiving socket, loopback).
		assert_gt(_arrivals.size(), 1, "%s: the request and the first NP at once: %s" % [role, _arrivals])
		assert_ne(_arrivals[0], HolePunchProtocol.NAT_PROBE, "%s: the request first: %s" % [role, _arrivals])
		assert_true(_arrivals.has(HolePunchProtocol.NAT_PROBE), "%s: the diagnosis started too: %s" % [role, _arrivals])


func test_a_join_request_fetches_the_cookie_at_once_and_its_cookie_resend_carries_the_nat_type() -> void:
	_answer_probes = false # The diagnosis is slow.
	var node := _node()
	node.join_session(_server_key() + "cyahcyah", "joiner")
	_serve()
	assert_eq(_requests.size(), 1, "JS at once: %s" % [_requests])
	var first := HolePunchProtocol.parse(_requests[0].to_ascii_buffer()) as HolePunchProtocol.JoinSession
	assert_eq(first.cookie, "", "without a cookie: the server only answers RC")
	# The cookie comes before the diagnosis ends: the resend that counts waits for the report.
	_tell(HolePunchProtocol.encode_return_cookie(COOKIE, first.nonce), _request_ports[0])
	await wait_seconds(0.15)
	assert_false(_requests.any(func(r: String) -> bool: return r.ends_with(COOKIE)), "no JS with the cookie before the report: %s" % [_requests])
	_answer_probes = true
	var sent: bool = await wait_until(func() -> bool:
		_serve()
		return _requests.any(func(r: String) -> bool: return r.ends_with(COOKIE)), 2.0)
	assert_true(sent, "JS with the cookie: %s" % [_requests])
	var counted: Array = _requests.filter(func(r: String) -> bool: return r.ends_with(COOKIE))
	assert_true(counted[0].contains(":port_preserving:"), "it carries the type: %s" % [counted])


func test_diagnose_nat_before_a_session_for_a_lobby() -> void:
	var node := _node()
	node.diagnose_nat(_server_key())
	assert_true(await wait_until(func() -> bool:
		_serve()
		return node.nat_type != HolePunchNat.NatType.UNKNOWN, 2.0), "diagnosed without a session")
	assert_eq(node.phase, HolePunch.Phase.IDLE, "no session started")
	assert_true(_requests.is_empty(), "no request sent")


func test_a_server_without_nat_probes_costs_a_host_nothing_and_gets_the_request_as_before() -> void:
	_answer_probes = false
	var node := _node()
	node.nat_timeout = 0.2
	node.host_session(_server_key(), "host")
	_serve()
	assert_eq(_requests.size(), 1, "HS at once: %s" % [_requests])
	assert_eq(_requests[0].split(":").size(), 3, "HS:local_key:nonce, no extension: %s" % _requests[0])
	assert_true(await wait_until(func() -> bool: return node.nat_type == HolePunchNat.NatType.UNKNOWN and get_signal_emit_count(node, "nat_diagnosed") == 1, 2.0), "diagnosed")
	await wait_frames(3)
	_serve()
	assert_true(_requests.all(func(r: String) -> bool: return r.split(":").size() == 3), "nothing to tell, nothing more: %s" % [_requests])
