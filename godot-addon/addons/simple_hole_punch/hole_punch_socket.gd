class_name HolePunchSocket
extends RefCounted
## The punching socket of a [HolePunch] node: binds, sends, and hands over what arrived, a
## bounded number of datagrams at a time.

## Print every datagram sent and received, with a millisecond clock.
var trace := false
var _socket: PacketPeerUDP


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


## Frees the port.
func close() -> void:
	if _socket != null:
		_socket.close()
		_socket = null


## Sends [param packet] to [param ip]:[param port]; loss is normal here, every sender retries.
func send(packet: PackedByteArray, ip: String, to_port: int) -> void:
	if _socket == null:
		return
	if trace:
		print("HolePunch %d > %s to %s:%d" % [Time.get_ticks_msec(), packet.get_string_from_ascii().left(60), ip, to_port])
	_socket.set_dest_address(ip, to_port)
	_socket.put_packet(packet)


## The next datagram as [code][packet, ip, port][/code], or an empty array when none waits.
func receive() -> Array:
	if _socket == null or _socket.get_available_packet_count() == 0:
		return []
	var packet := _socket.get_packet()
	var ip := _socket.get_packet_ip()
	var from_port := _socket.get_packet_port()
	if trace:
		print("HolePunch %d < %s from %s:%d" % [Time.get_ticks_msec(), packet.get_string_from_ascii().left(60), ip, from_port])
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
