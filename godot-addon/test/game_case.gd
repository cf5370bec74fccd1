extends GutTest
## Base of the tests of a running game on loopback with real ENet: a host whose node owns the
## game's ENet, players it punched before the handover, and late joiners its late join punched.
## Each node has its own [SceneMultiplayer], as separate games would. The punching itself is not
## run: each test hands over as the node would (who is expected where), then connects.

const Ports := preload("res://test/ports.gd")
const HolePunchAlias := preload("res://addons/simple_hole_punch/players/hole_punch_alias.gd")
const HolePunchNames := preload("res://addons/simple_hole_punch/players/hole_punch_names.gd")
const HolePunchPeer := preload("res://addons/simple_hole_punch/players/hole_punch_peer.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const HolePunchRelayLink := preload("res://addons/simple_hole_punch/traversal/hole_punch_relay_link.gd")

var host: HolePunch
## The host's game port.
var port := 0
var _nodes: Array[HolePunch] = []


func before_each() -> void:
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_nodes.clear()
	port = Ports.free_port()
	host = side("Host", "hana")


func after_each() -> void:
	for node in _nodes:
		if node.multiplayer.multiplayer_peer != null:
			node.multiplayer.multiplayer_peer.close()
		get_tree().set_multiplayer(null, node.get_path())


## A node called [param alias] whose game has its own [SceneMultiplayer]; its signals are watched.
func side(side_name: String, alias: String) -> HolePunch:
	var node := HolePunch.new()
	node.name = side_name
	node.manage_game_peer = true
	node.game_retry_interval = 0.5
	node._session._names = HolePunchNames.new(HolePunchAlias.encode(alias), node.max_peers)
	node.set_meta("alias", alias)
	var local_port := Ports.free_port()
	node.set_meta("port", local_port)
	node._session._public_key = key_of(local_port) # As the server would have seen it.
	add_child_autofree(node)
	get_tree().set_multiplayer(SceneMultiplayer.new(), node.get_path())
	watch_signals(node)
	_nodes.append(node)
	return node


## Starts the host's game with [param players] handed over, and connects them.
func start(players: Array[HolePunch]) -> void:
	var punched: Array[HolePunchPeer] = []
	for player in players:
		punched.append(punched_peer(player._session._public_key, HolePunchAlias.encode(player.get_meta("alias"))))
	host._session._game.expect(punched)
	host.start_server.emit(port)
	for player in players:
		connect_to_host(player)


## A player who joins the running game: the host's late join punched it, and it connects.
func late(side_name: String, alias: String, payload := "") -> HolePunch:
	var node := side(side_name, alias)
	node.join_payload = payload
	host._session._game.add_endpoints(node._session._public_key, punched_peer(node._session._public_key, ""))
	connect_to_host(node)
	return node


## [param node]'s game client connects to the host, as after its handover.
func connect_to_host(node: HolePunch) -> void:
	node._session._game.expect([punched_peer(host._session._public_key, HolePunchAlias.encode(host.get_meta("alias")))])
	node.start_client.emit("127.0.0.1", port, node.get_meta("port"))


## Awaits until [param node]'s game is connected and the host let it in (or [param seconds] pass).
func connected(node: HolePunch, seconds := 5.0) -> bool:
	return await wait_until(func() -> bool: return get_signal_emit_count(node, "game_connected") > 0 and host.get_peer_id(node._session._public_key) != 0, seconds)


## A peer punched at [param key] on its public path, called [param alias] (wire form).
static func punched_peer(key: String, alias: String) -> HolePunchPeer:
	var peer := HolePunchPeer.new(key, key, false, HolePunchRelayLink.new(0.1, 1.0), 0.0)
	peer.path = "public"
	peer.name = alias
	return peer


static func key_of(local_port: int) -> String:
	return HolePunchProtocol.encode_key("127.0.0.1", local_port)
