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
## Once a connection's handshake is done, what ENet sends it between two reads goes out in one
## datagram where it fits ([code]HolePunchEnetWire.joined()[/code]), so that what the host says at
## once (its list of players and the end of its authentication) is lost or heard at once.
##
## ENet resends a reliable packet only when the oldest one not yet acknowledged is due, and doubles
## that one's wait at each resend: a player's first (its hello) whose acknowledgements are lost again
## and again holds back the resends of everything after it (the game's first packets) for seconds,
## through heavy loss for tens of seconds, until ENet gives up. So the acknowledgements of a
## connection's first [constant FIRST_PACKETS] reliable packets go out [constant ACK_COPIES] more
## times, alone, one copy on each of the next reads.
##
## ENet sees each player at its leg's loopback address; [method remote_of] names the player's own.
## The gate reads on every physics and process frame, and ENet reads what it passed at once, so
## that its answer (a new connection's slot too) goes out in the same read, not a frame later;
## what the game said since ENet last sent goes out at each read. While ENet holds packets the game has not taken yet, the gate passes nothing: ENet would
## read a player's goodbye and tell the game it left, whose [SceneMultiplayer] then forgets the
## peer and drops its packets still waiting, its last words (a client that lets go once they are
## delivered says goodbye as soon as ENet acknowledged them).

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchEnetWire := preload("hole_punch_enet_wire.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## Seconds a connection's handshake may take before its slot is freed (a client starts afresh every
## [member HolePunch.game_retry_interval], 2 s, while its connection is not done).
const HALF_OPEN := 5.0
## Seconds without a datagram either way after which a leg closes (ENet pings every second while
## a connection lives, and gives up on a silent one after 30 s).
const IDLE := 40.0
## A connection's first reliable packets (of channel 0: the authentication's, the game's first)
## whose acknowledgements go out again, and how many more times.
const FIRST_PACKETS := 8
const ACK_COPIES := 2
## Seconds after a handshake during which the gate looks for those acknowledgements: ENet gives up
## on a connection within 30 s, so a stall cannot outlast it, and the rest of a game's datagrams
## pass without being read command by command.
const ACK_WATCH := 30.0
## Seconds after a handshake during which every datagram to its player goes out twice, the copy on
## the next read (as it does while the handshake goes on): the authentication's and the game's
## first packets, each of which would otherwise wait out ENet's doubling resend timer when lost.
const TWICE := 3.0
## Most datagrams read from the game's port per read: a flood cannot stall a frame.
const MAX_READ := 1024
## Connections a leg remembers as ended, so that a late copy of their request is not a new one.
const _ENDED := 16

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
var _legs: Dictionary[String, _Leg] = {}
## A leg's loopback port -> its "ip:port".
var _by_inner: Dictionary[int, String] = {}
var _next_sweep := 0.0
## Reads so far: a leg opens at most one new connection per read, so that ENet answers it (and
## names its slot) before the next one frees it.
var _pumps := 0


## A player's way into ENet: a loopback socket of its own, so that ENet tells players apart.
class _Leg:
	var socket: PacketPeerUDP
	var ip: String
	var port: int
	var last := 0.0 # Seconds: when something last went through.
	var heard := -1.0 # Seconds: when something last came in.
	var pending: Dictionary[int, _Connection] = {} # Connection id -> its handshake, until done.
	var live: Dictionary[int, _Connection] = {} # The same, once its handshake is done.
	var ended: Dictionary[int, bool] = {} # Connection ids that ended.
	var opened := -1 # The read its last new connection came in.
	var copies: Array[PackedByteArray] = [] # Acknowledgements to send again, one copy a read each.
	var copies_left: Array[int] = []
	var watch_until := 0.0 # Seconds: until when its outgoing datagrams are read for first acknowledgements.
	var twice_until := 0.0 # Seconds: until when its outgoing datagrams go out twice.
	var again: Array[PackedByteArray] = [] # Datagrams to send once more, on the next read.


## A connection through a leg.
class _Connection:
	var since: float # Seconds: when its handshake began.
	var slot := -1 # ENet's peer id for it, or -1 before ENet answered.
	var session := 0
	var sequence := -1 # ENet's answer: its reliable sequence number and sent time (-1: none yet).
	var sent := -1


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
	var leg: _Leg = _legs.get(HolePunchRoster.address(ip, port))
	return -1.0 if leg == null else leg.heard


## The player at [param old_ip]:[param old_port] is now at [param ip]:[param port] (its relay node
## went silent, and a new one relays it): its leg, and ENet's connection behind it, move there.
func repoint(old_ip: String, old_port: int, ip: String, port: int) -> void:
	var old := HolePunchRoster.address(old_ip, old_port)
	var at := HolePunchRoster.address(ip, port)
	var leg: _Leg = _legs.get(old)
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
	for leg: _Leg in _legs.values():
		leg.socket.close()
	_legs.clear()
	_by_inner.clear()


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


## Sends out through the game's port what ENet sent each leg: once a connection's handshake is
## done, what ENet sent it since the last read in one datagram where it fits.
func _forward(now: float) -> void:
	for leg: _Leg in _legs.values():
		_send_copies(leg)
		var socket := leg.socket
		var held := PackedByteArray()
		while socket.get_available_packet_count() > 0:
			var data := socket.get_packet()
			if socket.get_packet_port() != _enet_port:
				continue
			leg.last = now
			if not leg.pending.is_empty():
				_on_answer(leg, data)
			# Not while a handshake goes on: a client still connecting drops the rest of a datagram at
			# a command it cannot take yet (an old connection's), which could be ENet's answer.
			var both := HolePunchEnetWire.joined(held, data) if leg.pending.is_empty() else PackedByteArray()
			if both.is_empty():
				_send_out(leg, held, now)
				held = data
			else:
				held = both
		_send_out(leg, held, now)


func _send_out(leg: _Leg, data: PackedByteArray, now: float) -> void:
	if not data.is_empty():
		_outer.set_dest_address(leg.ip, leg.port)
		_outer.put_packet(data)
		if not leg.pending.is_empty() or now < leg.twice_until:
			leg.again.append(data)
		var watched := leg.pending.is_empty() and now < leg.watch_until
		var acks := HolePunchEnetWire.first_acknowledgements(data, FIRST_PACKETS) if watched else PackedByteArray()
		if not acks.is_empty() and leg.copies.size() < FIRST_PACKETS:
			leg.copies.append(acks)
			leg.copies_left.append(ACK_COPIES)


## Sends one more copy of each of [param leg]'s acknowledgements still to be sent again, and the
## datagrams that go out twice.
func _send_copies(leg: _Leg) -> void:
	for data in leg.again:
		_outer.set_dest_address(leg.ip, leg.port)
		_outer.put_packet(data)
	leg.again.clear()
	for i in range(leg.copies.size() - 1, -1, -1):
		_outer.set_dest_address(leg.ip, leg.port)
		_outer.put_packet(leg.copies[i])
		leg.copies_left[i] -= 1
		if leg.copies_left[i] <= 0:
			leg.copies.remove_at(i)
			leg.copies_left.remove_at(i)


## Passes [param data] from [param ip]:[param port] to ENet if it may reach it.
func _inbound(data: PackedByteArray, ip: String, port: int, now: float) -> void:
	var at := HolePunchRoster.address(ip, port)
	var leg: _Leg = _legs.get(at)
	if leg == null:
		if not _expects.is_valid() or not _expects.call(ip, port):
			dropped += 1
			return
		leg = _open_leg(at, ip, port)
		if leg == null:
			dropped += 1
			return
	var id := HolePunchEnetWire.connect_id(data)
	var known := leg.pending.has(id) or leg.live.has(id)
	if id >= 0 and (leg.ended.has(id) or not known and leg.opened == _pumps):
		dropped += 1 # An ended one, or a second new one before ENet answered the first.
		if HolePunchTrace.on:
			HolePunchTrace.note("gate: dropped connect %d from %s (%s)" % [id, at, "ended" if leg.ended.has(id) else "second new in one read"])
		return
	if id >= 0 and not known:
		if _afresh.is_valid():
			_afresh.call(leg.ip, leg.port)
		for old: int in leg.pending.keys() + leg.live.keys(): # The client started afresh.
			_free(leg, old)
		HolePunchTrace.note("gate: new connection %d from %s, ending %s" % [id, at, leg.pending.keys() + leg.live.keys()])
		var connection := _Connection.new()
		connection.since = now
		leg.pending[id] = connection
		leg.opened = _pumps
	elif id < 0 and data.size() >= 2 and not leg.pending.is_empty():
		var slot := HolePunchEnetWire.slot_of(data)
		for done: int in leg.pending.keys():
			var connection: _Connection = leg.pending[done]
			if connection.slot == slot:
				# The client heard ENet's answer (it talks to its slot), but its acknowledgement may have
				# been lost: ENet would drop what the client sends until it heard one, and resend its
				# answer only when its doubling timer runs out. So ENet hears it now, first.
				if connection.sequence >= 0 and connection.sent >= 0:
					leg.socket.put_packet(HolePunchEnetWire.answer_acknowledgement(slot, connection.session, connection.sequence, connection.sent))
				HolePunchTrace.note("gate: connection %d handshake done (slot %d)" % [done, slot])
				leg.live[done] = leg.pending[done] # It talks to its slot: the handshake is done.
				leg.watch_until = now + ACK_WATCH
				leg.twice_until = now + TWICE
				leg.pending.erase(done)
	leg.last = now
	leg.heard = now
	leg.socket.put_packet(data)


func _open_leg(at: String, ip: String, port: int) -> _Leg:
	var socket := PacketPeerUDP.new()
	if socket.bind(0, "127.0.0.1") != OK:
		return null
	socket.set_dest_address("127.0.0.1", _enet_port)
	var leg := _Leg.new()
	leg.socket = socket
	leg.ip = ip
	leg.port = port
	_legs[at] = leg
	_by_inner[socket.get_local_port()] = at
	return leg


## Notes the slot ENet gave a pending connection of [param leg], from ENet's answer [param data].
func _on_answer(leg: _Leg, data: PackedByteArray) -> void:
	var verified := HolePunchEnetWire.verified_connect(data)
	var pending: _Connection = null if verified.is_empty() else leg.pending.get(verified[0])
	if pending != null:
		HolePunchTrace.note("gate: ENet answered connection %d: slot %d" % [verified[0], verified[1]])
		pending.slot = verified[1]
		pending.session = verified[2]
		pending.sequence = verified[3]
		pending.sent = verified[4]


## Ends [param leg]'s connection [param id], pending or live: ENet hears, from the leg, that the
## connection ended, and sends nothing more on it (it resets the slot of one not yet done).
func _free(leg: _Leg, id: int) -> void:
	var half_open := leg.pending.has(id)
	var pending := leg.pending[id] if half_open else leg.live[id]
	leg.pending.erase(id)
	leg.live.erase(id)
	leg.ended[id] = true
	HolePunchTrace.note("gate: ended connection %d (%s, slot %d)" % [id, "half-open" if half_open else "live", pending.slot])
	if leg.ended.size() > _ENDED:
		leg.ended.erase(leg.ended.keys()[0])
	if pending.slot < 0:
		return # ENet gave it no slot.
	leg.socket.put_packet(HolePunchEnetWire.disconnect_packet(pending.slot, pending.session))
	if half_open:
		freed += 1
	else:
		replaced += 1


## Frees the slots of handshakes older than [constant HALF_OPEN] seconds; closes the legs nothing
## went through for [constant IDLE] seconds.
func _sweep(now: float) -> void:
	for at: String in _legs.keys():
		var leg := _legs[at]
		for id: int in leg.pending.keys():
			if now - leg.pending[id].since >= HALF_OPEN:
				_free(leg, id)
		var socket := leg.socket
		if now - leg.last >= IDLE:
			_by_inner.erase(socket.get_local_port())
			socket.close()
			_legs.erase(at)
