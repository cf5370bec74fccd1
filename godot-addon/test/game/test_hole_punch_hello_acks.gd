extends "res://test/game/enet_link_case.gd"
## A player's packets after it was let in do not wait behind its hello, on loopback with real ENet
## on both sides. ENet resends a reliable packet only when the oldest one not yet acknowledged is
## due, and doubles that one's wait at each resend: were the acknowledgements of the player's hello
## lost again and again, a packet of the game lost once would wait seconds for the hello's next
## resend, and tens of seconds through heavy loss.

## A link that loses the host's first [member hello_acks] acknowledgements of the player's hello,
## and the player's first datagram holding [member lose] once that is set.
class Link extends "res://test/game/enet_link.gd":
	var hello_acks := 0
	var lost_acks := 0
	var lose := PackedByteArray()
	var lost := 0

	func _to_host(data: PackedByteArray, _from: int) -> bool:
		if not lose.is_empty() and data.hex_encode().contains(lose.hex_encode()):
			lose = PackedByteArray()
			lost += 1
			return false
		return true

	func _to_player(data: PackedByteArray) -> bool:
		if lost_acks < hello_acks and _acknowledges_first(data):
			lost_acks += 1
			return false
		return true

	## Whether ENet's datagram [param data] acknowledges the first reliable packet of channel 0
	## (the player's hello: nothing reliable goes before it).
	static func _acknowledges_first(data: PackedByteArray) -> bool:
		var peer := data.decode_u8(0) << 8 | data.decode_u8(1)
		var at := 4 if peer & 0x8000 != 0 else 2
		while peer & 0x4000 == 0 and at + 8 <= data.size():
			var command := data.decode_u8(at) & 0x0F
			if command == 1:
				if data.decode_u8(at + 1) == 0 and (data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5)) == 1:
					return true
				at += 8
			elif command == 6: # A reliable send: its data follows.
				at += 6 + (data.decode_u8(at + 4) << 8 | data.decode_u8(at + 5))
			else:
				return false # Nothing else goes with the acknowledgements here.
		return false

var _link: Link


func test_a_packet_of_the_game_does_not_wait_behind_a_hello_whose_acknowledgements_were_lost() -> void:
	# Given a player whose hello's first four acknowledgements are lost (its resend timer doubles to
	# 8 s), let in through the link
	_link = Link.new(Ports.free_port(), port)
	_link.hello_acks = 4
	open_link(_link)
	var player := player_through(_link)
	assert_true(await connected(player), "the player was let in")
	assert_true(await wait_until(func() -> bool: return _link.lost_acks >= 2, 5.0), "the hello's acknowledgements lost")
	# When the game's first packet goes out after the hello's resends (each datagram to the player
	# goes out twice at first, so fewer of them are lost), and is lost once
	var heard: Array[PackedByteArray] = []
	(host.multiplayer as SceneMultiplayer).peer_packet.connect(func(_id: int, data: PackedByteArray) -> void: heard.append(data))
	_link.lose = "GAME".to_ascii_buffer()
	var sent := Time.get_ticks_msec()
	(player.multiplayer as SceneMultiplayer).send_bytes("GAME".to_ascii_buffer(), 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE)
	# Then its resend reaches the host within a second and a half, not when the hello is next due
	assert_true(await wait_until(func() -> bool: return heard.any(func(data: PackedByteArray) -> bool: return data == "GAME".to_ascii_buffer()), 10.0), "the host heard the game's packet")
	var took := (Time.get_ticks_msec() - sent) / 1000.0
	gut.p("the game's packet took %.2f s; hello acknowledgements lost: %d" % [took, _link.lost_acks])
	assert_eq(_link.lost, 1, "the game's packet lost once")
	assert_lt(took, 1.5, "seconds the game's packet took")
