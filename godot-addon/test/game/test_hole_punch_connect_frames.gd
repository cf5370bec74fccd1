extends "res://test/game_case.gd"
## A player's game connects in as few frames as its round trips: the gate and the client link pass
## each datagram to ENet, which answers it, and the game reads it, in the frame it came, not the
## next (ENet's handshake, then the authentication: hello, welcome, the end of it).

## Process frames from the handover to both sides connected, with both in one tree on loopback:
## 3 or 4, and a couple to spare (11 when ENet and the game read a frame after the datagram came).
const MOST_FRAMES := 6


func test_a_player_is_let_in_within_a_frame_per_hop() -> void:
	# Given a host's game and a player handed over to it
	var ann := side("Ann", "ann")
	var frames: Array[int] = [0]
	var count := func() -> void: frames[0] += 1
	get_tree().process_frame.connect(count)
	# When the player's game connects
	start([ann])
	assert_true(await connected(ann), "ann in the game")
	get_tree().process_frame.disconnect(count)
	# Then both sides were connected within a frame or so per hop
	print("  handover to both sides connected: %d process frames" % frames[0])
	assert_lte(frames[0], MOST_FRAMES, "process frames from the handover to both sides connected")
