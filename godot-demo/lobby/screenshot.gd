extends SceneTree
## Renders the lobby as a host sees it (a code to share, two players with their paths, one failure
## in red), saves a screenshot to the path after [code]--[/code], and prints one line
## [code]SHP_LOBBY {json}[/code] with what the picture holds where the lobby put its parts: the
## red pixels inside the error label, and the pixels that differ from the background inside the
## player list and the title. Needs a real renderer: run it under xvfb-run (ci/provision-render.sh).

const Lobby := preload("res://lobby/lobby.gd")


func _initialize() -> void:
	var lobby: Control = Lobby.new()
	root.add_child(lobby)
	_run.call_deferred(lobby)


func _run(lobby: Control) -> void:
	lobby._is_host = true
	lobby._server_key.text = "qucycyahjiuv"
	lobby._alias.text = "hana"
	lobby._on_start_session("qucycyahjiuvcyahcyah")
	lobby._on_player_joined("qucycyahenky", "Zoë")
	lobby._on_peer_path("qucycyahenky", "public")
	lobby._on_player_joined("qucycyahfilo", "bob")
	lobby._on_peer_path("qucycyahfilo", "relay")
	lobby._on_failed(HolePunch.Failure.RELAY_UNAVAILABLE, "qucycyahgogo")
	for i in 12:
		await process_frame
	var image := root.get_viewport().get_texture().get_image()
	var path: String = OS.get_cmdline_user_args()[0]
	var saved := image.save_png(path)
	var players: Control = lobby._players
	var report := {
		"saved": saved == OK, "width": image.get_width(), "height": image.get_height(),
		"error_red": _count(image, lobby._error.get_global_rect(), func(c: Color) -> bool: return c.r > 0.8 and c.g < 0.5 and c.b < 0.5),
		"player_rows": players.get_child_count(),
		"player_ink": _count(image, players.get_global_rect(), func(c: Color) -> bool: return c.v > 0.5),
		"host_controls": lobby._host_controls.visible,
		"status": lobby._status.text,
	}
	print("SHP_LOBBY ", JSON.stringify(report))
	lobby.free()
	quit(0)


## Pixels inside [param rect] for which [param test] holds.
func _count(image: Image, rect: Rect2, test: Callable) -> int:
	var count := 0
	for y in range(int(rect.position.y), mini(int(rect.end.y), image.get_height())):
		for x in range(int(rect.position.x), mini(int(rect.end.x), image.get_width())):
			if test.call(image.get_pixel(x, y)):
				count += 1
	return count
