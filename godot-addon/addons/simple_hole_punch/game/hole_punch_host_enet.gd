extends RefCounted
## Host, in a game the node runs: what it says and does on the players' ENet connections
## ([code]hole_punch_roster_host.gd[/code]), through the node's [SceneMultiplayer]: news to every
## player, a welcome or a refusal to one, letting a connection go (once its refusal is delivered,
## or at once without a word), and each connection's address and round trip.

const HolePunchEnetPatience := preload("hole_punch_enet_patience.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

var _node: Node
var _game: ENetMultiplayerPeer


## Speaks on [param game]'s connections through [param node]'s [SceneMultiplayer].
func _init(node: Node, game: ENetMultiplayerPeer) -> void:
	_node = node
	_game = game


## The round trip (ms) ENet measures on the connection of peer [param id], or -1 while it has none.
func rtt(id: int) -> int:
	if id <= 0 or not _connected() or not _api().get_peers().has(id):
		return -1
	var remote := _game.get_peer(id)
	# A connection that just dropped is still listed until the next poll, with no ENet peer behind it.
	return -1 if remote == null or not remote.is_active() else int(remote.get_statistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME))


## [ip, port] ENet sees peer [param id] at, or empty.
func address_of(id: int) -> Array:
	var remote := _game.get_peer(id)
	return [] if remote == null else [remote.get_remote_address(), remote.get_remote_port()]


## Peer [param id] authenticates: its connection is made patient, and an older connection from
## the same address (the player started afresh) is reset, so that its resends, with ids ENet may
## reuse, never reach the new one.
func authenticating(id: int) -> void:
	var remote := _game.get_peer(id)
	if remote == null:
		return
	HolePunchEnetPatience.make_patient(remote)
	HolePunchEnetPatience.unthrottle(remote)
	for other: ENetPacketPeer in _game.get_host().get_peers():
		if other != remote and other.get_remote_address() == remote.get_remote_address() and other.get_remote_port() == remote.get_remote_port():
			other.reset()


## Sends [param packet] to every player let in (not one being let go).
func send_all(packet: PackedByteArray) -> void:
	if not _connected():
		return # The game's peer is closed: nobody to tell.
	for id in _api().get_peers():
		var remote := _game.get_peer(id)
		if remote != null and remote.get_state() == ENetPacketPeer.STATE_CONNECTED:
			_api().send_bytes(packet, id, MultiplayerPeer.TRANSFER_MODE_RELIABLE)


## Sends [param packets] to the player [param id], let in.
func send_to(id: int, packets: Array[PackedByteArray]) -> void:
	for packet in packets:
		_api().send_bytes(packet, id, MultiplayerPeer.TRANSFER_MODE_RELIABLE)


## Sends [param messages] to peer [param id], still authenticating, and completes the host's side.
func welcome(id: int, messages: Array[PackedByteArray]) -> void:
	for message in messages:
		_api().send_auth(id, message)
	_api().complete_auth(id)


## Tells a peer still authenticating that it is refused for [param reason], and lets it go.
func turn_away(id: int, reason: String) -> void:
	_api().send_auth(id, HolePunchProtocol.encode_game_refused(reason))
	_disconnect_later(id)


## Tells a peer already let in that it is refused for [param reason], and lets it go.
func kick(id: int, reason: String) -> void:
	if _api().get_peers().has(id):
		_api().send_bytes(HolePunchProtocol.encode_game_refused(reason), id, MultiplayerPeer.TRANSFER_MODE_RELIABLE)
	_disconnect_later(id)


## Closes the connection of the silent peer [param id] at once: its goodbye goes once (a peer
## alive behind a dead path may still hear it) and SceneMultiplayer forgets the id at the next
## poll, so the game's peer_disconnected comes with player_left, on the host and every client,
## rather than when ENet gives up on the peer (30 s), its RPCs failing until then.
func close(id: int) -> void:
	var remote := _game.get_peer(id) if id > 0 else null
	if remote != null:
		remote.peer_disconnect_now()


## Resets the connection of peer [param id] without a word: SceneMultiplayer forgets the id at
## the next poll.
func reset(id: int) -> void:
	var remote := _game.get_peer(id) if id > 0 else null
	if remote != null:
		remote.reset()


## Lets [param id] go once what was queued for it (the reason) is delivered.
func _disconnect_later(id: int) -> void:
	if _game.get_peer(id) != null:
		_game.get_peer(id).peer_disconnect_later()


func _connected() -> bool:
	var api := _api()
	return api != null and api.multiplayer_peer != null and api.multiplayer_peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED


func _api() -> SceneMultiplayer:
	return _node.multiplayer as SceneMultiplayer if _node.is_inside_tree() else null
