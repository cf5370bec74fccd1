extends GutTest
## A game's ENet client sends its connect request in the frame it was told to start, not on the
## tree's next poll: the node flushes the peer the game made in its start_client handler.

const Endpoint := preload("res://test/udp_endpoint.gd")
const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")


func test_the_connect_request_leaves_as_start_client_is_handled() -> void:
	# Given a joiner handed over by a scripted host, whose game makes an ENet client as it is told to
	var server := Endpoint.new()
	var host := Endpoint.new()
	var node := HolePunch.new()
	node.lan_address = "127.0.0.1"
	node.nat_diagnosis = false
	node.request_interval = 0.05
	add_child_autofree(node)
	get_tree().set_multiplayer(SceneMultiplayer.new(), node.get_path())
	node.start_client.connect(func(ip: String, to_port: int, local_port: int) -> void:
		var enet := ENetMultiplayerPeer.new()
		enet.create_client(ip, to_port, 0, 0, 0, local_port)
		node.multiplayer.multiplayer_peer = enet)
	node.join_session(server.key + "cyahcyah", "bob")
	assert_true(await wait_until(func() -> bool: return server.count("JS:") > 0, 1.0), "JS")
	var port: int = server.received[0].port
	server.send(server.answer("JR:%s:%s:%s" % [P.encode_key("127.0.0.1", port), host.key, host.key]), port)
	assert_true(await wait_until(func() -> bool: return host.count("RD:bob") > 0, 1.0), "the joiner punches the host")
	host.send("RD:hana", port)
	host.send("JH:" + host.key, port)
	assert_true(await wait_until(func() -> bool: return host.count("JD:DONE") > 0, 1.0), "JD")
	# When the host says go, and the tree polls no game (only the node could send it)
	get_tree().multiplayer_poll = false
	var enet_packets := func() -> int:
		return host.poll().filter(func(r: Dictionary) -> bool: return P.parse(r.text.to_ascii_buffer()) == null).size()
	host.send("JG:GO", port)
	var reached: bool = await wait_until(func() -> bool: return enet_packets.call() > 0, 0.5)
	get_tree().multiplayer_poll = true
	# Then ENet's connect request reached the host
	assert_true(reached, "the connect request reached the host: %s" % [host.received])
	node.multiplayer.multiplayer_peer.close()
	get_tree().set_multiplayer(null, node.get_path())
	for e: Endpoint in [server, host]:
		e.close()
