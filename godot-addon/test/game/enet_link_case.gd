extends "res://test/game_case.gd"
## Base of the tests of a game whose player reaches the host through links on loopback (see
## [code]enet_link.gd[/code]), with real ENet on both sides. The links move datagrams every frame
## and close after each test.

const EnetLink := preload("res://test/game/enet_link.gd")

var _links: Array[EnetLink] = []


func before_each() -> void:
	super.before_each()
	_links.clear()


func after_each() -> void:
	for sig: Signal in [get_tree().process_frame, get_tree().physics_frame]:
		if sig.is_connected(_pump):
			sig.disconnect(_pump)
	for link in _links:
		link.close()
	_links.clear()
	super()


## Moves datagrams through [param link] every frame from now until the test ends.
func open_link(link: EnetLink) -> void:
	if _links.is_empty():
		for sig: Signal in [get_tree().process_frame, get_tree().physics_frame]:
			sig.connect(_pump)
	_links.append(link)


## A player kim, punched at [param link]'s outer address, whose game connects to the host's game
## (started here) through [param link].
func player_through(link: EnetLink) -> HolePunch:
	var player := side("Player", "kim")
	player._session._public_key = key_of(link.outer.get_local_port())
	host._session._game.expect([punched_peer(player._session._public_key, HolePunchAlias.encode("kim"))])
	host.start_server.emit(port)
	player._session._game.expect([punched_peer(host._session._public_key, HolePunchAlias.encode("hana"))])
	player.start_client.emit("127.0.0.1", link.inner.get_local_port(), player.get_meta("port"))
	return player


## Runs each frame while links are open.
func _pump() -> void:
	for link in _links:
		link.pump()
