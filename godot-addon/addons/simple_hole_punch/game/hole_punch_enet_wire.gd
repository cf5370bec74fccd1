extends RefCounted
## What the game gate ([code]hole_punch_game_gate.gd[/code]) reads and writes of ENet's own
## protocol: a client's connect request and the connection id it asks for, ENet's answer naming
## the slot it gave that connection, the slot a datagram is for, and the disconnect that ends a
## connection from the client's side; and it joins two datagrams of one connection into one.
## It also reads the acknowledgements of a connection's first reliable packets out of a datagram.
## Nothing else of ENet's traffic is parsed.

## ENet's protocol: commands, and the fixed size of each (the data of a send follows it).
const _ACKNOWLEDGE := 1
const _CONNECT := 2
const _VERIFY_CONNECT := 3
const _SIZES: Array[int] = [0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24]
## The peer id of a datagram to no slot yet; also the mask of the slot in a datagram's header.
const NO_PEER := 0x0FFF
## Most bytes of a datagram [method joined] makes: ENet's own MTU.
const JOINED_MAX := 1392


## The connection ID an ENet connect request in [param data] asks for, or -1 for any other
## datagram (one to a peer ENet already gave a slot, or one it cannot read).
static func connect_id(data: PackedByteArray) -> int:
	if data.size() < 2:
		return -1
	var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
	if peer & NO_PEER != NO_PEER or peer & 0x4000 != 0: # Given a slot already, or compressed.
		return -1
	var at := 4 if peer & 0x8000 != 0 else 2 # After the sent time, if any.
	if data.size() < at + 48 or data.decode_u8(at) & 0x0F != _CONNECT:
		return -1
	var id := data.slice(at + 40, at + 44)
	id.reverse() # Network order.
	return id.decode_u32(0)


## The slot (ENet's peer id) a datagram in [param data] of at least two bytes is for.
static func slot_of(data: PackedByteArray) -> int:
	return (data.decode_u8(0) << 8 | data.decode_u8(1)) & NO_PEER


## From ENet's answer [param data]: [code][connection id, slot, session, sequence, sent time][/code]
## of the first connection it verifies (the answer's reliable sequence number, and the datagram's
## sent time, -1 without one: what the client's acknowledgement of it names), or empty when it
## verifies none.
static func verified_connect(data: PackedByteArray) -> Array[int]:
	var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
	var at := 4 if peer & 0x8000 != 0 else 2
	while peer & 0x4000 == 0 and at + 4 <= data.size(): # Not compressed: command after command.
		var command := data.decode_u8(at) & 0x0F
		if command == 0 or command >= _SIZES.size():
			return []
		if command == _VERIFY_CONNECT and at + 44 <= data.size():
			var id := data.slice(at + 40, at + 44)
			id.reverse() # Network order.
			var sent := data.decode_u8(2) << 8 | data.decode_u8(3) if peer & 0x8000 != 0 else -1
			var sequence := data.decode_u8(at + 2) << 8 | data.decode_u8(at + 3)
			return [id.decode_u32(0), (data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)) & NO_PEER, data.decode_u8(at + 7) & 0x03, sequence, sent]
		var size := _SIZES[command]
		if at + size > data.size():
			return []
		if command == 6: # A reliable send: its data follows.
			size += data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)
		elif command >= 7 and command != 10 and command != 11: # Other sends.
			size += data.decode_u8(at + 6) << 8 | data.decode_u8(at + 7)
		at += size
	return []


## ENet's acknowledgement, from the client's side of the connection in [param slot],
## [param session], of ENet's answer (its connection command [param sequence], sent at
## [param sent]): what the client sends when the answer reaches it.
static func answer_acknowledgement(slot: int, session: int, sequence: int, sent: int) -> PackedByteArray:
	return PackedByteArray([(slot >> 8) | (session << 4), slot & 0xFF, _ACKNOWLEDGE, 0xFF, sequence >> 8, sequence & 0xFF, sequence >> 8, sequence & 0xFF, sent >> 8, sent & 0xFF])


## ENet's DISCONNECT from the client's side of the connection in [param slot], [param session].
static func disconnect_packet(slot: int, session: int) -> PackedByteArray:
	return PackedByteArray([(slot >> 8) | (session << 4), slot & 0xFF, 4, 0xFF, 0, 0, 0, 0, 0, 0])


## ENet's datagrams [param first] and [param then] (sent in that order) as one, or empty when they
## cannot be one: for another slot or session, compressed, or over [constant JOINED_MAX] bytes
## ([param then] alone when [param first] is empty). ENet sends each packet of the game in a
## datagram of its own ([method ENetMultiplayerPeer.put_packet] flushes), each lost on its own, and
## a reliable packet waits for the ones before it: the host's list of players and the end of its
## authentication, sent together, could arrive apart, the player welcomed (no fresh attempt) but
## not let in while ENet's resend timer doubles, for tens of seconds through heavy loss.
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


## The acknowledgements in ENet's datagram [param data] of the reliable packets of channel 0 whose
## sequence number is at most [param most] (a connection's first ones), alone in a datagram of
## their own for the same slot and session; empty when it holds none (or cannot be read).
static func first_acknowledgements(data: PackedByteArray, most: int) -> PackedByteArray:
	if data.size() < 2:
		return PackedByteArray()
	var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
	var at := 4 if peer & 0x8000 != 0 else 2
	var acks := PackedByteArray()
	while peer & 0x4000 == 0 and at + 4 <= data.size(): # Not compressed: command after command.
		var command := data.decode_u8(at) & 0x0F
		if command == 0 or command >= _SIZES.size() or at + _SIZES[command] > data.size():
			break
		var size := _SIZES[command]
		if command == _ACKNOWLEDGE:
			var acknowledged := data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)
			if data.decode_u8(at + 1) == 0 and acknowledged >= 1 and acknowledged <= most:
				acks.append_array(data.slice(at, at + size))
		elif command == 6: # A reliable send: its data follows.
			size += data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)
		elif command >= 7 and command != 10 and command != 11: # Other sends.
			size += data.decode_u8(at + 6) << 8 | data.decode_u8(at + 7)
		at += size
	if acks.is_empty():
		return acks
	# No sent time: it holds nothing to acknowledge.
	var header := PackedByteArray([(peer >> 8) & 0x3F, peer & 0xFF])
	return header + acks
