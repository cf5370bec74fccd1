extends GutTest
## A client whose node runs its game connects on JH, a round trip before JG: the host's node takes
## a connect request that reached its punching socket on to its game, and the client's link sends
## the request again when the host's JH or JG comes before ENet answered (the host's port was
## perhaps freed only then).

const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const Endpoint := preload("res://test/udp_endpoint.gd")
const HolePunchClientLink := preload("res://addons/simple_hole_punch/game/hole_punch_client_link.gd")

var _signals: Array[String] = []


func before_each() -> void:
	_signals.clear()


func _node(managed: bool) -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false # These fake servers answer no NP.
	node.request_interval = 0.05
	node.manage_game_peer = managed
	for s: String in ["start_server", "start_client", "start_session", "new_name"]:
		node.connect(s, func(...args: Array) -> void: _signals.append("%s%s" % [s, args]))
	add_child_autofree(node)
	return node


func _emitted(prefix: String) -> bool:
	return _signals.any(func(s: String) -> bool: return s.begins_with(prefix))


## Datagrams [param at] received that are no message of ours (ENet's).
static func _game_datagrams(at: Endpoint) -> int:
	return at.poll().filter(func(r: Dictionary) -> bool: return P.parse(r.text.to_ascii_buffer()) == null).size()


## A client joined through [param server] and punched by [param host]: the port it punched from.
func _punched_client(node: HolePunch, server: Endpoint, host: Endpoint) -> int:
	node.join_session(server.key + "cyahcyah", "bob")
	await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]), port)
	await wait_until(func() -> bool: return host.count("RD:bob") > 0, 1.0)
	host.send("RD:hana", port)
	await wait_until(func() -> bool: return _emitted("new_name"), 1.0)
	return port


func test_a_client_running_its_game_connects_on_jh() -> void:
	# Given a client whose node runs its game, punched by the host
	var server := Endpoint.new()
	var host := Endpoint.new()
	var node := _node(true)
	var port: int = await _punched_client(node, server, host)
	# When the host's JH comes (and no JG)
	host.send("JH:" + host.key, port)
	# Then the client answers JD and its game's ENet sends its connect request to the host at once
	assert_true(await wait_until(func() -> bool: return _emitted("start_client"), 0.5), "start_client without JG")
	assert_true(await wait_until(func() -> bool: return _game_datagrams(host) > 0, 0.5), "the connect request went to the host")
	var texts := host.poll().map(func(r: Dictionary) -> String: return r.text)
	var done := texts.find("JD:DONE")
	assert_true(done >= 0 and done < texts.size() - 1, "JD went first, from the punched port: %s" % [texts])
	server.close()
	host.close()


func test_a_client_with_its_own_enet_still_waits_for_jg() -> void:
	# Given a client whose game starts ENet itself, punched by the host
	var server := Endpoint.new()
	var host := Endpoint.new()
	var node := _node(false)
	var port: int = await _punched_client(node, server, host)
	# When the host's JH comes
	host.send("JH:" + host.key, port)
	assert_true(await wait_until(func() -> bool: return host.count("JD:DONE") > 0, 0.5), "JD answered")
	await wait_seconds(0.2)
	# Then the game starts only on JG: the host's port is not free before it
	assert_false(_emitted("start_client"), "waits for JG")
	host.send("JG:GO", port)
	assert_true(await wait_until(func() -> bool: return _emitted("start_client"), 0.5), "start_client on JG")
	server.close()
	host.close()


func test_the_link_sends_the_connect_request_again_when_jg_comes() -> void:
	# Given a client link whose ENet sent its connect request (and its copy) to a host not listening yet
	var host := Endpoint.new()
	var free := PacketPeerUDP.new()
	free.bind(0, "127.0.0.1")
	var port := free.get_local_port()
	free.close()
	var link := HolePunchClientLink.new()
	assert_eq(link.open(get_tree(), port, "127.0.0.1", host.port), OK, "link open")
	var enet := ENetMultiplayerPeer.new()
	assert_eq(link.connect_client(enet), OK, "ENet client through the link")
	await wait_seconds(0.1)
	var sent := _game_datagrams(host)
	assert_gt(sent, 0, "the connect request went out")
	# When the host's JG comes before its ENet answered
	host.send("JG:GO", port)
	# Then the connect request goes again at once, not at ENet's resend half a second on
	assert_true(await wait_until(func() -> bool: return _game_datagrams(host) > sent, 0.2), "sent again on JG")
	link.close()
	enet.close()
	host.close()


func test_the_host_takes_a_connect_request_that_came_during_the_handover_to_its_game() -> void:
	# Given a host whose node runs its game, handing a joiner over
	var server := Endpoint.new()
	var joiner := Endpoint.new()
	var node := _node(true)
	node.host_session(server.key, "hana")
	await wait_until(func() -> bool: return server.count("HS:") > 0, 1.0)
	var port: int = server.received[0].port
	server.send(server.answer("HR:%s:%s" % [P.encode_key("127.0.0.1", port), server.key + "cyahcyah"]), port)
	await wait_until(func() -> bool: return _emitted("start_session"), 1.0)
	server.send(server.answer("NJ:%s:%s" % [joiner.key, joiner.key]), port)
	await wait_until(func() -> bool: return joiner.count("RD:hana") > 0, 1.0)
	joiner.send("RD:jo", port)
	joiner.send("JP:", port)
	await wait_until(func() -> bool: return _emitted("new_name"), 1.0)
	node.close_session()
	assert_true(await wait_until(func() -> bool: return joiner.count("JH:") > 0, 1.0), "JH sent")
	# When the joiner's JD and then its game's connect request reach the punching socket together
	var request := _connect_request()
	joiner.send("JD:DONE", port)
	joiner.socket.set_dest_address("127.0.0.1", port)
	joiner.socket.put_packet(request)
	# Then the host's game answers that request, without waiting for ENet's resend
	assert_true(await wait_until(func() -> bool: return _emitted("start_server"), 0.5), "handed over")
	assert_true(await wait_until(func() -> bool: return _game_datagrams(joiner) > 0, 0.3), "the host's ENet answered the early connect request")
	server.close()
	joiner.close()


## The datagram an ENet client sends first: its connect request.
func _connect_request() -> PackedByteArray:
	var sink := PacketPeerUDP.new()
	sink.bind(0, "127.0.0.1")
	var enet := ENetMultiplayerPeer.new()
	enet.create_client("127.0.0.1", sink.get_local_port())
	enet.get_host().flush()
	var deadline := Time.get_ticks_msec() + 500
	while sink.get_available_packet_count() == 0 and Time.get_ticks_msec() < deadline:
		OS.delay_msec(1)
	var request := sink.get_packet()
	enet.close()
	sink.close()
	return request
