extends "res://test/recording_hole_punch.gd"
## A recording [HolePunch] whose outgoing datagrams are lost on purpose: the first
## [code]drop[prefix][/code] datagrams that begin with each prefix never leave.

## Prefix -> how many of the next datagrams beginning with it are lost.
var drop := {}
## Every datagram lost: [code]{"text": String, "ip": String, "port": int}[/code].
var dropped: Array[Dictionary] = []


func _send_to(packet: PackedByteArray, ip: String, port: int) -> void:
	var text := packet.get_string_from_ascii()
	for prefix: String in drop:
		if text.begins_with(prefix) and drop[prefix] > 0:
			drop[prefix] -= 1
			dropped.append({"text": text, "ip": ip, "port": port})
			return
	super(packet, ip, port)
