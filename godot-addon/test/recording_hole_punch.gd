extends HolePunch
## A [HolePunch] that records every datagram it sends, and sends only those for loopback: tests
## then see what it would send to a claimed address that loopback cannot reach.

## Every datagram sent: [code]{"text": String, "ip": String, "port": int}[/code].
var sent: Array[Dictionary] = []
## How the node sent before this recorder took its place.
var _socket_send: Callable


func _init() -> void:
	_socket_send = _session.send
	_session.send = _send_to


func _send_to(packet: PackedByteArray, ip: String, port: int) -> void:
	sent.append({"text": packet.get_string_from_ascii(), "ip": ip, "port": port})
	if ip.begins_with("127."):
		_socket_send.call(packet, ip, port)


## How many datagrams went to [param ip] (and [param port], unless 0).
func sent_to(ip: String, port := 0) -> int:
	return sent.filter(func(s: Dictionary) -> bool: return s.ip == ip and (port == 0 or s.port == port)).size()
