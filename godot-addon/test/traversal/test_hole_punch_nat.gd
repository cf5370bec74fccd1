extends GutTest
## HolePunchNat against a fake server of two UDP ports on loopback that answer NP with whatever
## public address a test makes them claim; and HolePunchIpv6's addresses and tokens.

const HolePunchIpv6 := preload("res://addons/simple_hole_punch/traversal/hole_punch_ipv6.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

const PUBLIC_IP := "203.0.113.5"

## The fake server's two ports: [0] the rendezvous port, [1] the probe port.
var _ports: Array[PacketPeerUDP] = []
## What each port claims it saw: a key, or "" to report the real source.
var _claims: Array[String] = ["", ""]
## Whether the rendezvous port names the probe port.
var _with_probe := true
var _nat: HolePunchNat


func before_each() -> void:
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_ports.clear()
	_claims.assign(["", ""])
	_with_probe = true
	_nat = null


func _start_server() -> void:
	for i in 2:
		var socket := PacketPeerUDP.new()
		socket.bind(0, "127.0.0.1")
		_ports.append(socket)


func _serve() -> void:
	for i in 2:
		var socket := _ports[i]
		while socket.get_available_packet_count() > 0:
			var message := HolePunchProtocol.parse(socket.get_packet())
			if message == null or message.code != HolePunchProtocol.NAT_PROBE:
				continue
			var seen := _claims[i] if _claims[i] != "" else HolePunchProtocol.encode_key(socket.get_packet_ip(), socket.get_packet_port())
			var probe := HolePunchProtocol.encode_key("127.0.0.1", _ports[1].get_local_port()) if _with_probe else HolePunchNat.NO_KEY
			socket.set_dest_address(socket.get_packet_ip(), socket.get_packet_port())
			socket.put_packet(HolePunchProtocol.encode_nat_answer(seen, probe, (message as HolePunchProtocol.NatProbe).nonce))


## Runs a diagnosis against the fake server; returns the type found.
func _diagnose(own := PackedStringArray(["10.0.0.2"])) -> HolePunchNat.NatType:
	if _ports.is_empty():
		_start_server()
	_nat = HolePunchNat.new()
	_nat.timeout = 0.5
	assert_eq(_nat.start(HolePunchProtocol.encode_key("127.0.0.1", _ports[0].get_local_port()), _now(), own), OK, "start")
	var finished: bool = await wait_until(func() -> bool:
		_serve()
		return _nat.poll(_now()) or _nat.done, 2.0)
	assert_true(finished, "the diagnosis finished")
	return _nat.nat_type


func after_each() -> void:
	for socket in _ports:
		socket.close()
	if _nat != null:
		_nat.stop()


func test_one_public_port_for_both_server_ports_is_port_preserving() -> void:
	_claims = [HolePunchProtocol.encode_key(PUBLIC_IP, 40000), HolePunchProtocol.encode_key(PUBLIC_IP, 40000)]
	assert_eq(await _diagnose(), HolePunchNat.NatType.PORT_PRESERVING, "type")
	assert_eq(_nat.public_endpoint, {"ip": PUBLIC_IP, "port": 40000}, "public endpoint")
	assert_eq(HolePunchNat.word(_nat.nat_type), "port_preserving", "wire word")


func test_a_new_port_per_server_port_is_port_randomising() -> void:
	_claims = [HolePunchProtocol.encode_key(PUBLIC_IP, 40000), HolePunchProtocol.encode_key(PUBLIC_IP, 51234)]
	assert_eq(await _diagnose(), HolePunchNat.NatType.PORT_RANDOMISING, "type")


func test_its_own_address_seen_is_open() -> void:
	# The fake server reports the real source, 127.0.0.1, which is ours.
	assert_eq(await _diagnose(PackedStringArray(["127.0.0.1"])), HolePunchNat.NatType.OPEN, "type")


func test_no_probe_port_is_unknown() -> void:
	_with_probe = false
	_claims = [HolePunchProtocol.encode_key(PUBLIC_IP, 40000), ""]
	assert_eq(await _diagnose(), HolePunchNat.NatType.UNKNOWN, "type")


func test_a_silent_server_is_unknown_after_the_timeout() -> void:
	var silent := PacketPeerUDP.new()
	silent.bind(0, "127.0.0.1")
	_nat = HolePunchNat.new()
	_nat.timeout = 0.3
	_nat.start(HolePunchProtocol.encode_key("127.0.0.1", silent.get_local_port()), _now())
	var started := _now()
	assert_true(await wait_until(func() -> bool: return _nat.poll(_now()), 2.0), "finished")
	assert_true(_now() - started >= 0.29, "waited for the timeout")
	assert_eq(_nat.nat_type, HolePunchNat.NatType.UNKNOWN, "type")
	assert_true(silent.get_available_packet_count() >= 2, "resent while unanswered")
	silent.close()


func test_answers_with_a_wrong_nonce_or_from_elsewhere_are_ignored() -> void:
	_start_server()
	var stranger := PacketPeerUDP.new()
	stranger.bind(0, "127.0.0.1")
	_nat = HolePunchNat.new()
	_nat.timeout = 0.3
	_nat.start(HolePunchProtocol.encode_key("127.0.0.1", _ports[0].get_local_port()), _now(), PackedStringArray(["10.0.0.2"]))
	_nat.poll(_now())
	await wait_until(func() -> bool: return _ports[0].get_available_packet_count() > 0, 1.0)
	var probe := HolePunchProtocol.parse(_ports[0].get_packet()) as HolePunchProtocol.NatProbe
	var nat_port := _ports[0].get_packet_port()
	var fake := HolePunchProtocol.encode_key(PUBLIC_IP, 1)
	# Given a forged answer from a stranger with the right nonce, and one from the server with a wrong nonce,
	stranger.set_dest_address("127.0.0.1", nat_port)
	stranger.put_packet(HolePunchProtocol.encode_nat_answer(fake, HolePunchNat.NO_KEY, probe.nonce))
	_ports[0].set_dest_address("127.0.0.1", nat_port)
	_ports[0].put_packet(HolePunchProtocol.encode_nat_answer(fake, HolePunchNat.NO_KEY, "cycycycycycycycy"))
	# then neither counts: the diagnosis ends unanswered.
	await wait_until(func() -> bool: return _nat.poll(_now()), 2.0)
	assert_true(_nat.public_endpoint.is_empty(), "no endpoint believed")
	assert_eq(_nat.nat_type, HolePunchNat.NatType.UNKNOWN, "type")
	stranger.close()


func test_the_port_after_the_servers_is_asked_at_once_and_counts_only_when_named() -> void:
	var main := PacketPeerUDP.new()
	main.bind(0, "127.0.0.1")
	var next := PacketPeerUDP.new()
	if next.bind(main.get_local_port() + 1, "127.0.0.1") != OK:
		main.close()
		return # Taken by something else: nothing to show here.
	_nat = HolePunchNat.new()
	_nat.timeout = 0.5
	_nat.start(HolePunchProtocol.encode_key("127.0.0.1", main.get_local_port()), _now(), PackedStringArray(["10.0.0.2"]))
	_nat.poll(_now())
	# Given both ports asked in the first round, before any answer,
	assert_true(await wait_until(func() -> bool: return main.get_available_packet_count() > 0 and next.get_available_packet_count() > 0, 1.0), "both asked at once")
	var asked := HolePunchProtocol.parse(next.get_packet()) as HolePunchProtocol.NatProbe
	var from_port := next.get_packet_port()
	main.get_packet()
	# when the next port answers first and the server then names it its probe port,
	var next_key := HolePunchProtocol.encode_key("127.0.0.1", next.get_local_port())
	next.set_dest_address("127.0.0.1", from_port)
	next.put_packet(HolePunchProtocol.encode_nat_answer(HolePunchProtocol.encode_key(PUBLIC_IP, 40001), next_key, asked.nonce))
	await wait_seconds(0.05)
	_nat.poll(_now())
	main.set_dest_address("127.0.0.1", from_port)
	main.put_packet(HolePunchProtocol.encode_nat_answer(HolePunchProtocol.encode_key(PUBLIC_IP, 40000), next_key, asked.nonce))
	assert_true(await wait_until(func() -> bool: return _nat.poll(_now()) or _nat.done, 1.0), "finished without asking again")
	# then its answer counts: two ports, two mappings.
	assert_eq(_nat.nat_type, HolePunchNat.NatType.PORT_RANDOMISING, "type")
	main.close()
	next.close()


func test_ipv6_global_addresses_and_tokens() -> void:
	assert_eq(HolePunchIpv6.find_global(PackedStringArray(["127.0.0.1", "::1", "fe80:0:0:0:1:2:3:4", "fd00:0:0:0:0:0:0:2", "2001:db8:1:0:0:0:0:10"])), "2001:db8:1:0:0:0:0:10", "the global one")
	assert_eq(HolePunchIpv6.find_global(PackedStringArray(["10.0.0.2", "fe80::1"])), "", "none")
	assert_eq(HolePunchIpv6.format(HolePunchIpv6.parse("2001:db8::10")), "2001:db8:0:0:0:0:0:10", "short form")
	assert_eq(HolePunchIpv6.parse("2001:db8::1::2"), PackedByteArray(), "two ::")
	assert_eq(HolePunchIpv6.parse("2001:db8:zz::1"), PackedByteArray(), "not hex")
	var tokens := HolePunchIpv6.to_tokens("2001:db8:2::10")
	assert_eq(tokens.size(), 2, "two tokens")
	assert_true(HolePunchProtocol.is_token(tokens[0]) and HolePunchProtocol.is_token(tokens[1]), "valid tokens")
	assert_eq(HolePunchIpv6.from_tokens(tokens[0], tokens[1]), "2001:db8:2:0:0:0:0:10", "round trip")
	var loopback := HolePunchIpv6.to_tokens("::1")
	assert_eq(HolePunchIpv6.from_tokens(loopback[0], loopback[1]), "", "a non-global address is refused")
	assert_eq(HolePunchIpv6.from_tokens("", tokens[1]), "", "a missing half")
	assert_true(HolePunchIpv6.same("2001:db8:2::10", "2001:db8:2:0:0:0:0:10"), "same address, two spellings")
	assert_true(not HolePunchIpv6.same("2001:db8:2::10", "2001:db8:2::11"), "different addresses")
	assert_true(not HolePunchIpv6.same("10.0.0.1", "10.0.0.1"), "not IPv6")


func _now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0
