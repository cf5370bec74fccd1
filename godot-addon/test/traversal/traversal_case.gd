extends GutTest
## Base of the NAT-traversal tests of a HolePunch node: a fake server on loopback, its rendezvous
## port and its probe port, that answers the NAT diagnosis's probes (from a port-randomising NAT
## when asked) and records every request; the nodes under test, and a datagram told to one.

const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

const PUBLIC_IP := "203.0.113.5"
const Endpoint := preload("res://test/udp_endpoint.gd")
const SECRETS: Array[String] = ["wiwiwiwiwiwiwiwi", "ahahahahahahahah"]
const COOKIE := "cocococococococo"

## [0] the rendezvous port, [1] the probe port.
var _ports: Array[PacketPeerUDP] = []
## Requests (not NP) the rendezvous port received, as text, and the port each came from.
var _requests: Array[String] = []
var _request_ports: Array[int] = []
## The code of every datagram the rendezvous port received (NP too), in order.
var _arrivals: Array[String] = []
var _answer_probes := true
## Answer NP from each server port with a different public port: a port-randomising NAT.
var _randomising := false
var _endpoints: Array[Endpoint] = []


func before_each() -> void:
	super.before_each()
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_requests.clear()
	_request_ports.clear()
	_arrivals.clear()
	_answer_probes = true
	_randomising = false
	_endpoints.clear()
	for i in 2:
		var socket := PacketPeerUDP.new()
		socket.bind(0, "127.0.0.1")
		_ports.append(socket)


func after_each() -> void:
	for socket in _ports:
		socket.close()
	_ports.clear()
	for e in _endpoints:
		e.close()
	for node: Node in get_children():
		if is_instance_valid(node) and node.is_inside_tree() and node.multiplayer.multiplayer_peer is ENetMultiplayerPeer:
			node.multiplayer.multiplayer_peer.close()
			get_tree().set_multiplayer(null, node.get_path())
	super.after_each()


func _serve() -> void:
	for i in 2:
		var socket := _ports[i]
		while socket.get_available_packet_count() > 0:
			var packet := socket.get_packet()
			var message := HolePunchProtocol.parse(packet)
			if message == null:
				continue
			if i == 0:
				_arrivals.append(message.code)
			if message.code != HolePunchProtocol.NAT_PROBE:
				_requests.append(packet.get_string_from_ascii())
				_request_ports.append(socket.get_packet_port())
				continue
			if not _answer_probes:
				continue
			var probe := HolePunchProtocol.encode_key("127.0.0.1", _ports[1].get_local_port())
			var public := HolePunchProtocol.encode_key(PUBLIC_IP, 40000 + (i if _randomising else 0))
			socket.set_dest_address(socket.get_packet_ip(), socket.get_packet_port())
			socket.put_packet(HolePunchProtocol.encode_nat_answer(public, probe, (message as HolePunchProtocol.NatProbe).nonce))


func _node() -> HolePunch:
	var node := HolePunch.new()
	node.lan_address = "10.0.0.2" # Not the public address the fake server reports: behind a NAT.
	node.use_ipv6 = false
	node.request_interval = 0.05
	watch_signals(node)
	add_child_autofree(node)
	return node


func _server_key() -> String:
	return HolePunchProtocol.encode_key("127.0.0.1", _ports[0].get_local_port())


## Sends [param packet] from the rendezvous port to the node's [param port].
func _tell(packet: PackedByteArray, port: int) -> void:
	_ports[0].set_dest_address("127.0.0.1", port)
	_ports[0].put_packet(packet)
