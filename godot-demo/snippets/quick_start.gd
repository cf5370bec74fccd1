extends Node

var hole_punch := HolePunch.new()


func _ready() -> void:
	hole_punch.server = "play.example.com:7788" # your server's name (or address) and port
	hole_punch.manage_game_peer = true # the node starts ENet itself once the holes are punched
	add_child(hole_punch)
	hole_punch.player_joined.connect(func(_key: String, alias: String) -> void: print(alias, " is here"))
	hole_punch.failed.connect(func(reason: HolePunch.Failure, detail: String) -> void:
		print("failed: ", HolePunch.Failure.keys()[reason], " ", detail))
	hole_punch.game_connected.connect(func(_peer: MultiplayerPeer) -> void:
		if not multiplayer.is_server():
			hello.rpc_id(1, "hello from player %d" % multiplayer.get_unique_id()))


## The host shares a short code (ABCD-EFGH) and starts the game when the first player is in.
func host() -> void:
	hole_punch.start_session.connect(func(_code: String) -> void: print("share this code: ", hole_punch.get_short_code()))
	hole_punch.player_joined.connect(func(_key: String, _alias: String) -> void: hole_punch.close_session())
	hole_punch.host_session("", "host") # no server key: the server setting names the server


## A player joins with that code, on a node with the same server setting.
func join(code: String) -> void:
	hole_punch.join_session(code, "player")


@rpc("any_peer", "reliable")
func hello(text: String) -> void:
	print("got: ", text)
	if multiplayer.is_server():
		hello.rpc_id(multiplayer.get_remote_sender_id(), "welcome")
