extends "res://test/game/enet_link_case.gd"
## A player whose acknowledgement of ENet's answer is lost is let in on what it sends next, on
## loopback with real ENet on both sides. ENet's server drops everything a client sends before it
## heard that acknowledgement (the client's hello among it), and sends its answer again only when
## its doubling resend timer runs out: through loss, a connection the client took for made could
## go unheard by the host for seconds, and the client start afresh.

## A link on which every acknowledgement the player sends of ENet's connection commands (the
## answer to its connect request) is lost; the rest of its datagrams go on.
class Link extends "res://test/game/enet_link.gd":
	var lost := 0

	func _to_host(data: PackedByteArray, _from: int) -> bool:
		var kept := _without_answer_acks(data)
		if kept.size() == data.size():
			return true
		lost += 1
		if kept.is_empty():
			return false
		outer.set_dest_address("127.0.0.1", host_port)
		outer.put_packet(kept) # What the datagram held besides.
		return false

	## ENet's datagram [param data] without its acknowledgements of channel 0xFF (the connection's
	## own commands), or empty when nothing else is left.
	static func _without_answer_acks(data: PackedByteArray) -> PackedByteArray:
		var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
		var at := 4 if peer & 0x8000 != 0 else 2
		if peer & 0x4000 != 0:
			return data # Compressed: not here.
		var kept := data.slice(0, at)
		while at + 4 <= data.size():
			var command := data.decode_u8(at) & 0x0F
			var size: int = [0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24][command] if command < 13 else data.size()
			if command == 6: # A reliable send: its data follows.
				size += data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)
			elif command >= 7 and command != 10 and command != 11: # Other sends.
				size += data.decode_u8(at + 6) << 8 | data.decode_u8(at + 7)
			if not (command == 1 and data.decode_u8(at + 1) == 0xFF):
				kept.append_array(data.slice(at, at + size))
			at += size
		return PackedByteArray() if kept.size() <= (4 if peer & 0x8000 != 0 else 2) else kept

var _link: Link


func test_a_player_whose_acknowledgement_of_the_answer_is_lost_is_let_in_on_its_hello() -> void:
	# Given a player whose every acknowledgement of ENet's answer is lost on the way to the host
	_link = Link.new(Ports.free_port(), port)
	open_link(_link)
	# When its game connects through the link
	var player := player_through(_link)
	# Then the host lets it in on what it sends once connected (its hello), in seconds
	assert_true(await connected(player, 5.0), "the player was let in")
	assert_gt(_link.lost, 0, "acknowledgements of the answer lost")
