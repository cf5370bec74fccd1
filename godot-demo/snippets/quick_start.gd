extends Node

const SERVER_KEY := "qucycyahjiuv" # the key your server printed

var hole_punch := HolePunch.new()


func _ready() -> void:
	hole_punch.manage_game_peer = true # the node starts ENet itself once the holes are punched
	add_child(hole_punch)
	hole_punch.player_joined.connect(func(_key: String, alias: String) -> void: print(alias, " is here"))
	hole_punch.failed.connect(func(reason: HolePunch.Failure, detail: String) -> void:
		print("failed: ", HolePunch.Failure.keys()[reason], " ", detail))
	hole_punch.game_connected.connect(func(_peer: MultiplayerPeer) -> void:
		if not multiplayer.is_server():
			hello.rpc_id(1, "hello from player %d" % multiplayer.get_unique_id()))


## The host shares a code and starts the game when the first player is in.
func host() -> void:
	hole_punch.start_session.connect(func(code: String) -> void: print("share this code: ", code))
	hole_punch.player_joined.connect(func(_key: String, _alias: String) -> void: hole_punch.close_session())
	hole_punch.host_session(SERVER_KEY, "host")


## A player joins with that code.
func join(code: String) -> void:
	hole_punch.join_session(code, "player")


@rpc("any_peer", "reliable")
func hello(text: String) -> void:
	print("got: ", text)
	if multiplayer.is_server():
		hello.rpc_id(multiplayer.get_remote_sender_id(), "welcome")
