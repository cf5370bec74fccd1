extends VBoxContainer
## The lobby's player list ([code]lobby.gd[/code]): this player first, then each other with its
## path (to the host, for another client) and ping; the host can remove a player. Kept apart so
## that the lobby keeps to the stages and what the node says.

var _hole_punch: HolePunch


## The players of [param hole_punch].
func _init(hole_punch: HolePunch) -> void:
	_hole_punch = hole_punch


## Rebuilds the list: this player as [param own] ([code][alias, whether it hosts][/code]), then
## the others of [param rows] (public key -> alias), the host's [param host_key] marked, with the
## [param pings] (ms) by ENet peer id; none at all when [param empty].
func show_players(empty: bool, own: Array, rows: Dictionary, host_key: String, pings: Dictionary) -> void:
	for child in get_children():
		child.queue_free()
	if empty:
		return
	var is_host: bool = own[1]
	add_child(_row("%s  ·  you%s" % [own[0], ", host" if is_host else ""], "", is_host))
	var known := _hole_punch.get_players()
	for key: String in rows:
		var id := _hole_punch.get_peer_id(key)
		var ping := "%d ms" % pings[id] if pings.has(id) else "-"
		var path: String = known.get(key, {}).get("path", "")
		var role := "host  ·  " if key == host_key else ""
		add_child(_row("%s  ·  %s%s  ·  ping %s" % [rows[key], role, path if path != "" else "punching", ping], key, is_host))


func _row(text: String, key: String, is_host: bool) -> HBoxContainer:
	var row := HBoxContainer.new()
	var label := Label.new()
	label.text = text
	label.custom_minimum_size = Vector2(380, 0)
	row.add_child(label)
	if is_host and key != "":
		var remove := Button.new()
		remove.text = "Remove"
		remove.pressed.connect(func() -> void: _hole_punch.refuse_player(key, "removed by the host"))
		row.add_child(remove)
	return row
