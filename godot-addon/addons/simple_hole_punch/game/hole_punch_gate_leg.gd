extends RefCounted
## One player's way into the game's ENet server behind the host's game port
## ([code]hole_punch_game_gate.gd[/code]): a socket of its own on loopback, so that ENet tells
## players apart, and the connections through it, each watched through its handshake (ENet's
## protocol, [code]hole_punch_enet_wire.gd[/code]: the connect request, ENet's answer naming the
## slot, the first datagram to that slot).
##
## A new connection ends every earlier one of the leg at once, its handshake done or not (the gate
## says why), by telling ENet from the leg that it ended; a half-open one ends after
## [constant HALF_OPEN] seconds. Once a connection's handshake is done, what ENet sends it between
## two reads goes out in one datagram where it fits ([code]HolePunchEnetWire.joined()[/code]), so
## that what the host says at once (its list of players and the end of its authentication) is lost
## or heard at once.
##
## ENet resends a reliable packet only when the oldest one not yet acknowledged is due, and doubles
## that one's wait at each resend: a player's first (its hello) whose acknowledgements are lost again
## and again holds back the resends of everything after it (the game's first packets) for seconds,
## through heavy loss for tens of seconds, until ENet gives up. So the acknowledgements of a
## connection's first [constant FIRST_PACKETS] reliable packets go out [constant ACK_COPIES] more
## times, alone, one copy on each of the next reads.

const HolePunchEnetWire := preload("hole_punch_enet_wire.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## Seconds a connection's handshake may take before its slot is freed (a client starts afresh every
## [member HolePunch.game_retry_interval], 2 s, while its connection is not done).
const HALF_OPEN := 5.0
## A connection's first reliable packets (of channel 0: the authentication's, the game's first)
## whose acknowledgements go out again, and how many more times.
const FIRST_PACKETS := 8
const ACK_COPIES := 2
## Seconds after a handshake during which the leg looks for those acknowledgements: ENet gives up
## on a connection within 30 s, so a stall cannot outlast it, and the rest of a game's datagrams
## pass without being read command by command.
const ACK_WATCH := 30.0
## Seconds after a handshake during which every datagram to its player goes out twice, the copy on
## the next read (as it does while the handshake goes on): the authentication's and the game's
## first packets, each of which would otherwise wait out ENet's doubling resend timer when lost.
const TWICE := 3.0
## Connections a leg remembers as ended, so that a late copy of their request is not a new one.
const _ENDED := 16

## The leg ended a connection ENet gave a slot: a half-open one ([param half_open]), or one past its
## handshake whose address started another.
signal ended(half_open: bool)

var socket: PacketPeerUDP
## The player's address.
var ip: String
var port: int
## Seconds: when something last went through; when something last came in.
var last := 0.0
var heard := -1.0
## Connection id -> its handshake, until done; the same, once its handshake is done.
var _pending: Dictionary[int, _Connection] = {}
var _live: Dictionary[int, _Connection] = {}
## Connection ids that ended.
var _ended: Dictionary[int, bool] = {}
## The read its last new connection came in.
var _opened := -1
## Acknowledgements to send again, one copy a read each.
var _copies: Array[PackedByteArray] = []
var _copies_left: Array[int] = []
## Seconds: until when its outgoing datagrams are read for first acknowledgements; until when they
## go out twice.
var _watch_until := 0.0
var _twice_until := 0.0
## Datagrams to send once more, on the next read.
var _again: Array[PackedByteArray] = []


## A connection through a leg.
class _Connection:
	var since: float # Seconds: when its handshake began.
	var slot := -1 # ENet's peer id for it, or -1 before ENet answered.
	var session := 0
	var sequence := -1 # ENet's answer: its reliable sequence number and sent time (-1: none yet).
	var sent := -1


## A leg for the player at [param player_ip]:[param player_port].
func _init(player_ip: String, player_port: int) -> void:
	ip = player_ip
	port = player_port


## Binds the leg's socket on loopback, to ENet at [param enet_port]; returns false when it cannot.
func bind(enet_port: int) -> bool:
	var bound := PacketPeerUDP.new()
	if bound.bind(0, "127.0.0.1") != OK:
		return false
	bound.set_dest_address("127.0.0.1", enet_port)
	socket = bound
	return true


## Passes [param data] from the player (at [param at], "ip:port") to ENet at [param now], in the
## gate's read [param read]; [param afresh] (ip, port) hears of a new connection just before the
## ones before it end. Returns false when it is dropped: the request of an ended connection, or a
## second new one before ENet answered the first.
func inbound(data: PackedByteArray, at: String, now: float, read: int, afresh: Callable) -> bool:
	var id := HolePunchEnetWire.connect_id(data)
	var known := _pending.has(id) or _live.has(id)
	if id >= 0 and (_ended.has(id) or not known and _opened == read):
		if HolePunchTrace.on:
			HolePunchTrace.note("gate: dropped connect %d from %s (%s)" % [id, at, "ended" if _ended.has(id) else "second new in one read"])
		return false
	if id >= 0 and not known:
		if afresh.is_valid():
			afresh.call(ip, port)
		for old: int in _pending.keys() + _live.keys(): # The client started afresh.
			_free(old)
		HolePunchTrace.note("gate: new connection %d from %s, ending %s" % [id, at, _pending.keys() + _live.keys()])
		var connection := _Connection.new()
		connection.since = now
		_pending[id] = connection
		_opened = read
	elif id < 0 and data.size() >= 2 and not _pending.is_empty():
		var slot := HolePunchEnetWire.slot_of(data)
		for done: int in _pending.keys():
			var connection: _Connection = _pending[done]
			if connection.slot == slot:
				# The client heard ENet's answer (it talks to its slot), but its acknowledgement may have
				# been lost: ENet would drop what the client sends until it heard one, and resend its
				# answer only when its doubling timer runs out. So ENet hears it now, first.
				if connection.sequence >= 0 and connection.sent >= 0:
					socket.put_packet(HolePunchEnetWire.answer_acknowledgement(slot, connection.session, connection.sequence, connection.sent))
				HolePunchTrace.note("gate: connection %d handshake done (slot %d)" % [done, slot])
				_live[done] = _pending[done] # It talks to its slot: the handshake is done.
				_watch_until = now + ACK_WATCH
				_twice_until = now + TWICE
				_pending.erase(done)
	last = now
	heard = now
	socket.put_packet(data)
	return true


## Sends out through [param outer] (the game's port) what ENet (at loopback [param enet_port]) sent
## the player: once a connection's handshake is done, what ENet sent it since the last read in one
## datagram where it fits.
func forward(outer: PacketPeerUDP, enet_port: int, now: float) -> void:
	_send_copies(outer)
	var held := PackedByteArray()
	while socket.get_available_packet_count() > 0:
		var data := socket.get_packet()
		if socket.get_packet_port() != enet_port:
			continue
		last = now
		if not _pending.is_empty():
			_on_answer(data)
		# Not while a handshake goes on: a client still connecting drops the rest of a datagram at
		# a command it cannot take yet (an old connection's), which could be ENet's answer.
		var both := HolePunchEnetWire.joined(held, data) if _pending.is_empty() else PackedByteArray()
		if both.is_empty():
			_send_out(outer, held, now)
			held = data
		else:
			held = both
	_send_out(outer, held, now)


## Frees the slots of handshakes older than [constant HALF_OPEN] seconds at [param now].
func sweep(now: float) -> void:
	for id: int in _pending.keys():
		if now - _pending[id].since >= HALF_OPEN:
			_free(id)


func _send_out(outer: PacketPeerUDP, data: PackedByteArray, now: float) -> void:
	if not data.is_empty():
		outer.set_dest_address(ip, port)
		outer.put_packet(data)
		if not _pending.is_empty() or now < _twice_until:
			_again.append(data)
		var watched := _pending.is_empty() and now < _watch_until
		var acks := HolePunchEnetWire.first_acknowledgements(data, FIRST_PACKETS) if watched else PackedByteArray()
		if not acks.is_empty() and _copies.size() < FIRST_PACKETS:
			_copies.append(acks)
			_copies_left.append(ACK_COPIES)


## Sends one more copy of each acknowledgement still to be sent again, and the datagrams that go
## out twice.
func _send_copies(outer: PacketPeerUDP) -> void:
	for data in _again:
		outer.set_dest_address(ip, port)
		outer.put_packet(data)
	_again.clear()
	for i in range(_copies.size() - 1, -1, -1):
		outer.set_dest_address(ip, port)
		outer.put_packet(_copies[i])
		_copies_left[i] -= 1
		if _copies_left[i] <= 0:
			_copies.remove_at(i)
			_copies_left.remove_at(i)


## Notes the slot ENet gave a pending connection, from ENet's answer [param data].
func _on_answer(data: PackedByteArray) -> void:
	var verified := HolePunchEnetWire.verified_connect(data)
	var pending: _Connection = null if verified.is_empty() else _pending.get(verified[0])
	if pending != null:
		HolePunchTrace.note("gate: ENet answered connection %d: slot %d" % [verified[0], verified[1]])
		pending.slot = verified[1]
		pending.session = verified[2]
		pending.sequence = verified[3]
		pending.sent = verified[4]


## Ends the connection [param id], pending or live: ENet hears, from the leg, that the connection
## ended, and sends nothing more on it (it resets the slot of one not yet done).
func _free(id: int) -> void:
	var half_open := _pending.has(id)
	var connection := _pending[id] if half_open else _live[id]
	_pending.erase(id)
	_live.erase(id)
	_ended[id] = true
	HolePunchTrace.note("gate: ended connection %d (%s, slot %d)" % [id, "half-open" if half_open else "live", connection.slot])
	if _ended.size() > _ENDED:
		_ended.erase(_ended.keys()[0])
	if connection.slot < 0:
		return # ENet gave it no slot.
	socket.put_packet(HolePunchEnetWire.disconnect_packet(connection.slot, connection.session))
	ended.emit(half_open)
