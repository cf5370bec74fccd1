extends RefCounted
## A UDP socket on loopback that plays the server, a peer, a stranger or a relay in tests.

const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

var socket := PacketPeerUDP.new()
## The address it is bound to (any of 127.0.0.0/8 works on Linux).
var ip := ""
var port := 0
## Its key, as the server would name it.
var key := ""
## Every datagram received so far: [code]{"text": String, "port": int, "size": int}[/code].
var received: Array[Dictionary] = []


func _init(address := "127.0.0.1") -> void:
	ip = address
	socket.bind(0, address)
	port = socket.get_local_port()
	key = HolePunchProtocol.encode_key(address, port)


## Reads everything waiting; returns what was received so far.
func poll() -> Array[Dictionary]:
	while socket.get_available_packet_count() > 0:
		var packet := socket.get_packet()
		received.append({"text": packet.get_string_from_ascii(), "port": socket.get_packet_port(), "size": packet.size()})
	return received


## How many datagrams received so far start with [param prefix].
func count(prefix: String) -> int:
	return poll().filter(func(r: Dictionary) -> bool: return r.text.begins_with(prefix)).size()


## The nonce of the last request received that carried one, or empty.
func nonce() -> String:
	for i in range(poll().size() - 1, -1, -1):
		var message := HolePunchProtocol.parse(received[i].text.to_ascii_buffer())
		if message != null and message.field("nonce") != "":
			return message.field("nonce")
	return ""


## [param text] with the nonce of the last request appended, as the server answers it.
func answer(text: String) -> String:
	var echoed := nonce()
	return text if echoed == "" else text + ":" + echoed


## Sends [param text] to 127.0.0.1:[param to_port].
func send(text: String, to_port: int) -> void:
	socket.set_dest_address("127.0.0.1", to_port)
	socket.put_packet(text.to_ascii_buffer())


func close() -> void:
	socket.close()
