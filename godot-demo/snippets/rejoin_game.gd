extends Node
## A tiny game whose players come back after a drop: the host keeps a dropped player's place for
## ten seconds (rejoin_grace), and each player sends the host a tick by RPC every half second,
## which the host answers, so both sides see the game go on.
##   godot --headless --path godot-demo res://snippets/rejoin_game.tscn -- host SERVER_KEY
##   godot --headless --path godot-demo res://snippets/rejoin_game.tscn -- join CODE NAME

var hole_punch := HolePunch.new()
var ticks := 0


func _ready() -> void:
	hole_punch.manage_game_peer = true # the node starts ENet, and rejoins by itself after a drop
	hole_punch.game_timeout = 1.0 # a silent connection counts as dropped after a second
	hole_punch.rejoin_grace = float(OS.get_environment("REJOIN_GRACE")) if OS.has_environment("REJOIN_GRACE") else 10.0
	add_child(hole_punch)
	hole_punch.player_joined.connect(func(key: String, alias: String) -> void:
		print("joined %s %s path=%s" % [alias, key, hole_punch.get_players().get(key, {}).get("path", "?")]))
	hole_punch.player_left.connect(func(key: String, alias: String, reason: String) -> void:
		print("left %s %s %s" % [alias, key, reason]))
	hole_punch.rejoining.connect(func(_host_key: String) -> void: print("rejoining"))
	hole_punch.game_connected.connect(func(_peer: MultiplayerPeer) -> void:
		print("in the game as peer %d" % multiplayer.get_unique_id()))
	hole_punch.failed.connect(func(reason: HolePunch.Failure, _detail: String) -> void:
		print("failed ", HolePunch.Failure.keys()[reason])
		get_tree().quit(3))
	multiplayer.peer_connected.connect(func(id: int) -> void: print("peer %d connected" % id))
	multiplayer.peer_disconnected.connect(func(id: int) -> void:
		print("peer %d disconnected; peers now %s" % [id, multiplayer.get_peers()]))
	var args := OS.get_cmdline_user_args()
	if args.size() == 2 and args[0] == "host":
		hole_punch.start_session.connect(func(code: String) -> void: print("code ", code))
		hole_punch.player_refused.connect(func(key: String, alias: String, reason: String) -> void:
			print("refused %s %s %s" % [alias, key, reason]))
		# The first player starts the game; the session stays open at the server for rejoins.
		hole_punch.player_joined.connect(func(_key: String, _alias: String) -> void: hole_punch.close_session(), CONNECT_ONE_SHOT)
		hole_punch.host_session(args[1], "host")
	elif args.size() == 3 and args[0] == "join":
		hole_punch.join_session(args[1], args[2])
	var timer := Timer.new()
	timer.wait_time = 0.5
	timer.timeout.connect(_tick)
	add_child(timer)
	timer.start()


func _tick() -> void:
	var commands := OS.get_environment("GAME_COMMANDS")
	if commands != "" and FileAccess.get_file_as_string(commands).contains("leave"):
		hole_punch.leave()
		get_tree().quit()
		return
	if multiplayer.has_multiplayer_peer() and not multiplayer.is_server() and multiplayer.get_peers().has(1):
		ticks += 1
		tick.rpc_id(1, ticks)


@rpc("any_peer", "reliable")
func tick(count: int) -> void:
	var from := multiplayer.get_remote_sender_id()
	tock.rpc_id(from, count)


@rpc("authority", "reliable")
func tock(count: int) -> void:
	print("tock ", count)
