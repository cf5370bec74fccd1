extends RefCounted
## A client whose game starts its own ENet on [signal HolePunch.start_client] (the node does not
## manage it): ENet sends only when it is serviced, at the start of the game's next frame, so its
## connect request would leave a frame after the handover, and the acknowledgement that connects
## the host's side a frame after the host's answer came. So right after the game's handlers of
## [signal HolePunch.start_client], and on each frame after until its client is connected, the
## node sends what the game's ENet has queued already ([method ENetConnection.flush]: nothing more,
## and ENet's own resend timers still decide what is due). Only an [ENetMultiplayerPeer] on the
## node's [MultiplayerAPI], only while it connects, and for at most
## [member HolePunch.game_connect_timeout] seconds.

## The node whose [MultiplayerAPI] the game's peer is on.
var _node: Node
## Until when (the node's clock, seconds) the game's client is watched; -INF when it is not.
var _until := -INF


func _init(node: Node) -> void:
	_node = node


## The game's handlers of the handover ran at [param now]: what its ENet client queued (its connect
## request) goes now, and [method tick] goes on for [param seconds].
func watch(now: float, seconds: float) -> void:
	_until = now + seconds
	tick(now)


## Whether the game's client is still watched.
func watching() -> bool:
	return _until > -INF


## A frame at [param now], after the game's [MultiplayerAPI] polled: what its ENet client queued in
## that poll (the acknowledgement of the host's answer, once connected) goes now. Watching ends
## once the client is connected, when it is closed or is no ENet client, and at the deadline.
func tick(now: float) -> void:
	if _until == -INF:
		return
	var enet := _client()
	if now > _until or enet == null:
		stop()
		return
	enet.host.flush()
	if enet.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED:
		stop()


## Stops watching (the session ended, or a new one starts).
func stop() -> void:
	_until = -INF


## The game's ENet client on the node's [MultiplayerAPI], or null.
func _client() -> ENetMultiplayerPeer:
	if not is_instance_valid(_node) or not _node.is_inside_tree() or _node.multiplayer == null:
		return null
	var enet := _node.multiplayer.multiplayer_peer as ENetMultiplayerPeer
	if enet == null or enet.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED:
		return null
	if enet.get_unique_id() == 1 or enet.host == null:
		return null # A server: only a client's connect waits on its frames.
	return enet
