extends RefCounted
## The game's port after the handover, in front of ENet, which runs on loopback behind it: the
## gate on a host ([code]hole_punch_game_gate.gd[/code]), the link on a client
## ([code]hole_punch_client_link.gd[/code]). What the game peer ([code]hole_punch_game_peer.gd[/code])
## sends from the punched port, and where it learns a player really is, goes through whichever is
## open; keeping both here leaves the game peer to ENet's peer and the players.

const HolePunchClientLink := preload("hole_punch_client_link.gd")
const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchGameGate := preload("hole_punch_game_gate.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## Host: the game's port, in front of ENet's server, which listens on loopback behind it.
var gate: HolePunchGameGate
## Client: the game's port, in front of ENet's client, which connects from loopback behind it.
var link: HolePunchClientLink
## The node whose game's [MultiplayerAPI] is polled again when datagrams came.
var _node: Node
var _clock: HolePunchClock


## The port of [param node]'s game, going by [param clock].
func _init(node: Node, clock: HolePunchClock) -> void:
	_node = node
	_clock = clock


## Host: binds [param port] for [param tree]'s game and starts [param enet] as a server of
## [param max_clients] behind it, in place of any gate before; ENet's error leaves no gate.
func open_gate(tree: SceneTree, port: int, enet: ENetMultiplayerPeer, max_clients: int) -> Error:
	if gate != null:
		gate.close()
	gate = HolePunchGameGate.new(_clock)
	gate.poll_game = _poll_game
	var err := gate.open(tree, port, enet, max_clients)
	if err != OK:
		gate = null
	return err


## Client: binds the punched [param local_port] for [param tree]'s game to reach the host at
## [param ip]:[param port], in place of any link before (closed first); no link when it cannot.
func open_link(tree: SceneTree, local_port: int, ip: String, port: int) -> Error:
	close_link()
	link = HolePunchClientLink.new()
	link.poll_game = _poll_game
	var err := link.open(tree, local_port, ip, port)
	if err != OK:
		link = null
	return err


## Closes the client's [member link], if any (what ENet said last still goes out).
func close_link() -> void:
	if link != null:
		link.close()
	link = null


## Sends [param packet] to [param ip]:[param port] from the game's port: through the gate or the
## link, else from the socket of [param enet] itself (a game that started ENet on its own).
func send(ip: String, port: int, packet: PackedByteArray, enet: ENetMultiplayerPeer) -> void:
	if gate != null:
		gate.socket_send(ip, port, packet)
	elif link != null and link.is_open():
		link.socket_send(ip, port, packet)
	elif enet != null:
		enet.get_host().socket_send(ip, port, packet)


## Host: [ip, port] the ENet peer [param id] of [param enet] reaches the game from (behind the
## [member gate]), or empty when it is no peer of [param api].
func remote_address(api: MultiplayerAPI, enet: ENetMultiplayerPeer, id: int) -> Array:
	if gate == null or not id in api.get_peers():
		return []
	var remote := enet.get_peer(id)
	return [] if remote == null else gate.remote_of(remote.get_remote_address(), remote.get_remote_port())


## Host: [param datagrams] ([code][packet, ip, port][/code]) came to the punching socket before the
## game held the port: the gate takes them on as if they came now (the game's own ENet cannot).
func take_early(datagrams: Array[Array]) -> void:
	if gate != null and not datagrams.is_empty():
		HolePunchTrace.note("host: %d datagrams from the handover to the gate" % datagrams.size())
		gate.take(datagrams)


## The game's poll, again, right after the tree's (the gate and the link call it on a process frame
## when datagrams came): only while the tree polls the game's multiplayer itself.
func _poll_game() -> void:
	if is_instance_valid(_node) and _node.is_inside_tree() and _node.get_tree().multiplayer_poll:
		_node.multiplayer.poll()
