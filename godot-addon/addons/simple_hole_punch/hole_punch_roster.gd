class_name HolePunchRoster
extends RefCounted
## The players of a running game, on every machine, for a [HolePunch] node that owns the game's
## ENet ([member HolePunch.manage_game_peer]) on a [SceneMultiplayer]: who is in, under which key
## and alias, by which ENet peer id and path. The host keeps it and lets peers in
## ([HolePunchRosterHost]); each client hears it from the host ([HolePunchRosterClient]). Before the
## game runs, and for a game that starts ENet itself, it is empty.
##
## The host admits each ENet peer through [SceneMultiplayer]'s authentication
## ([member SceneMultiplayer.auth_callback]) rather than with raw packets once connected, because
## then a player the host refuses never becomes a peer of the game: no
## [signal MultiplayerAPI.peer_connected] fires for it on the host or on the other clients, and no
## RPC or [MultiplayerSpawner] or [MultiplayerSynchronizer] state reaches it (let in first and thrown
## out after, it would be in the game for a round trip). A client says who it is and completes its
## side as soon as ENet connects; the host decides on that, completes its side, and lets the player
## in when the client's completion arrives right behind; its first list of players then leaves with
## the game's own first packets to the player, and is the greeting the ready peer needs through loss
## ([HolePunchGamePeer]). The price: the host lets a player in only once a reliable packet of the
## client's arrived, which ENet resends after half a second, then one, then two, when lost (under
## heavy loss that costs more than a second on average); and while the node's game peer runs, the
## [member SceneMultiplayer.auth_callback] is the node's, so a game that authenticates players
## itself leaves [member HolePunch.manage_game_peer] off.
##
## Everything a peer sends is checked before use: bounded in bytes and fields, printable ASCII,
## aliases and reasons in our wire form ([method is_alias]), and only from the peer that may send it.
## The node's own raw packets begin with [code]SHP-[/code]: a game that reads
## [signal SceneMultiplayer.peer_packet] skips those.

## Client to host (authentication), as soon as ENet connects:
## [code]SHP-HELLO:alias:payload:proof[/code], in wire form; the proof of its
## [member HolePunch.password] ([HolePunchPassword]) is empty when it set none.
const HELLO := "SHP-HELLO"
## Host to client: [code]SHP-REFUSED:reason[/code] (authentication, or raw once let in).
const REFUSED := "SHP-REFUSED"
## Host to clients (raw): [code]SHP-ROSTER[/code], then [code]:key:alias:peer_id:path[/code] per player.
const ROSTER := "SHP-ROSTER"
## Host to clients (raw): [code]SHP-LEFT:key:reason[/code], [code]left[/code] or [code]removed[/code].
const LEFT := "SHP-LEFT"
## Most bytes of a message other than the player list (a hello: two texts and a proof).
const MAX_BYTES := 64 + 2 * HolePunchProtocol.MAX_TEXT_LENGTH
## Most bytes of one player in the list.
const ENTRY_BYTES := 40 + HolePunchProtocol.MAX_TEXT_LENGTH
## A player's path to the host.
const PATHS: Array[String] = ["local", "public", "relay"]

## Messages dropped: malformed, or from a peer that may not send them.
var dropped_messages := 0
var _node: Node
## The players: key -> [code]{"alias": String, "path": String, "peer_id": int}[/code].
var _players := {}


func _init(node: Node) -> void:
	_node = node


## Whether this node hosts the game.
func is_hosting() -> bool:
	return false


## The players, by key: on the host every player in the game, on a client the other players.
func players() -> Dictionary:
	return _players.duplicate(true)


## The ENet peer id of the player [param key], or 0 while not connected.
func peer_id(key: String) -> int:
	return _players.get(key, {}).get("peer_id", 0)


## Host: refuses or removes the player [param key] for [param reason] (wire form); returns
## whether it was a player in the game.
func refuse(_key: String, _reason: String) -> bool:
	return false


## Gives the [SceneMultiplayer]'s authentication back and stops listening to it.
func release() -> void:
	var api := _api()
	if api == null:
		return
	if api.auth_callback == Callable(_on_auth):
		api.auth_callback = Callable()
	for pair: Array in _signals(api):
		if (pair[0] as Signal).is_connected(pair[1]):
			(pair[0] as Signal).disconnect(pair[1])


## Takes the node's [SceneMultiplayer] (none: nothing to do) for authentication and its signals.
func _take(timeout: float) -> SceneMultiplayer:
	var api := _api()
	if api != null:
		api.auth_callback = _on_auth
		api.auth_timeout = timeout
		for pair: Array in _signals(api):
			if not (pair[0] as Signal).is_connected(pair[1]):
				(pair[0] as Signal).connect(pair[1])
	return api


## [code][signal, method][/code] pairs this side listens to on [param api].
func _signals(_api_used: SceneMultiplayer) -> Array:
	return []


## [member SceneMultiplayer.auth_callback]: [param data] from peer [param id].
func _on_auth(_id: int, _data: PackedByteArray) -> void:
	dropped_messages += 1


func _api() -> SceneMultiplayer:
	return _node.multiplayer as SceneMultiplayer


## "ip:port", with an IPv6 address in one spelling whatever ENet or the server wrote.
static func address(ip: String, port: int) -> String:
	var six := HolePunchIpv6.parse(ip)
	return "%s:%d" % [ip if six.is_empty() else HolePunchIpv6.format(six), port]


## The fields of a message of ours: printable ASCII, 4 to [param limit] bytes; empty otherwise.
static func fields_of(data: PackedByteArray, limit: int) -> PackedStringArray:
	if data.size() < 4 or data.size() > limit:
		return PackedStringArray()
	for byte in data:
		if byte < 0x20 or byte > 0x7e:
			return PackedStringArray()
	return data.get_string_from_ascii().split(":")


## Whether [param wire] is an alias in our wire form: printable ASCII as [method HolePunchAlias.encode]
## writes it (so it decodes to UTF-8 without control characters, and back to itself).
static func is_alias(wire: String) -> bool:
	return HolePunchProtocol.is_text(wire) and wire != "" and HolePunchAlias.encode(HolePunchAlias.decode(wire)) == wire


## An ENet peer id as the host wrote it: 0 (not connected yet) or 2 to 2^31-1; -1 when it is not one.
static func id_of(text: String) -> int:
	if text.length() < 1 or text.length() > 10 or not text.lstrip("0123456789").is_empty():
		return -1
	var id := text.to_int()
	return id if id == 0 or (id >= 2 and id <= 2147483647) else -1
