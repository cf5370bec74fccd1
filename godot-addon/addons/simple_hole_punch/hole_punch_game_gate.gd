class_name HolePunchGameGate
extends RefCounted
## The host's game port, held by the node in front of the game's ENet server, which listens on
## loopback behind it: only the addresses a player was punched at (a player handed over, a late
## joiner's public or LAN address, its relay: [method HolePunchRosterHost.expects]) reach ENet.
##
## ENet gives a slot to every connect request it reads and holds it for up to 30 s while the
## handshake goes unanswered, and Godot shows a script no peer before its handshake is done: a
## check after ENet's ([HolePunchRosterHost]) comes too late, and a stranger's 32 datagrams would
## fill the game and draw ENet's resends. So each address that may play gets a socket of its own on
## loopback (a leg), which carries its datagrams to ENet and ENet's answers back out through the
## game's port; a datagram from anywhere else is dropped and counted, and nothing is sent to its
## sender. An address that may play starts at most [constant CONNECTS] connections per
## [constant WINDOW] seconds (a client's fresh attempts; each new one can hold a slot that long),
## so no player holds more than its share of the slots either.
##
## ENet sees each player at its leg's loopback address; [method remote_of] names the player's own.
## The gate reads on every physics and process frame, so ENet's answers leave in the frame ENet
## wrote them, and what arrives waits for ENet's next read as it would at ENet's own socket.

## New connections one address may start per [constant WINDOW] seconds.
const CONNECTS := 6
## Seconds ENet may hold the slot of a connection whose handshake went unanswered.
const WINDOW := 30.0
## Seconds without a datagram either way after which a leg closes (ENet pings every second while
## a connection lives, and gives up on a silent one after 30 s).
const IDLE := 40.0
## Most datagrams read from the game's port per read: a flood cannot stall a frame.
const MAX_READ := 1024

## Datagrams dropped: from an address nobody was punched at, or a connection beyond
## [constant CONNECTS].
var dropped := 0
var _outer := PacketPeerUDP.new()
var _tree: SceneTree
var _enet: ENetMultiplayerPeer
var _enet_port := 0
## (ip, port) -> whether a player was punched there.
var _expects := func(_ip: String, _port: int) -> bool: return false
## "ip:port" -> {"socket": PacketPeerUDP, "ip", "port", "last": seconds, "connects": {id: seconds}}.
var _legs := {}
## A leg's loopback port -> its "ip:port".
var _by_inner := {}
var _next_sweep := 0.0


## Binds the game's [param port] for [param tree]'s game and starts [param enet] as a server of
## [param max_clients] behind it, on loopback.
func open(tree: SceneTree, port: int, enet: ENetMultiplayerPeer, max_clients: int) -> Error:
	var err := _outer.bind(port, "*")
	if err != OK:
		return ERR_CANT_CREATE
	enet.set_bind_ip("127.0.0.1")
	err = enet.create_server(0, max_clients)
	if err != OK:
		_outer.close()
		return err
	_tree = tree
	_enet = enet
	_enet_port = enet.get_host().get_local_port()
	for sig: Signal in [tree.physics_frame, tree.process_frame]:
		sig.connect(_pump)
	return OK


## Lets through the addresses for which [param expects] (ip, port) is true.
func admit(expects: Callable) -> void:
	_expects = expects


## [ip, port] of the player behind the ENet peer at [param ip]:[param port] (a leg), or the same.
func remote_of(ip: String, port: int) -> Array:
	var at: String = _by_inner.get(port, "") if ip == "127.0.0.1" else ""
	return [ip, port] if at == "" else [_legs[at].ip, _legs[at].port]


## Sends [param packet] to [param ip]:[param port] from the game's port.
func socket_send(ip: String, port: int, packet: PackedByteArray) -> void:
	if _outer.is_bound():
		_outer.set_dest_address(ip, port)
		_outer.put_packet(packet)


## Frees the game's port and every leg.
func close() -> void:
	for sig: Signal in [_tree.physics_frame, _tree.process_frame] if _tree != null else []:
		if sig.is_connected(_pump):
			sig.disconnect(_pump)
	_outer.close()
	for at: String in _legs:
		_legs[at].socket.close()
	_legs.clear()
	_by_inner.clear()


func _pump() -> void:
	if _enet.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED:
		close() # The game closed its server.
		return
	var now := Time.get_ticks_msec() / 1000.0
	var passed := 0
	for i in MAX_READ:
		if _outer.get_available_packet_count() == 0:
			break
		var data := _outer.get_packet()
		passed += 1 if _inbound(data, _outer.get_packet_ip(), _outer.get_packet_port(), now) else 0
	if passed > 0:
		_enet.poll() # ENet reads them now, as it would have at its own socket, and answers below.
	for at: String in _legs:
		var leg: Dictionary = _legs[at]
		var socket: PacketPeerUDP = leg.socket
		while socket.get_available_packet_count() > 0:
			var data := socket.get_packet()
			if socket.get_packet_port() == _enet_port:
				leg.last = now
				_outer.set_dest_address(leg.ip, leg.port)
				_outer.put_packet(data)
	if now >= _next_sweep:
		_next_sweep = now + 1.0
		_sweep(now)


## Passes [param data] from [param ip]:[param port] to ENet if it may reach it; returns whether it did.
func _inbound(data: PackedByteArray, ip: String, port: int, now: float) -> bool:
	var at := HolePunchRoster.address(ip, port)
	var leg: Dictionary = _legs.get(at, {})
	if leg.is_empty():
		if not _expects.call(ip, port):
			dropped += 1
			return false
		leg = _open_leg(at, ip, port)
		if leg.is_empty():
			dropped += 1
			return false
	var id := connect_id(data)
	if id >= 0 and not leg.connects.has(id):
		for old: int in leg.connects.keys():
			if now - leg.connects[old] >= WINDOW:
				leg.connects.erase(old)
		if leg.connects.size() >= CONNECTS:
			dropped += 1
			return false
		leg.connects[id] = now
	leg.last = now
	(leg.socket as PacketPeerUDP).put_packet(data)
	return true


func _open_leg(at: String, ip: String, port: int) -> Dictionary:
	var socket := PacketPeerUDP.new()
	if socket.bind(0, "127.0.0.1") != OK:
		return {}
	socket.set_dest_address("127.0.0.1", _enet_port)
	_legs[at] = {"socket": socket, "ip": ip, "port": port, "last": 0.0, "connects": {}}
	_by_inner[socket.get_local_port()] = at
	return _legs[at]


## Closes the legs nothing went through for [constant IDLE] seconds.
func _sweep(now: float) -> void:
	for at: String in _legs.keys():
		var socket: PacketPeerUDP = _legs[at].socket
		if now - _legs[at].last >= IDLE:
			_by_inner.erase(socket.get_local_port())
			socket.close()
			_legs.erase(at)


## The connection ID an ENet connect request in [param data] asks for, or -1 for any other
## datagram (one to a peer ENet already gave a slot, or one it cannot read).
static func connect_id(data: PackedByteArray) -> int:
	if data.size() < 2:
		return -1
	var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
	if peer & 0x0FFF != 0x0FFF or peer & 0x4000 != 0: # Given a slot already, or compressed.
		return -1
	var at := 4 if peer & 0x8000 != 0 else 2 # After the sent time, if any.
	if data.size() < at + 48 or data.decode_u8(at) & 0x0F != 2: # Not CONNECT.
		return -1
	var id := data.slice(at + 40, at + 44)
	id.reverse() # Network order.
	return id.decode_u32(0)
