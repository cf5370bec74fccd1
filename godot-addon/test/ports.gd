extends RefCounted
## UDP ports for the tests.


## A UDP port free now, for a socket a test binds later (ENet's, as after a punch): below the
## system's ephemeral ports (32768 and up on Linux), which sockets bound to port 0 meanwhile (a
## host's game gate, on loopback) would otherwise often be given. The probe binds as ENet does,
## on every address: one on 127.0.0.1 alone may be given a number another process holds on
## another address (127.0.0.2, the LAN's), where ENet's bind then fails.
static func free_port() -> int:
	var probe := PacketPeerUDP.new()
	while true:
		var port := randi_range(20000, 32000)
		if probe.bind(port, "*") == OK:
			probe.close()
			return port
	return 0
