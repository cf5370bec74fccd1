extends Panel
## The game after the start: one square per peer, named by its peer id, which only its owner
## moves (arrow keys); where a square goes reaches every peer by RPC, and the host passes a
## player's moves on to the other players. Every peer must hold the arena at the same node path.

const SQUARE := Vector2(28, 28)
## Pixels a second.
const SPEED := 220.0

## Gives a peer id's alias, for the squares' labels: func(id: int) -> String.
var _alias_of: Callable


func _init(alias_of: Callable) -> void:
	_alias_of = alias_of
	clip_contents = true


## The game started: a square for this peer and each peer already there.
func open() -> void:
	add_peer(multiplayer.get_unique_id())
	for id in multiplayer.get_peers():
		add_peer(id)


## A square for peer [param id]; a newcomer hears where ours is.
func add_peer(id: int) -> void:
	if has_node(str(id)):
		return
	var square := ColorRect.new()
	square.name = str(id)
	square.size = SQUARE
	square.color = Color.from_hsv(fmod(id * 0.618, 1.0), 0.6, 0.95)
	square.position = Vector2(24 + 48 * (get_child_count() % 8), 48 + 64 * int(get_child_count() / 8.0))
	var label := Label.new()
	label.position = Vector2(0, -22)
	square.add_child(label)
	add_child(square)
	relabel()
	var mine := _mine()
	if mine != null and id != multiplayer.get_unique_id():
		_moved.rpc_id(id, mine.position)


func remove_peer(id: int) -> void:
	if has_node(str(id)):
		get_node(str(id)).free()


func clear() -> void:
	for square in get_children():
		square.free()


## Writes each square's alias over it (aliases arrive after the squares on a client).
func relabel() -> void:
	for square in get_children():
		var id := int(str(square.name))
		(square.get_child(0) as Label).text = _alias_of.call(id) + (" (you)" if id == own_id(multiplayer) else "")


## Moves our own square by [param by], inside the arena, and tells every peer.
func move(by: Vector2) -> void:
	var mine := _mine()
	if mine != null:
		_moved.rpc((mine.position + by).clamp(Vector2.ZERO, size - SQUARE))


## Where each square is, by alias (for the screenshot's report).
func positions() -> Dictionary:
	var found := {}
	for square: ColorRect in get_children():
		found[_alias_of.call(int(str(square.name)))] = [int(square.position.x), int(square.position.y)]
	return found


func _process(delta: float) -> void:
	var direction := Input.get_vector("ui_left", "ui_right", "ui_up", "ui_down")
	if direction != Vector2.ZERO and is_visible_in_tree():
		move(direction * SPEED * delta)


func _mine() -> ColorRect:
	return get_node_or_null(str(own_id(multiplayer))) as ColorRect


## Each peer moves only its own square: the sender's id says whose it is.
@rpc("any_peer", "call_local", "unreliable_ordered")
func _moved(to: Vector2) -> void:
	var square := get_node_or_null(str(multiplayer.get_remote_sender_id())) as ColorRect
	if square != null:
		square.position = to


## This peer's id in the game, or 0 once the game's peer is gone (the host left): the list
## is still drawn then, and Godot reports an error for an id asked of no peer.
static func own_id(api: MultiplayerAPI) -> int:
	return api.get_unique_id() if api.has_multiplayer_peer() else 0
