extends GutTest
## The ports the tests hand to ENet ([code]Ports.free_port()[/code]) must be free for ENet's own bind, which
## takes the port on every address: a port number held on another address (another process's
## socket on 127.0.0.2 or on the machine's LAN address, as the server's tests bind) is not, and
## ENet would fail with "Couldn't create an ENet host".

const Ports := preload("res://test/ports.gd")

## Port numbers held on another loopback address, ephemeral ones (bound to port 0) and as many
## below them (where [code]Ports.free_port()[/code] draws), and probes: a probe that ignored them would land
## on one of them about PROBES * HELD / 28,000 or / 12,000 times (ten to twenty-five).
const HELD := 1000
const PROBES := 300


func test_a_free_port_is_free_for_enet_while_other_addresses_hold_many_ports() -> void:
	# Given many port numbers held on another loopback address (where the machine has one)
	var held := {}
	var sockets: Array[PacketPeerUDP] = []
	for i in 2 * HELD:
		var socket := PacketPeerUDP.new()
		if socket.bind(0 if i < HELD else randi_range(20000, 32767), "127.0.0.2") == OK:
			held[socket.get_local_port()] = true
			sockets.append(socket)
	# When the tests ask for free ports and hand them to ENet
	var refused: Array[int] = []
	for i in PROBES:
		var port := Ports.free_port()
		var game := ENetMultiplayerPeer.new()
		if game.create_server(port) != OK:
			refused.append(port)
			assert_engine_error("Couldn't create an ENet host") # The list below names them.
		game.close()
	# Then ENet binds every one of them
	assert_eq(refused, [] as Array[int], "ports ENet could not bind (%d held on 127.0.0.2)" % held.size())
	for socket in sockets:
		socket.close()
