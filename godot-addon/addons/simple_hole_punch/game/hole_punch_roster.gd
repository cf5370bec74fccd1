extends RefCounted
## The players of a running game, on every machine, for a [HolePunch] node that owns the game's ENet
## ([member HolePunch.manage_game_peer]) on a [SceneMultiplayer]: who is in, under which key and
## alias, by which ENet peer id and path. The host keeps it and lets peers in
## ([code]hole_punch_roster_host.gd[/code]); each client hears it from the host
## ([code]hole_punch_roster_client.gd[/code]). Before the game runs, and for a game that starts ENet
## itself, it is empty.
##
## The host admits each ENet peer through [SceneMultiplayer]'s authentication
## ([member SceneMultiplayer.auth_callback]) rather than with raw packets once connected, because
## then a player the host refuses never becomes a peer of the game: no
## [signal MultiplayerAPI.peer_connected] fires for it on the host or on the other clients, and no
## RPC or [MultiplayerSpawner] or [MultiplayerSynchronizer] state reaches it (let in first and
## thrown out after, it would be in the game for a round trip). A client says who it is as soon as
## ENet connects; the host decides on that, welcomes it with the list of players and completes its
## side; the client completes its own only then, and the host lets the player in when that
## completion arrives. So the host's game can send the player nothing before the client's
## [signal HolePunch.game_connected], and the welcome is the greeting the ready peer needs through
## loss ([code]hole_punch_game_peer.gd[/code]). The price: the host lets a player in a round trip
## after its hello, and a lost packet on the way costs ENet's resend (half a second, then one, then
## two); and while the node's game peer runs, the [member SceneMultiplayer.auth_callback] is the
## node's, so a game that authenticates players itself leaves [member HolePunch.manage_game_peer]
## off.
##
## Everything a peer sends is checked before use: bounded in bytes and fields, printable ASCII,
## aliases and reasons in our wire form ([method is_alias]), and only from the peer that may send it.
## The node's own raw packets begin with [code]SHP-[/code]: a game that reads
## [signal SceneMultiplayer.peer_packet] skips those.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchMemberData := preload("hole_punch_member_data.gd")
const HolePunchIpv6 := preload("../traversal/hole_punch_ipv6.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## The messages' codes; the messages themselves are the schema's ([code]schema/game-messages.ts[/code]),
## parsed and written by the wire codec ([code]HolePunchProtocol.parse_game()[/code] and the
## [code]encode_game_*[/code] functions): the hello (client to host, in authentication, as soon
## as ENet connects), the refusal, the player list, a player gone, and the heartbeat (either way,
## raw and unreliable, [constant BEATS] times per [member HolePunch.game_timeout] once let in: a
## peer not heard for that long since its first heartbeat has gone, whatever ENet thinks yet).
const HELLO := HolePunchProtocol.GAME_HELLO
const REFUSED := HolePunchProtocol.GAME_REFUSED
const ROSTER := HolePunchProtocol.GAME_ROSTER
const LEFT := HolePunchProtocol.GAME_LEFT
const BEAT := HolePunchProtocol.GAME_BEAT
## Heartbeats per [member HolePunch.game_timeout]: all of them lost on a live path is rare even
## through heavy loss (one chance in 30,000 at 36% loss, about once in four hours at 5 s).
const BEATS := 10
## Most bytes of a message other than the player list (a hello: two texts and a proof).
const MAX_BYTES := 64 + 2 * HolePunchProtocol.MAX_TEXT_LENGTH
## Most bytes of one player in the list.
const ENTRY_BYTES := 52 + HolePunchProtocol.MAX_TEXT_LENGTH

## The member data of the player [param key] is now [param data] (empty: it cleared it).
@warning_ignore("unused_signal") # Each side emits it.
signal player_data_changed(key: String, data: Dictionary)

## Messages dropped: malformed, or from a peer that may not send them.
var dropped_messages := 0
## Every player's member data, by key ([code]hole_punch_member_data.gd[/code]).
var members := HolePunchMemberData.new()
## This node's own member data ([method set_own_data]).
var _own_data := {}
var _node: Node
## ENet peer id -> when a message of ours last came from it, for the peers let in; -1.0 while
## none came yet (its clock is not running: see [method beat_to]).
var _heard := {}
var _next_beat := 0.0
## [code]holding.call(id) -> bool[/code]: whether a silent peer [param id] is kept for now (its
## relay node went silent and another is being bound under the connection). None when invalid.
var holding := Callable()
## The players: key -> [code]{"alias": String, "path": String, "peer_id": int}[/code] (and
## [code]"rtt"[/code] on a client, as the host shared it; the host adds its own when asked).
var _players := {}


func _init(node: Node) -> void:
	_node = node


## Whether this node hosts the game.
func is_hosting() -> bool:
	return false


## The players, by key: on the host every player in the game, on a client the other players;
## each with its member data ([code]"data"[/code]).
func players() -> Dictionary:
	var all := _players.duplicate(true)
	for key: String in all:
		all[key]["data"] = members.of(key)
	return all


## This node's own member data is [param data] (checked already): shared as each side does.
func set_own_data(data: Dictionary) -> void:
	_own_data = data.duplicate()


## The ENet peer id of the player [param key], or 0 while not connected.
func peer_id(key: String) -> int:
	var player: Dictionary = _players.get(key, {})
	return player.get("peer_id", 0)


## The key of the player let in as ENet peer [param id], or "".
func _key_of(id: int) -> String:
	for key: String in _players:
		var player: Dictionary = _players[key]
		if player.peer_id == id:
			return key
	return ""


## Host: refuses or removes the player [param key] for [param reason] (wire form); returns
## whether it was a player in the game.
func refuse(_key: String, _reason: String) -> bool:
	return false


## Sends heartbeats when due at [param now], and lets go of the peers not heard for
## [param game_timeout] seconds ([member HolePunch.game_timeout], [method _silent]).
func tick(now: float, game_timeout: float) -> void:
	if _heard.is_empty() or not _connected():
		return
	if now >= _next_beat:
		_next_beat = now + maxf(0.05, game_timeout / BEATS)
		var peers := _api().get_peers()
		for id: int in _heard:
			if peers.has(id):
				_api().send_bytes(BEAT.to_ascii_buffer(), id, MultiplayerPeer.TRANSFER_MODE_UNRELIABLE)
	for id: int in _heard.keys():
		if _heard[id] >= 0.0 and now - _heard[id] > game_timeout and not (holding.is_valid() and holding.call(id)):
			_heard.erase(id)
			_silent(id)


## Peer [param id] was let in: heartbeats go to it, and its clock starts with the first of its own.
## Through heavy loss its side may let it in seconds after ours (ENet's doubling resends), and a
## peer that never beat is ENet's to notice ([code]ENET_TIMEOUT[/code] in
## [code]hole_punch_enet_patience.gd[/code]).
func beat_to(id: int) -> void:
	if not _heard.has(id):
		_heard[id] = -1.0


## Peer [param id] (let in) was heard from at [param now]: from now on it must keep being heard.
func heard(id: int, now: float) -> void:
	_heard[id] = now


## Peer [param id] was not heard for [member HolePunch.game_timeout].
func _silent(_id: int) -> void:
	pass


## Gives the [SceneMultiplayer]'s authentication back and stops listening to it.
func release() -> void:
	var api := _api()
	if api == null:
		return
	if api.auth_callback == Callable(_on_auth):
		api.auth_callback = Callable()
	for pair: Array in _signals(api):
		var listened: Signal = pair[0]
		var method: Callable = pair[1]
		if listened.is_connected(method):
			listened.disconnect(method)


## Takes the node's [SceneMultiplayer] (none: nothing to do) for authentication and its signals.
func _take(timeout: float) -> SceneMultiplayer:
	var api := _api()
	if api != null:
		api.auth_callback = _on_auth
		api.auth_timeout = timeout
		for pair: Array in _signals(api):
			var listened: Signal = pair[0]
			var method: Callable = pair[1]
			if not listened.is_connected(method):
				listened.connect(method)
	return api


## [code][signal, method][/code] pairs this side listens to on [param api].
func _signals(_api_used: SceneMultiplayer) -> Array:
	return []


## [member SceneMultiplayer.auth_callback]: [param data] from peer [param id].
func _on_auth(_id: int, _data: PackedByteArray) -> void:
	dropped_messages += 1


## Whether the node's [SceneMultiplayer] has a connected peer to send through.
func _connected() -> bool:
	var api := _api()
	return api != null and api.multiplayer_peer != null and api.multiplayer_peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED


func _api() -> SceneMultiplayer:
	return _node.multiplayer as SceneMultiplayer if _node.is_inside_tree() else null


## "ip:port", with an IPv6 address in one spelling whatever ENet or the server wrote.
static func address(ip: String, port: int) -> String:
	var six := HolePunchIpv6.parse(ip)
	return "%s:%d" % [ip if six.is_empty() else HolePunchIpv6.format(six), port]


## Whether [param wire] is an alias in our wire form: printable ASCII as
## [code]HolePunchAlias.encode()[/code] writes it (so it decodes to UTF-8 without control
## characters, and back to itself).
static func is_alias(wire: String) -> bool:
	return HolePunchAlias.is_wire(wire)
