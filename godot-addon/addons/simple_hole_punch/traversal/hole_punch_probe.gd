extends RefCounted
## Birthday probing between a port-randomising ("hard") NAT and a port-preserving or open
## ("easy") one, where plain punching cannot work: the hard side's router picks a new public port
## for every mapping, so the easy side cannot know where to send.
##
## The hard side opens [member hard_sockets] sockets of its own and sends from each one datagram
## to the easy side's public address: each creates one mapping in its router, on a random port.
## The easy side sends [member easy_probes] datagrams from its punching socket to random ports of
## the hard side's public address, spread over [member spread] seconds so that it does not look
## like a port scan to either router. A probe that hits one of the mappings passes the hard
## router (it answers that socket's own datagram) and arrives at that socket; the hard side
## answers from it, which the easy router lets in (the easy side sent to that port). With 256
## mappings and 1,024 probes over 64,512 ports a pair misses with probability
## [code](1 - 256/64512)^1024[/code], about 2%.
##
## The socket that got through is [member winner]: the hard side takes it for its traffic with the
## peer, and later hands its port to ENet. Every other socket is closed at once. Both sides stop at
## [member budget] datagrams, or after [member spread] plus [member linger] seconds, when the hard
## side's sockets close. A node that probes several peers at once shares one pace among them: each
## call takes an allowance, the datagrams it may send now (see
## [code]hole_punch_traversal.gd[/code]).

## Hard side: sockets opened toward the easy side (one mapping each).
var hard_sockets := 256
## Easy side: random ports of the hard side's address probed.
var easy_probes := 1024
## Seconds over which each side spreads its datagrams.
var spread := 1.5
## Seconds to keep listening after the last datagram.
var linger := 1.0
## Most datagrams one side sends in all.
var budget := 1500
## The lowest and highest port the easy side probes (the hard router's port range).
var port_range := Vector2i(1024, 65535)

## Hard side: the socket a probe reached, once one did (then it is no longer polled here).
var winner: PacketPeerUDP
## The packet that reached the winner, as [code][packet, ip, port][/code].
var winner_packet := []
## Datagrams sent so far.
var sent := 0

var _hard := false
var _ip := ""
var _port := 0
var _packet := PackedByteArray()
var _started := 0.0
var _sockets: Array[PacketPeerUDP] = []
var _opened := 0
var _probed := 0
var _rng := RandomNumberGenerator.new()


## Hard side: from [param now], opens sockets toward [param ip]:[param port] (the easy side's
## public address), each sending [param packet] once.
func start_hard(ip: String, port: int, packet: PackedByteArray, now: float) -> void:
	_start(true, ip, port, packet, now)


## Easy side: from [param now], probes random ports of [param ip] with [param packet].
func start_easy(ip: String, packet: PackedByteArray, now: float) -> void:
	_start(false, ip, 0, packet, now)


## Whether probing is still under way at [param now].
func active(now: float) -> bool:
	return _ip != "" and winner == null and now - _started < spread + linger


## How many datagrams are due at [param now] and not sent yet, within [member budget].
func wanted(now: float) -> int:
	if not active(now):
		return 0
	var due := 0
	if _hard: # Open in the first quarter: the mappings must exist before most probes.
		due = ceili(hard_sockets * minf(1.0, (now - _started) / (spread * 0.25))) - _opened
	else:
		due = ceili(easy_probes * minf(1.0, (now - _started) / spread)) - _probed
	return clampi(due, 0, budget - sent)


## Hard side: opens and sends what is due at [param now], at most [param allowance] datagrams
## (-1: no limit), then reads every socket; returns true once, when a datagram from the easy side
## reached one (see [member winner]).
func poll_hard(now: float, allowance := -1) -> bool:
	if not _hard or winner != null or _ip == "":
		return false
	if not active(now):
		stop()
		return false
	var due := wanted(now) if allowance < 0 else mini(allowance, wanted(now))
	for i in due:
		var socket := PacketPeerUDP.new()
		_opened += 1
		if socket.bind(0, "0.0.0.0") != OK:
			continue
		socket.set_dest_address(_ip, _port)
		socket.put_packet(_packet)
		sent += 1
		_sockets.append(socket)
	for socket in _sockets:
		while socket.get_available_packet_count() > 0:
			var packet := socket.get_packet()
			if socket.get_packet_ip() == _ip and socket.get_packet_port() == _port:
				winner = socket
				winner_packet = [packet, socket.get_packet_ip(), socket.get_packet_port()]
				_sockets.erase(socket)
				stop()
				return true
	return false


## Easy side: the ports of the hard side's address to probe at [param now], at most
## [param allowance] (-1: no limit); send the packet to each from the punching socket.
func due_ports(now: float, allowance := -1) -> PackedInt32Array:
	var ports := PackedInt32Array()
	if _hard:
		return ports
	var due := wanted(now) if allowance < 0 else mini(allowance, wanted(now))
	for i in due:
		ports.append(_rng.randi_range(port_range.x, port_range.y))
		_probed += 1
		sent += 1
	return ports


## Easy side: probing found the hard side (the caller heard it); no more probes.
func found() -> void:
	_ip = ""


## Closes every socket but the winner.
func stop() -> void:
	for socket in _sockets:
		socket.close()
	_sockets.clear()
	if winner == null:
		_ip = ""


func _start(hard: bool, ip: String, port: int, packet: PackedByteArray, now: float) -> void:
	stop()
	_hard = hard
	_ip = ip
	_port = port
	_packet = packet
	_started = now
	_opened = 0
	_probed = 0
	sent = 0
	winner = null
	winner_packet = []
	_rng.randomize()
