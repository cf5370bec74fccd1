extends GutTest
## A client whose game starts its own ENet on [signal HolePunch.start_client]: its acknowledgement
## of the host's answer leaves in the frame the game's poll read the answer, not on the game's next
## poll, so the host's side connects a frame sooner. Its connect request waits for the game's poll
## (a request sent in the frame JG came could come before the host's game listens). Nothing polls
## the game's [MultiplayerAPI] here but the test ([member SceneTree.multiplayer_poll] off), so only
## what the node sends leaves by itself.

const Ports := preload("res://test/ports.gd")

var _node: HolePunch
var _polling := true


func before_each() -> void:
	_polling = get_tree().multiplayer_poll
	get_tree().multiplayer_poll = false
	_node = HolePunch.new()
	_node.manage_game_peer = false
	add_child_autofree(_node)
	get_tree().set_multiplayer(SceneMultiplayer.new(), _node.get_path())
	# The game's handler, as the README's snippet has it.
	_node.start_client.connect(func(ip: String, port: int, local_port: int) -> void:
		var peer := ENetMultiplayerPeer.new()
		peer.create_client(ip, port, 0, 0, 0, local_port)
		_node.multiplayer.multiplayer_peer = peer)


func after_each() -> void:
	if _node.multiplayer.multiplayer_peer != null:
		_node.multiplayer.multiplayer_peer.close()
	get_tree().set_multiplayer(null, _node.get_path())
	get_tree().multiplayer_poll = _polling


func test_the_connect_request_waits_for_the_games_poll() -> void:
	# Given a host's port
	var host := PacketPeerUDP.new()
	var port := Ports.free_port()
	assert_eq(host.bind(port, "127.0.0.1"), OK)
	# When the node hands over and the game starts its ENet client, which it has not polled yet
	_node.start_client.emit("127.0.0.1", port, Ports.free_port())
	await get_tree().process_frame
	await get_tree().process_frame
	OS.delay_msec(2)
	# Then nothing has gone to the host's port; the game's poll sends the request
	assert_eq(host.get_available_packet_count(), 0, "no connect request before the game's poll")
	_node.multiplayer.poll()
	OS.delay_msec(2)
	assert_gt(host.get_available_packet_count(), 0, "the connect request, on the game's poll")
	host.close()


func test_the_acknowledgement_leaves_in_the_frame_the_answer_was_read() -> void:
	# Given a host's game (its own ENet, serviced by hand) that answered the client's connect request
	var host := ENetConnection.new()
	var port := Ports.free_port()
	assert_eq(host.create_host_bound("127.0.0.1", port, 4), OK)
	_node.start_client.emit("127.0.0.1", port, Ports.free_port())
	await get_tree().process_frame
	_node.multiplayer.poll() # The game's poll at the start of its next frame: the request goes.
	OS.delay_msec(2)
	assert_eq(host.service(0)[0], ENetConnection.EVENT_NONE, "the host read the request and answered it")
	await get_tree().process_frame
	# When the game's poll at the start of a frame reads the answer
	OS.delay_msec(2)
	_node.multiplayer.poll()
	assert_eq(_node.multiplayer.multiplayer_peer.get_connection_status(), MultiplayerPeer.CONNECTION_CONNECTED, "the client is connected")
	await get_tree().process_frame
	# Then its acknowledgement went in that frame: the host's side is connected, with no other poll
	OS.delay_msec(2)
	assert_eq(host.service(0)[0], ENetConnection.EVENT_CONNECT, "the host's side connected, without another poll of the game's")
	host.destroy()
