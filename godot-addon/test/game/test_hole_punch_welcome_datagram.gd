extends "res://test/game/enet_link_case.gd"
## The host's welcome reaches a player whole or not at all, on loopback with real ENet on both
## sides. ENet sends each packet of the game in a datagram of its own, and a reliable one waits for
## those before it: were the host's list of players and the end of its authentication to travel
## apart, a loss could leave the player welcomed (its side complete, so no fresh attempt) but not let
## in, while ENet's resend timer doubles through a lossy path for tens of seconds.

## A link that keeps what the host sent ([member heard]).
class Link extends "res://test/game/enet_link.gd":
	var heard: Array[PackedByteArray] = []

	func _to_player(data: PackedByteArray) -> bool:
		heard.append(data)
		return true

var _link: Link


func test_the_list_of_players_and_the_end_of_the_authentication_come_in_one_datagram() -> void:
	# Given a host's game and a player punched where the link reaches the host from
	_link = Link.new(Ports.free_port(), port)
	open_link(_link)
	# When the player connects through the link and is let in
	var player := player_through(_link)
	assert_true(await connected(player), "the player was let in")
	# Then the datagram that first brought the list also brought the end of the host's authentication
	var lists := _link.heard.filter(func(data: PackedByteArray) -> bool: return _has(data, _auth("SHP-".to_ascii_buffer())))
	assert_gt(lists.size(), 0, "datagrams with the list of players")
	assert_true(not lists.is_empty() and _has(lists[0], PackedByteArray([0, 2]) + _auth(PackedByteArray())), "the list's datagram ends the authentication too")


## [SceneMultiplayer]'s authentication message with [param data] (empty: the end of it).
static func _auth(data: PackedByteArray) -> PackedByteArray:
	return PackedByteArray([7, 0]) + data


## Whether [param data] holds [param part].
static func _has(data: PackedByteArray, part: PackedByteArray) -> bool:
	return data.hex_encode().contains(part.hex_encode())
