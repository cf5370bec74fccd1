extends SceneTree
## Renders the lobby and saves a screenshot ([code]--png=PATH[/code]), then prints one line
## [code]SHP_LOBBY {json}[/code] with what the picture holds where the lobby put its parts: the
## red pixels inside the error label, the pixels that differ from the background inside the
## player list. Needs a real renderer: run it under xvfb-run (ci/provision-render.sh).
## Without [code]--server-key[/code] the lobby shows a host's state given to it (two players, a
## failure). With [code]--server-key=KEY --role=host[/code] it hosts a real session, prints
## [code]SHP_CODE code[/code], starts the game when a player joined, and takes the picture once a
## ping came back, and plays on until it is ended; [code]--role=join --code=CODE [--alias=NAME][/code]
## (headless) joins it, plays along, and prints [code]SHP_ROWS [rows][/code] whenever its own player
## list changes.

const Lobby := preload("res://lobby/lobby.gd")

var _options := {}


func _initialize() -> void:
	for arg in OS.get_cmdline_user_args():
		var pair := arg.trim_prefix("--").split("=", true, 1)
		_options[pair[0]] = pair[1] if pair.size() > 1 else ""
	var lobby: Control = Lobby.new()
	lobby.name = "Lobby" # The same path in every process: the lobby's ping is an RPC.
	root.add_child(lobby)
	_run.call_deferred(lobby)


func _run(lobby: Control) -> void:
	lobby.hole_punch.lan_address = "127.0.0.1"
	lobby._server_key.text = _options.get("server-key", "qucycyahjiuv")
	match _options.get("role", ""):
		"join":
			lobby._alias.text = _options.get("alias", "bob")
			lobby._code.text = _options.code
			lobby._join()
			var shown: Array[String] = []
			while true: # Plays along until the test ends it.
				await process_frame
				if _rows(lobby) != shown:
					shown = _rows(lobby)
					print("SHP_ROWS ", JSON.stringify(shown))
		"host":
			lobby._alias.text = "hana"
			lobby._host()
			await lobby.hole_punch.start_session
			print("SHP_CODE ", lobby.hole_punch.get_session_id())
			await lobby.hole_punch.player_joined
			lobby._start_game()
			while lobby._pings.is_empty():
				await process_frame
		_:
			_show_example(lobby)
	for i in 12:
		await process_frame
	_report(lobby)
	if _options.get("role", "") == "host":
		return # The game goes on: players may still join it.
	lobby.free()
	quit(0)


func _show_example(lobby: Control) -> void:
	lobby._alias.text = "hana"
	lobby._is_host = true
	lobby._on_start_session("qucycyahjiuvcyahcyah")
	lobby._on_player_joined("qucycyahenky", "Zoë")
	lobby._on_peer_path("qucycyahenky", "public")
	lobby._on_player_joined("qucycyahfilo", "bob")
	lobby._on_peer_path("qucycyahfilo", "relay")
	lobby._on_failed(HolePunch.Failure.RELAY_UNAVAILABLE, "qucycyahgogo")


func _report(lobby: Control) -> void:
	var image := root.get_viewport().get_texture().get_image()
	var saved := image.save_png(_options.get("png", "user://lobby.png"))
	var rows := _rows(lobby)
	print("SHP_LOBBY ", JSON.stringify({
		"saved": saved == OK, "width": image.get_width(), "height": image.get_height(),
		"error_red": _count(image, lobby._error.get_global_rect(), func(c: Color) -> bool: return c.r > 0.8 and c.g < 0.5 and c.b < 0.5),
		"rows": rows,
		"player_ink": _count(image, lobby._players.get_global_rect(), func(c: Color) -> bool: return c.v > 0.5),
		"host_controls": lobby._host_controls.visible,
		"status": lobby._status.text,
	}))


## The text of each row of the lobby's player list.
func _rows(lobby: Control) -> Array[String]:
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
