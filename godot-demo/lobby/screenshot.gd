extends SceneTree
## Renders the lobby in each stage, saves a picture of each ([code]--shots=DIR[/code]: one
## [code]DIR/STAGE.png[/code]) and prints one line [code]SHP_SHOT {json}[/code] per picture with
## what it holds where the lobby put its parts. Needs a real renderer: run it under xvfb-run
## (ci/provision-render.sh).
## [br]Without [code]--server-key[/code]: [code]idle[/code] (the form filled in) and
## [code]error[/code] (joining with a code that is not one).
## [br][code]--role=host --server-key=KEY [--password=P] [--expect-refusal][/code]: hosts a real
## session and prints [code]SHP_CODE code[/code]; [code]hosting[/code] once a player is in (and,
## with [code]--expect-refusal[/code], one was turned away); then copies the code
## ([code]SHP_CLIPBOARD text[/code]) and starts the game;
## [code]game[/code] once a player moved its square and a ping came back; once a second player's
## ping came back too, it leaves once the file [code]DIR/leave[/code] exists ([code]SHP_LEFT[/code])
## and ends.
## [br][code]--role=join --code=CODE [--alias=NAME] [--password=P][/code] (headless): joins, moves
## its square once in the game, plays along until it is ended, and prints [code]SHP_ROWS [rows][/code]
## whenever its player list changes and [code]SHP_ERROR text[/code] whenever its error does.

const Lobby := preload("res://lobby/lobby.gd")
## How far a player moves its square once in the game.
const MOVE := Vector2(200, 120)

var _options := {}


func _initialize() -> void:
	for arg in OS.get_cmdline_user_args():
		var pair := arg.trim_prefix("--").split("=", true, 1)
		_options[pair[0]] = pair[1] if pair.size() > 1 else ""
	var lobby: Lobby = Lobby.new()
	lobby.name = "Lobby" # The same path in every process: pings and moves are RPCs.
	root.add_child(lobby)
	_run.call_deferred(lobby)


func _run(lobby: Lobby) -> void:
	lobby.hole_punch.lan_address = "127.0.0.1"
	lobby._server_key.text = _options.get("server-key", "qucycyahjiuv")
	lobby._password.text = _options.get("password", "")
	match _options.get("role", ""):
		"join":
			await _play_along(lobby)
		"host":
			await _host(lobby)
		_:
			lobby._alias.text = "hana"
			await _shoot(lobby, "idle")
			lobby._code.text = "not a code"
			lobby._join()
			await _shoot(lobby, "error")
	lobby.free()
	quit(0)


func _host(lobby: Lobby) -> void:
	lobby._alias.text = "hana"
	lobby._cap.value = 2
	lobby._host()
	await lobby.hole_punch.start_session
	print("SHP_CODE ", lobby.hole_punch.get_session_id())
	await lobby.hole_punch.player_joined
	if _options.has("expect-refusal"):
		await lobby.hole_punch.player_refused
	await _shoot(lobby, "hosting")
	(lobby._code_row.get_child(2) as Button).pressed.emit()
	print("SHP_CLIPBOARD ", DisplayServer.clipboard_get())
	lobby._start_game()
	while lobby._pings.is_empty() or not lobby._arena.positions().values().has([int(24 + MOVE.x), int(48 + MOVE.y)]):
		await process_frame
	await _shoot(lobby, "game")
	while lobby._pings.size() < 2: # A late joiner is in the game.
		await process_frame
	# Every player has heard of it once the test says so (it reads their lobbies), or at the latest
	# after a while: a host that never leaves would hold the test up.
	var told := "%s/leave" % _options.get("shots", ".")
	var until := Time.get_ticks_msec() + 40_000
	while not FileAccess.file_exists(told) and Time.get_ticks_msec() < until:
		await process_frame
	lobby._leave()
	print("SHP_LEFT")


func _play_along(lobby: Lobby) -> void:
	lobby._alias.text = _options.get("alias", "bob")
	lobby._code.text = _options.code
	lobby._join()
	var rows: Array[String] = []
	var error := ""
	var moved := false
	while true: # Until the test ends it.
		await process_frame
		if not moved and lobby.stage == Lobby.Stage.GAME and lobby._arena.has_node(str(multiplayer_id(lobby))):
			moved = true
			var mine := lobby._arena.get_node(str(multiplayer_id(lobby))) as Control
			lobby._arena.move(Vector2(24, 48) + MOVE - mine.position)
		if _rows(lobby) != rows:
			rows = _rows(lobby)
			print("SHP_ROWS ", JSON.stringify(rows))
		if lobby._error.text != error:
			error = lobby._error.text
			print("SHP_ERROR ", error)


func multiplayer_id(lobby: Lobby) -> int:
	return lobby.multiplayer.get_unique_id()


## Lets the lobby settle, saves its picture as [param stage] and reports it.
func _shoot(lobby: Lobby, stage: String) -> void:
	for i in 12:
		await process_frame
	var image := root.get_viewport().get_texture().get_image()
	var png := _options.get("shots", OS.get_user_data_dir()).path_join(stage + ".png") as String
	var background := image.get_pixel(2, image.get_height() - 2)
	var buttons: Array[String] = []
	for button: Node in lobby.find_children("*", "Button", true, false):
		if (button as Button).is_visible_in_tree():
			buttons.append((button as Button).text)
	var labels: Array[String] = []
	for label: Node in lobby._form.get_children():
		if label is Label and (label as Label).is_visible_in_tree():
			labels.append((label as Label).text)
	print("SHP_SHOT ", JSON.stringify({
		"stage": stage, "png": png, "saved": image.save_png(png) == OK,
		"width": image.get_width(), "height": image.get_height(), "hash": hash(image.get_data()),
		"ink": _count(image, Rect2(Vector2.ZERO, image.get_size()), func(c: Color) -> bool: return not c.is_equal_approx(background)),
		"error": lobby._error.text,
		"error_red": _count(image, lobby._error.get_global_rect(), func(c: Color) -> bool: return c.r > 0.8 and c.g < 0.5 and c.b < 0.5),
		"buttons": buttons, "labels": labels, "rows": _rows(lobby), "status": lobby._status.text,
		"code": lobby._shared_code.text if lobby._code_row.is_visible_in_tree() else "",
		"squares": lobby._arena.positions() if lobby._arena.is_visible_in_tree() else {},
		"arena_ink": _count(image, lobby._arena.get_global_rect(), func(c: Color) -> bool: return c.s > 0.4 and c.v > 0.8) if lobby._arena.is_visible_in_tree() else 0,
	}))


## The text of each row of the lobby's player list.
func _rows(lobby: Lobby) -> Array[String]:
	var rows: Array[String] = []
	for row: Node in lobby._players.get_children():
		if not row.is_queued_for_deletion():
			rows.append((row.get_child(0) as Label).text)
	return rows


## Pixels inside [param rect] for which [param test] holds.
func _count(image: Image, rect: Rect2, test: Callable) -> int:
	var count := 0
	for y in range(int(rect.position.y), mini(int(rect.end.y), image.get_height())):
		for x in range(int(rect.position.x), mini(int(rect.end.x), image.get_width())):
			if test.call(image.get_pixel(x, y)):
				count += 1
	return count
