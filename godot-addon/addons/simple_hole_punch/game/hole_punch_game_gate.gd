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
## socket of its own on loopback (a leg), which carries its datagrams to ENet and ENet's answers
## back out through the game's port; a datagram from anywhere else is dropped and counted, and
## nothing is sent to its sender.
##
## The gate also watches each connection's handshake (ENet's protocol: the connect request, ENet's
## answer naming the slot, the first datagram to that slot) and ends connections by telling ENet
## from the leg that they ended. When an address starts another connection (a client's fresh
## attempt abandons the one before), every earlier one of that address ends at once, its handshake
## done or not: ENet names the host's side of a connection to the client by the client's slot (0
## for every fresh client) and a session that starts at 0 in every fresh slot of the host, so the
## new one cannot tell what the host's side of an old one still sends (a resend, a ping, its
## goodbye) from its own, which it would take as the host's word (and be ended by). A half-open
## slot also ends after [constant HALF_OPEN] seconds. So an address holds at most one half-open
## slot, for seconds.
##
## What ENet sends one connection between two reads goes out in one datagram where it fits
## ([method joined]) once its handshake is done, so that what the host says at once (its list of
## players and the end of its authentication) is lost or heard at once.
##
## ENet sees each player at its leg's loopback address; [method remote_of] names the player's own.
## The gate reads on every physics and process frame, and ENet reads what it passed when the game
## polls, as it would at its own socket (at once when a connection begins, so that ENet names its
## slot). While ENet holds packets the game has not taken yet, the gate passes nothing: ENet would
## read a player's goodbye and tell the game it left, whose [SceneMultiplayer] then forgets the
## peer and drops its packets still waiting, its last words (a client that lets go once they are
## delivered says goodbye as soon as ENet acknowledged them).

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchRoster := preload("../hole_punch_roster.gd")

## Seconds a connection's handshake may take before its slot is freed (a client starts afresh every
## [member HolePunch.game_retry_interval], 2 s, while its connection is not done).
const HALF_OPEN := 5.0
## Seconds without a datagram either way after which a leg closes (ENet pings every second while
## a connection lives, and gives up on a silent one after 30 s).
const IDLE := 40.0
## Most datagrams read from the game's port per read: a flood cannot stall a frame.
const MAX_READ := 1024
## Most bytes of a datagram joined from ENet's ([method joined]): ENet's own MTU.
const JOINED_MAX := 1392
## Connections a leg remembers as ended, so that a late copy of their request is not a new one.
const _ENDED := 16
## ENet's protocol: commands, and the fixed size of each (the data of a send follows it).
const _CONNECT := 2
const _VERIFY_CONNECT := 3
const _SIZES: Array[int] = [0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24]
const _NO_PEER := 0x0FFF

## Datagrams dropped: from an address nobody was punched at, or a late request of an ended
## connection.
var dropped := 0
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
## "ip:port" -> {"socket": PacketPeerUDP, "ip", "port", "last": seconds, "pending": {connection
## id: {"since": seconds, "slot": ENet's peer id or -1, "session": int}}, "live": {connection id:
## the same, once its handshake is done}, "ended": {connection id: true}, "opened": the read its
## last new connection came in}.
var _legs := {}
## A leg's loopback port -> its "ip:port".
var _by_inner := {}
var _next_sweep := 0.0
## Reads so far: a leg opens at most one new connection per read, so that ENet answers it (and
## names its slot) before the next one frees it.
var _pumps := 0
## The read the last new connection came in.
var _opened := -1


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
	for at: String in _legs:
		_legs[at].socket.close()
	_legs.clear()
	_by_inner.clear()


func _pump() -> void:
	if _enet.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED:
		close() # The game closed its server.
		return
	var now := _clock.now_msec() / 1000.0
	_pumps += 1
	if _enet.get_available_packet_count() == 0: # Else the game polls first.
		for i in MAX_READ:
			if _outer.get_available_packet_count() == 0:
				break
			var data := _outer.get_packet()
			_inbound(data, _outer.get_packet_ip(), _outer.get_packet_port(), now)
		if _opened == _pumps:
			_enet.poll() # ENet answers the new connection now, naming its slot (below).
	_forward(now)
	if now >= _next_sweep:
		_next_sweep = now + 1.0
		_sweep(now)


## Sends out through the game's port what ENet sent each leg, what it sent one connection since the
## last read in one datagram where it fits ([method joined]).
func _forward(now: float) -> void:
	for at: String in _legs:
		var leg: Dictionary = _legs[at]
		var socket: PacketPeerUDP = leg.socket
		var held := PackedByteArray()
		while socket.get_available_packet_count() > 0:
			var data := socket.get_packet()
			if socket.get_packet_port() != _enet_port:
				continue
			leg.last = now
			if not leg.pending.is_empty():
				_on_answer(leg, data)
			# Not while a handshake goes on: a client still connecting drops the rest of a datagram at
			# a command it cannot take yet (the old connection's), which would be ENet's answer.
			var both := joined(held, data) if leg.pending.is_empty() else PackedByteArray()
			if both.is_empty():
				_send_out(leg, held)
				held = data
			else:
				held = both
		_send_out(leg, held)


func _send_out(leg: Dictionary, data: PackedByteArray) -> void:
	if not data.is_empty():
		_outer.set_dest_address(leg.ip, leg.port)
		_outer.put_packet(data)


## Passes [param data] from [param ip]:[param port] to ENet if it may reach it.
func _inbound(data: PackedByteArray, ip: String, port: int, now: float) -> void:
	var at := HolePunchRoster.address(ip, port)
	var leg: Dictionary = _legs.get(at, {})
	if leg.is_empty():
		if not _expects.is_valid() or not _expects.call(ip, port):
			dropped += 1
			return
		leg = _open_leg(at, ip, port)
		if leg.is_empty():
			dropped += 1
			return
	var id := connect_id(data)
	var known: bool = leg.pending.has(id) or leg.live.has(id)
	if id >= 0 and (leg.ended.has(id) or not known and leg.opened == _pumps):
		dropped += 1 # An ended one, or a second new one before ENet answered the first.
		return
	if id >= 0 and not known:
		if _afresh.is_valid():
			_afresh.call(leg.ip, leg.port)
		for old: int in leg.pending.keys() + leg.live.keys(): # The client started afresh.
			_free(leg, old)
		leg.pending[id] = {"since": now, "slot": -1, "session": 0}
		leg.opened = _pumps
		_opened = _pumps
	elif id < 0 and data.size() >= 2 and not leg.pending.is_empty():
		var slot := (data.decode_u8(0) << 8 | data.decode_u8(1)) & _NO_PEER
		for done: int in leg.pending.keys():
			if leg.pending[done].slot == slot:
				leg.live[done] = leg.pending[done] # It talks to its slot: the handshake is done.
				leg.pending.erase(done)
	leg.last = now
	(leg.socket as PacketPeerUDP).put_packet(data)


func _open_leg(at: String, ip: String, port: int) -> Dictionary:
	var socket := PacketPeerUDP.new()
	if socket.bind(0, "127.0.0.1") != OK:
		return {}
	socket.set_dest_address("127.0.0.1", _enet_port)
	_legs[at] = {"socket": socket, "ip": ip, "port": port, "last": 0.0, "pending": {}, "live": {}, "ended": {}, "opened": -1}
	_by_inner[socket.get_local_port()] = at
	return _legs[at]


## Notes the slot ENet gave a pending connection of [param leg], from ENet's answer [param data].
func _on_answer(leg: Dictionary, data: PackedByteArray) -> void:
	var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
	var at := 4 if peer & 0x8000 != 0 else 2
	while peer & 0x4000 == 0 and at + 4 <= data.size(): # Not compressed: command after command.
		var command := data.decode_u8(at) & 0x0F
		if command == 0 or command >= _SIZES.size():
			return
		if command == _VERIFY_CONNECT and at + 44 <= data.size():
			var id := data.slice(at + 40, at + 44)
			id.reverse() # Network order.
			var pending: Dictionary = leg.pending.get(id.decode_u32(0), {})
			if not pending.is_empty():
				pending.slot = (data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)) & _NO_PEER
				pending.session = data.decode_u8(at + 7) & 0x03
			return
		var size := _SIZES[command]
		if at + size > data.size():
			return
		if command == 6: # A reliable send: its data follows.
			size += data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)
		elif command >= 7 and command != 10 and command != 11: # Other sends.
			size += data.decode_u8(at + 6) << 8 | data.decode_u8(at + 7)
		at += size


## Ends [param leg]'s connection [param id], pending or live: ENet hears, from the leg, that the
## connection ended, and sends nothing more on it (it resets the slot of one not yet done).
func _free(leg: Dictionary, id: int) -> void:
	var half_open: bool = leg.pending.has(id)
	var pending: Dictionary = leg.pending[id] if half_open else leg.live[id]
	leg.pending.erase(id)
	leg.live.erase(id)
	leg.ended[id] = true
	if leg.ended.size() > _ENDED:
		leg.ended.erase(leg.ended.keys()[0])
	if pending.slot < 0:
		return # ENet gave it no slot.
	var out := PackedByteArray([(pending.slot >> 8) | (pending.session << 4), pending.slot & 0xFF, 4, 0xFF, 0, 0, 0, 0, 0, 0]) # DISCONNECT
	(leg.socket as PacketPeerUDP).put_packet(out)
	if half_open:
		freed += 1
	else:
		replaced += 1


## Frees the slots of handshakes older than [constant HALF_OPEN] seconds; closes the legs nothing
## went through for [constant IDLE] seconds.
func _sweep(now: float) -> void:
	for at: String in _legs.keys():
		var leg: Dictionary = _legs[at]
		for id: int in leg.pending.keys():
			if now - leg.pending[id].since >= HALF_OPEN:
				_free(leg, id)
		var socket: PacketPeerUDP = leg.socket
		if now - _legs[at].last >= IDLE:
			_by_inner.erase(socket.get_local_port())
			socket.close()
			_legs.erase(at)


## ENet's datagrams [param first] and [param then] (sent in that order) as one, or empty when they
## cannot be one: for another connection, compressed, or over [constant JOINED_MAX] bytes. ENet
## sends each packet of the game in a datagram of its own ([method ENetMultiplayerPeer.put_packet]
## flushes), each lost on its own, and a reliable packet waits for the ones before it: the host's
## list of players and the end of its authentication, sent together, could arrive apart, the player
## welcomed but not let in while ENet's resend timer doubles (tens of seconds through heavy loss),
## with no fresh attempt to save it. One datagram arrives whole or not at all.
static func joined(first: PackedByteArray, then: PackedByteArray) -> PackedByteArray:
	if first.is_empty():
		return then
	if first.size() < 2 or then.size() < 2:
		return PackedByteArray()
	var a := first.decode_u8(0) << 8 | first.decode_u8(1)
	var b := then.decode_u8(0) << 8 | then.decode_u8(1)
	if a & 0x4000 != 0 or b & 0x4000 != 0 or a & 0x3FFF != b & 0x3FFF: # Compressed, or another slot or session.
		return PackedByteArray()
	var a_at := 4 if a & 0x8000 != 0 else 2 # After the sent time, if any.
	var b_at := 4 if b & 0x8000 != 0 else 2
	if first.size() < a_at or then.size() < b_at or first.size() - a_at + then.size() - b_at + 4 > JOINED_MAX:
		return PackedByteArray()
	# The header with a sent time, if either has one: ENet acknowledges each reliable command with it.
	var both := first.slice(0, a_at) if a_at == 4 or b_at == 2 else then.slice(0, b_at)
	both.append_array(first.slice(a_at))
	both.append_array(then.slice(b_at))
	return both


## The connection ID an ENet connect request in [param data] asks for, or -1 for any other
## datagram (one to a peer ENet already gave a slot, or one it cannot read).
static func connect_id(data: PackedByteArray) -> int:
	if data.size() < 2:
		return -1
	var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
	if peer & _NO_PEER != _NO_PEER or peer & 0x4000 != 0: # Given a slot already, or compressed.
		return -1
	var at := 4 if peer & 0x8000 != 0 else 2 # After the sent time, if any.
	if data.size() < at + 48 or data.decode_u8(at) & 0x0F != _CONNECT:
		return -1
	var id := data.slice(at + 40, at + 44)
	id.reverse() # Network order.
	return id.decode_u32(0)
