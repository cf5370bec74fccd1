extends RefCounted
## The punching socket of a [HolePunch] node: binds, sends, and hands over what arrived, a
## bounded number of datagrams at a time. A host that got through to a peer by birthday probing
## also keeps the socket that got through, for that peer alone ([method keep]).

const HolePunchLanRules := preload("hole_punch_lan_rules.gd")

## Print every datagram sent and received, with a millisecond clock.
var trace := false
var _socket: PacketPeerUDP
var _kept: PacketPeerUDP
var _kept_to := []


## Binds to [param port] (0 picks a free one); returns the error of [method PacketPeerUDP.bind].
func open(port: int) -> Error:
	_socket = PacketPeerUDP.new()
	var err := _socket.bind(port, "*")
	if err != OK:
		_socket = null
	return err


## Whether the socket is bound.
func is_open() -> bool:
	return _socket != null


## The bound port (0 when closed).
func bound_port() -> int:
	return _socket.get_local_port() if _socket != null else 0


## Takes [param socket] (bound already) as the punching socket, freeing the one before: the
## socket birthday probing got through on.
func adopt(socket: PacketPeerUDP) -> void:
	close()
	_socket = socket


## Host: from now on sends what goes to [param to] ([code][ip, port][/code], a peer's address)
## from [param socket] (bound already), and reads it too: the socket birthday probing got through
## on, whose port goes to the game, while the server and every other peer keep the registered
## socket. A null [param socket] closes the kept one.
func keep(socket: PacketPeerUDP, to: Array) -> void:
	if _kept != null and _kept != socket:
		_kept.close()
	_kept = socket
	_kept_to = to if socket != null else []


## The port to hand to the game: the kept socket's when there is one, else [method bound_port].
func game_port() -> int:
	return _kept.get_local_port() if _kept != null else bound_port()


## Frees the port (and the kept socket's).
func close() -> void:
	keep(null, [])
	if _socket != null:
		_socket.close()
		_socket = null


## Sends [param packet] to [param ip]:[param port]; loss is normal here, every sender retries.
func send(packet: PackedByteArray, ip: String, to_port: int) -> void:
	if _socket == null:
		return
	var via := _kept if _kept != null and [ip, to_port] == _kept_to else _socket
	if trace:
		print("HolePunch %d > %s to %s:%d%s" % [Time.get_ticks_msec(), packet.get_string_from_ascii().left(60), ip, to_port, " (kept)" if via == _kept else ""])
	via.set_dest_address(ip, to_port)
	via.put_packet(packet)


## The next datagram as [code][packet, ip, port][/code], or an empty array when none waits. The
## kept socket first: its router lets only its peer in, so nothing can crowd out that peer.
func receive() -> Array:
	for socket: PacketPeerUDP in [_kept, _socket]:
		if socket != null and socket.get_available_packet_count() > 0:
			return _read(socket)
	return []


func _read(socket: PacketPeerUDP) -> Array:
	var packet := socket.get_packet()
	var ip := socket.get_packet_ip()
	var from_port := socket.get_packet_port()
	if trace:
		print("HolePunch %d < %s from %s:%d%s" % [Time.get_ticks_msec(), packet.get_string_from_ascii().left(60), ip, from_port, " (kept)" if socket == _kept else ""])
	return [packet, ip, from_port]


## The LAN IPv4 address to tell peers: [param configured] when set, else a private address of
## this machine, else any non-loopback one, else [code]0.0.0.0[/code] (no LAN path).
static func find_lan_address(configured: String) -> String:
	if configured != "":
		return configured
	var fallback := ""
	for address in own_addresses(""):
		if address.begins_with("127.") or address.begins_with("169.254."):
			continue
		if HolePunchLanRules.is_private(address):
			return address
		if fallback == "":
			fallback = address
	return fallback if fallback != "" else HolePunchLanRules.NONE


## Our own IPv4 addresses, which define our subnets: only [param configured] when set.
static func own_addresses(configured: String) -> PackedStringArray:
	if configured != "":
		return PackedStringArray([configured])
	var found := PackedStringArray()
	for address in IP.get_local_addresses():
		if not address.contains(":"):
			found.append(address)
	return found
