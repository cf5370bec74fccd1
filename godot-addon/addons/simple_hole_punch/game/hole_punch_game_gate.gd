extends RefCounted
## The host's game port, held by the node in front of the game's ENet server, which listens on
## loopback behind it: only the addresses a player was punched at (a player handed over, a late
## joiner's public or LAN address, its relay: [code]HolePunchRosterHost.expects()[/code]) reach
## ENet.
##
## ENet gives a slot to every connect request it reads and holds it for up to 30 s while the
## handshake goes unanswered, and Godot shows a script no peer before its handshake is done: a check
## after ENet's ([code]hole_punch_roster_host.gd[/code]) comes too late, and a stranger's 32
## datagrams would fill the game and draw ENet's resends. So each address that may play gets a
## socket of its own on loopback (a leg, [code]hole_punch_gate_leg.gd[/code]), which carries its
## datagrams to ENet and ENet's answers back out through the game's port; a datagram from anywhere
## else is dropped and counted, and nothing is sent to its sender.
##
## Each leg also watches its connections' handshakes, and ends connections by telling ENet from the
## leg that they ended. When an address starts another connection (a client's fresh attempt
## abandons the one before), every earlier one of that address ends at once, its handshake done or
## not: ENet names the host's side of a connection to the client by the client's slot (0 for every
## fresh client) and a session that starts at 0 in every fresh slot of the host, so the new one
## cannot tell what the host's side of an old one still sends (a resend, a ping, its goodbye) from
## its own, which it would take as the host's word (and be ended by). A half-open slot also ends
## after [constant HALF_OPEN] seconds. So an address holds at most one half-open
## slot, for seconds. A leg also joins what ENet says at once into one datagram, and sends a
## connection's first acknowledgements again.
##
## ENet sees each player at its leg's loopback address; [method remote_of] names the player's own.
## The gate reads on every physics and process frame, and ENet reads what it passed at once, so
## that its answer (a new connection's slot too) goes out in the same read, not a frame later;
## what the game said since ENet last sent goes out at each read. While ENet holds packets the game
## has not taken yet, the gate passes nothing: ENet would read a player's goodbye and tell the game
## it left, whose [SceneMultiplayer] then forgets the peer and drops its packets still waiting, its
## last words (a client that lets go once they are delivered says goodbye as soon as ENet
## acknowledged them).

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchGateLeg := preload("hole_punch_gate_leg.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")

## Seconds without a datagram either way after which a leg closes (ENet pings every second while
## a connection lives, and gives up on a silent one after 30 s).
const IDLE := 40.0
## Seconds a connection's handshake may take before its slot is freed (the leg's).
const HALF_OPEN := HolePunchGateLeg.HALF_OPEN
## Most datagrams read from the game's port per read: a flood cannot stall a frame.
const MAX_READ := 1024

## Datagrams dropped: from an address nobody was punched at, or a late request of an ended
## connection.
var dropped := 0
## Reads the game's packets as the game's own poll does ([method MultiplayerAPI.poll]), called on a
## process frame's read once ENet took what passed: the authentication's answer then goes out in
## the same read, not a frame later (empty: the game reads on its next frame).
var poll_game := Callable()
## Half-open connections whose slot the gate freed.
var freed := 0
## Connections past their handshake that the gate ended because their address started another.
var replaced := 0
var _outer := PacketPeerUDP.new()
var _clock: HolePunchClock
var _tree: SceneTree
var _enet: ENetMultiplayerPeer
var _enet_port := 0
## (ip, port) -> whether a player was punched there.
var _expects := Callable()
## (ip, port): that address starts another connection, and the ones before it end.
var _afresh := Callable()
## "ip:port" -> the leg of the player there.
var _legs: Dictionary[String, HolePunchGateLeg] = {}
## A leg's loopback port -> its "ip:port".
var _by_inner: Dictionary[int, String] = {}
var _next_sweep := 0.0
## Reads so far: a leg opens at most one new connection per read, so that ENet answers it (and
## names its slot) before the next one frees it.
var _pumps := 0


## A gate going by [param clock] (the node's).
func _init(clock: HolePunchClock) -> void:
	_clock = clock


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


## Lets new addresses through when [param expects] (ip, port) is true (none with an empty
## [Callable]); addresses already through stay. [param afresh] (ip, port) hears of each new
## connection of an address just before the ones before it end (a client's fresh attempt).
func admit(expects: Callable, afresh := Callable()) -> void:
	_expects = expects
	_afresh = afresh


## [ip, port] of the player behind the ENet peer at [param ip]:[param port] (a leg), or the same.
func remote_of(ip: String, port: int) -> Array:
	var at: String = _by_inner.get(port, "") if ip == "127.0.0.1" else ""
	return [ip, port] if at == "" else [_legs[at].ip, _legs[at].port]


## When the player at [param ip]:[param port] was last heard (seconds), or -1.0 when none is there.
func heard_from(ip: String, port: int) -> float:
	var leg: HolePunchGateLeg = _legs.get(HolePunchRoster.address(ip, port))
	return -1.0 if leg == null else leg.heard


## The player at [param old_ip]:[param old_port] is now at [param ip]:[param port] (its relay node
## went silent, and a new one relays it): its leg, and ENet's connection behind it, move there.
func repoint(old_ip: String, old_port: int, ip: String, port: int) -> void:
	var old := HolePunchRoster.address(old_ip, old_port)
	var at := HolePunchRoster.address(ip, port)
	var leg: HolePunchGateLeg = _legs.get(old)
	if leg == null or _legs.has(at):
		return
	_legs.erase(old)
	leg.ip = ip
	leg.port = port
	_legs[at] = leg
	_by_inner[leg.socket.get_local_port()] = at


## Sends [param packet] to [param ip]:[param port] from the game's port.
func socket_send(ip: String, port: int, packet: PackedByteArray) -> void:
	if _outer.is_bound():
		_outer.set_dest_address(ip, port)
		_outer.put_packet(packet)


## Frees the game's port and every leg.
func close() -> void:
	_forward(_clock.now_msec() / 1000.0) # ENet's last words (the disconnects of a game that closed) still go out.
	for sig: Signal in [_tree.physics_frame, _tree.process_frame] if _tree != null else []:
		if sig.is_connected(_pump):
			sig.disconnect(_pump)
	_outer.close()
	for leg: HolePunchGateLeg in _legs.values():
		leg.socket.close()
	_legs.clear()
	_by_inner.clear()


## Takes [param datagrams] ([code][packet, ip, port][/code]) as if the game's port had them now:
## those that came before the gate held it (a client's connect request, as the handover ended).
## ENet answers them at once.
func take(datagrams: Array[Array]) -> void:
	if not _outer.is_bound() or _enet.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED:
		return
	var now := _clock.now_msec() / 1000.0
	_pumps += 1
	for datagram: Array in datagrams:
		var data: PackedByteArray = datagram[0]
		var ip: String = datagram[1]
		var port: int = datagram[2]
		_inbound(data, ip, port, now)
	_answer(not datagrams.is_empty(), now)


func _pump() -> void:
	if _enet.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED:
		close() # The game closed its server.
		return
	var now := _clock.now_msec() / 1000.0
	_pumps += 1
	var passed := false
	if _enet.get_available_packet_count() == 0: # Else the game polls first.
		for i in MAX_READ:
			if _outer.get_available_packet_count() == 0:
				break
			var data := _outer.get_packet()
			passed = true
			_inbound(data, _outer.get_packet_ip(), _outer.get_packet_port(), now)
	_answer(passed, now)


## ENet (and the game) answer what [param passed] to them at [param now], and what they said goes out.
func _answer(passed: bool, now: float) -> void:
	if passed:
		_enet.poll() # ENet answers now (a new connection's slot, below), not on the game's next frame.
		if poll_game.is_valid() and not Engine.is_in_physics_frame():
			poll_game.call()
			if not _outer.is_bound():
				return # The game closed its server as it read.
	if _enet.get_connection_status() != MultiplayerPeer.CONNECTION_DISCONNECTED:
		_enet.get_host().flush() # What the game said since ENet last sent (its authentication's answers).
	_forward(now)
	if now >= _next_sweep:
		_next_sweep = now + 1.0
		_sweep(now)


## Sends out through the game's port what ENet sent each leg.
func _forward(now: float) -> void:
	for leg: HolePunchGateLeg in _legs.values():
		leg.forward(_outer, _enet_port, now)


## Passes [param data] from [param ip]:[param port] to ENet if it may reach it.
func _inbound(data: PackedByteArray, ip: String, port: int, now: float) -> void:
	var at := HolePunchRoster.address(ip, port)
	var leg: HolePunchGateLeg = _legs.get(at)
	if leg == null:
		if not _expects.is_valid() or not _expects.call(ip, port):
			dropped += 1
			return
		leg = _open_leg(at, ip, port)
		if leg == null:
			dropped += 1
			return
	if not leg.inbound(data, at, now, _pumps, _afresh):
		dropped += 1 # An ended one, or a second new one before ENet answered the first.


func _open_leg(at: String, ip: String, port: int) -> HolePunchGateLeg:
	var leg := HolePunchGateLeg.new(ip, port)
	if not leg.bind(_enet_port):
		return null
	leg.ended.connect(_on_ended)
	_legs[at] = leg
	_by_inner[leg.socket.get_local_port()] = at
	return leg


## A leg ended a connection ENet gave a slot: a [param half_open] one, or one replaced.
func _on_ended(half_open: bool) -> void:
	if half_open:
		freed += 1
	else:
		replaced += 1


## Frees the slots of handshakes older than [constant HALF_OPEN] seconds;
## closes the legs nothing went through for [constant IDLE] seconds.
func _sweep(now: float) -> void:
	for at: String in _legs.keys():
		var leg := _legs[at]
		leg.sweep(now)
		var socket := leg.socket
		if now - leg.last >= IDLE:
			_by_inner.erase(socket.get_local_port())
			socket.close()
			_legs.erase(at)
