extends Node2D
## A first game: a host and its players, each a square its owner moves with the arrow keys.

const SPEED := 200.0 # pixels a second

var hole_punch := HolePunch.new()
var my_name := "host"
var my_colour := Color.from_hsv(randf(), 0.7, 0.9) # each player picks its square's colour


func _ready() -> void:
	hole_punch.server = "play.example.com:7788" # your server's name (or address) and port
	hole_punch.manage_game_peer = true # the node starts ENet itself once the holes are punched
	hole_punch.keep_open = true # players may join the game after it started, with the same code
	hole_punch.game_timeout = 3.0 # seconds of silence before a player in the game counts as gone
	add_child(hole_punch)
	hole_punch.player_joined.connect(func(_key: String, alias: String) -> void: print(alias, " joined"))
	hole_punch.player_left.connect(func(_key: String, alias: String, reason: String) -> void:
		print(alias, " left (", reason, ")"))
	hole_punch.failed.connect(func(reason: HolePunch.Failure, detail: String) -> void:
		print("failed: ", HolePunch.describe(reason, detail))
		clear_world()) # the attempt or the game ended: the host left, the password was wrong...
	hole_punch.game_connected.connect(build_world)
	hole_punch.set_member_data({"colour": my_colour.to_html(false)}) # every peer paints our square with it
	hole_punch.player_data_changed.connect(func(key: String, _data: Dictionary) -> void: paint(hole_punch.get_peer_id(key)))
	multiplayer.peer_connected.connect(add_square)
	multiplayer.peer_disconnected.connect(remove_square)
	# godot --headless -- host PASSWORD, or: godot --headless -- join CODE NAME PASSWORD
	var args := OS.get_cmdline_user_args()
	if args.size() == 2 and args[0] == "host":
		host(args[1])
	elif args.size() == 4 and args[0] == "join":
		join(args[1], args[2], args[3])


## The host: a session with a password, for at most two players besides the host.
func host(password: String) -> void:
	hole_punch.password = password # the node turns away a player who brings another one
	hole_punch.max_players = 2 # counts the players, not the host
	hole_punch.start_session.connect(func(_code: String) -> void: print("share this code: ", hole_punch.get_short_code()))
	hole_punch.player_refused.connect(func(_key: String, alias: String, reason: String) -> void:
		print("refused ", alias, ": ", reason))
	# The first player starts the game; the others join it while it runs (keep_open).
	hole_punch.player_joined.connect(func(_key: String, _alias: String) -> void: hole_punch.close_session(), CONNECT_ONE_SHOT)
	hole_punch.host_session("", my_name) # no server key: the server setting names the server


## A player joins with the host's code and password.
func join(code: String, alias: String, password: String) -> void:
	my_name = alias
	hole_punch.password = password
	hole_punch.join_session(code, alias)


## Build the world here: game_connected comes before the host's first RPC can arrive.
func build_world(_peer: MultiplayerPeer) -> void:
	add_square(multiplayer.get_unique_id())
	for id in multiplayer.get_peers():
		add_square(id)


## One square per peer, named by its peer id; a newcomer hears where ours is.
func add_square(id: int) -> void:
	if has_node(str(id)):
		return
	var square := ColorRect.new()
	square.name = str(id)
	square.size = Vector2(32, 32)
	square.color = colour_of(id)
	square.position = Vector2(100 + 40 * get_child_count(), 100)
	add_child(square)
	var mine := get_node_or_null(str(multiplayer.get_unique_id())) as ColorRect
	if mine != null and id != multiplayer.get_unique_id():
		moved.rpc_id(id, mine.position)


func remove_square(id: int) -> void:
	if has_node(str(id)):
		get_node(str(id)).free()


func clear_world() -> void:
	for child in get_children():
		if child is ColorRect:
			child.free()


## The colour the player with peer id [param id] chose (its member data), grey until it is known.
func colour_of(id: int) -> Color:
	if id == multiplayer.get_unique_id():
		return my_colour
	var players := hole_punch.get_players()
	for key: String in players:
		if players[key].peer_id == id and players[key].data.has("colour"):
			return Color.html(players[key].data.colour)
	return Color.GRAY


## A player's member data changed: its square takes its colour.
func paint(id: int) -> void:
	var square := get_node_or_null(str(id)) as ColorRect
	if square != null:
		square.color = colour_of(id)


func _process(delta: float) -> void:
	var direction := Input.get_vector("ui_left", "ui_right", "ui_up", "ui_down")
	if direction != Vector2.ZERO:
		move(direction * SPEED * delta)


## Moves our own square and tells every peer (the host passes it on to the other players).
func move(by: Vector2) -> void:
	var mine := get_node_or_null(str(multiplayer.get_unique_id())) as ColorRect
	if mine != null:
		moved.rpc(mine.position + by)


## Each peer moves only its own square: the sender's id says whose it is. (A fast game would
## send positions "unreliable_ordered"; "reliable" keeps the first game simple.)
@rpc("any_peer", "call_local", "reliable")
func moved(to: Vector2) -> void:
	var square := get_node_or_null(str(multiplayer.get_remote_sender_id())) as ColorRect
	if square != null:
		square.position = to


func _unhandled_input(event: InputEvent) -> void:
	if event.is_action_pressed("ui_cancel"):
		leave()


## Leaves, host or player, in any phase: the others hear player_left (and a host's players
## failed(HOST_LEFT)). Freeing the node does the same.
func leave() -> void:
	hole_punch.leave()
	clear_world()
	print("left")
