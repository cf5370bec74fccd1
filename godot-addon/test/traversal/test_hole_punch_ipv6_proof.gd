extends GutTest
## The proof of a node's IPv6 address, against a fake server on loopback with an IPv4 port and an
## IPv6 socket on ::1: NA names the server's IPv6 address, the node sends NP there from its
## punching socket with its session's nonce, and the host's HS (sent at once, then again with the
## report) carries the address and proof IA gave. Without an answer, or with a forged one, the
## request goes without them.

const HolePunchIpv6 := preload("res://addons/simple_hole_punch/traversal/hole_punch_ipv6.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

const PUBLIC_IP := "203.0.113.5"
const PROOF := "mwmwmwmwmwmwmwmw"

## [0] the rendezvous port (IPv4), [1] the server's IPv6 socket (on ::1, the same port: nodes send
## IPv6 probes to the port the server key names).
var _ports: Array[PacketPeerUDP] = []
## Requests (not NP) the rendezvous port received, as text.
var _requests: Array[String] = []
## NP that reached the IPv6 socket: [text, port it came from].
var _probes6: Array = []
var _with_ip6 := true
var _answer_ip6 := true


func before_each() -> void:
	super.before_each()
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_requests.clear()
	_probes6.clear()
	_with_ip6 = true
	_answer_ip6 = true
	for attempt in 10: # A free IPv4 port whose number is free on ::1 too.
		var v4 := PacketPeerUDP.new()
		v4.bind(0, "127.0.0.1")
		var v6 := PacketPeerUDP.new()
		if v6.bind(v4.get_local_port(), "::1") == OK:
			_ports.assign([v4, v6])
			return
		v4.close()


func after_each() -> void:
	for socket in _ports:
		socket.close()
	_ports.clear()
	super.after_each()


func _serve() -> void:
	var v4 := _ports[0]
	while v4.get_available_packet_count() > 0:
		var packet := v4.get_packet()
		var message := HolePunchProtocol.parse(packet)
		if message == null:
			continue
		if message.code != HolePunchProtocol.NAT_PROBE:
			_requests.append(packet.get_string_from_ascii())
			continue
		var ip6 := HolePunchIpv6.to_tokens("::1") if _with_ip6 and (message as HolePunchProtocol.NatProbe).server_ip6_prefix != "" else PackedStringArray(["", ""])
		v4.set_dest_address(v4.get_packet_ip(), v4.get_packet_port())
		v4.put_packet(HolePunchProtocol.encode_nat_answer(HolePunchProtocol.encode_key(PUBLIC_IP, 40000), HolePunchNat.NO_KEY, (message as HolePunchProtocol.NatProbe).nonce, ip6[0], ip6[1]))
	var v6 := _ports[1]
	while v6.get_available_packet_count() > 0:
		var packet := v6.get_packet()
		var message := HolePunchProtocol.parse(packet)
		_probes6.append([packet.get_string_from_ascii(), v6.get_packet_port()])
		if message == null or message.code != HolePunchProtocol.NAT_PROBE or not _answer_ip6:
			continue
		var seen := HolePunchIpv6.to_tokens(v6.get_packet_ip())
		v6.set_dest_address(v6.get_packet_ip(), v6.get_packet_port())
		v6.put_packet(HolePunchProtocol.encode_ip6_answer(seen[0], seen[1], PROOF, (message as HolePunchProtocol.NatProbe).nonce))


## The server key names the IPv6 socket's port: IPv6 probes go to the port the key names.
func _server_key() -> String:
	return HolePunchProtocol.encode_key("127.0.0.1", _ports[0].get_local_port())


func _node() -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "10.0.0.2"
	node.ipv6_without_enet = true # This Godot's ENet may lack IPv6; only the proof is tested here.
	node.request_interval = 0.05
	node.nat_timeout = 0.3
	add_child_autofree(node)
	return node


## Hosts a session and returns the last HS the fake server got once one carried a report, or
## once the proof had time to end ("" when none came). The first HS leaves at once.
func _first_request(node: HolePunch) -> String:
	node.host_session(_server_key(), "host")
	_serve()
	assert_eq(_requests.size(), 1, "HS at once: %s" % [_requests])
	await wait_until(func() -> bool:
		_serve()
		return _requests.any(func(r: String) -> bool: return r.split(":").size() > 3), 1.0)
	return _requests[-1] if not _requests.is_empty() else ""


func test_the_first_request_carries_the_address_and_proof_ia_gave() -> void:
	var node := _node()
	var hs := await _first_request(node)
	var fields := hs.split(":")
	var loopback := HolePunchIpv6.to_tokens("::1")
	assert_eq(fields.size(), 7, "HS:local_key:nonce:nat:ip6_prefix:ip6_host:ip6_proof: %s" % hs)
	assert_eq(fields[3], "unknown", "the type (the fake server has no probe port)")
	assert_eq([fields[4], fields[5], fields[6]], [loopback[0], loopback[1], PROOF], "the address the server saw and its proof")
	# The NP over IPv6 came from the punching socket (the local key's port) with the session's nonce,
	# as long as the answer could be.
	assert_true(not _probes6.is_empty(), "NP sent over IPv6")
	var np := HolePunchProtocol.parse(_probes6[0][0].to_ascii_buffer()) as HolePunchProtocol.NatProbe
	assert_eq(np.nonce, fields[2], "the session's nonce")
	assert_eq(_probes6[0][1], HolePunchProtocol.decode_key(fields[1]).port, "from the port the local key names")
	assert_true(_probes6[0][0].length() >= HolePunchProtocol.encode_ip6_answer(loopback[0], loopback[1], PROOF, np.nonce).size(), "no shorter than IA")


func test_the_diagnosis_leaves_room_for_the_servers_ipv6_address_and_learns_it() -> void:
	var nat := HolePunchNat.new()
	nat.timeout = 0.3
	nat.start(_server_key(), _now(), PackedStringArray(["10.0.0.2"]))
	assert_true(await wait_until(func() -> bool:
		_serve()
		return nat.poll(_now()) or nat.done, 2.0), "finished")
	assert_eq(HolePunchIpv6.is_loopback(nat.server_ip6), true, "the server's IPv6 address: %s" % nat.server_ip6)
	var na := HolePunchProtocol.encode_nat_answer(HolePunchNat.NO_KEY, HolePunchNat.NO_KEY, "abababababababab", HolePunchNat.NO_TOKEN, HolePunchNat.NO_TOKEN)
	assert_eq(HolePunchProtocol.encode_nat_probe(HolePunchNat.NO_KEY, HolePunchNat.NO_KEY, "abababababababab", HolePunchNat.NO_TOKEN, HolePunchNat.NO_TOKEN).size(), na.size(), "NP as long as NA naming it")
	nat.stop()


func test_a_server_without_ipv6_gets_no_probe_and_no_claim() -> void:
	_with_ip6 = false
	var hs := await _first_request(_node())
	assert_eq(hs.split(":").size(), 3, "HS:local_key:nonce (type unknown, no IPv6): %s" % hs)
	assert_true(_probes6.is_empty(), "no NP over IPv6")


func test_an_unanswered_proof_holds_up_no_hs_and_claims_nothing() -> void:
	_answer_ip6 = false
	var node := _node()
	var hs := await _first_request(node)
	assert_eq(hs.split(":").size(), 3, "no IPv6 fields without a proof: %s" % hs)
	assert_true(_probes6.size() >= 2, "NP resent while unanswered")


func test_a_forged_ia_is_not_believed() -> void:
	_answer_ip6 = false
	var node := _node()
	node.nat_timeout = 0.4
	node.host_session(_server_key(), "host")
	assert_true(await wait_until(func() -> bool:
		_serve()
		return not _probes6.is_empty(), 2.0), "NP over IPv6")
	var np := HolePunchProtocol.parse(_probes6[0][0].to_ascii_buffer()) as HolePunchProtocol.NatProbe
	var node_port: int = _probes6[0][1]
	var forged := HolePunchIpv6.to_tokens("2001:db8:7::99")
	# Given IA with a wrong nonce from the server's IPv6 socket, and one with the right nonce from another port,
	_ports[1].set_dest_address("::1", node_port)
	_ports[1].put_packet(HolePunchProtocol.encode_ip6_answer(forged[0], forged[1], PROOF, "cycycycycycycycy"))
	var stranger := PacketPeerUDP.new()
	stranger.bind(0, "::1")
	stranger.set_dest_address("::1", node_port)
	stranger.put_packet(HolePunchProtocol.encode_ip6_answer(forged[0], forged[1], PROOF, np.nonce))
	# then neither counts: the request goes without a claim.
	assert_true(await wait_until(func() -> bool:
		_serve()
		return not _requests.is_empty(), 2.0), "HS sent")
	assert_eq(_requests[0].split(":").size(), 3, "no IPv6 fields: %s" % _requests[0])
	assert_true(node.dropped_datagrams >= 2, "both dropped")
	stranger.close()


func test_use_ipv6_off_proves_nothing() -> void:
	var node := _node()
	node.use_ipv6 = false
	var hs := await _first_request(node)
	assert_eq(hs.split(":").size(), 3, "HS:local_key:nonce (type unknown, no IPv6): %s" % hs)
	assert_true(_probes6.is_empty(), "no NP over IPv6")


func _now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0
