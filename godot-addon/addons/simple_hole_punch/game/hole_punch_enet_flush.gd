extends RefCounted
## A client whose game starts its own ENet on [signal HolePunch.start_client] (the node does not
## manage it): ENet sends only when it is serviced, at the start of the game's next frame, so the
## acknowledgement that connects the host's side would leave a frame after the host's answer was
## read. So on each frame after the handover, once the game's poll read that answer and its client
## is connected, the node sends what the game's ENet queued in that poll
## ([method ENetConnection.flush]: nothing more, and ENet's own resend timers still decide what is
## due). Not the connect request: the host frees its port and its game binds ENet there just after
## JG leaves, so a request sent in the frame JG came could come before the host's game listens (and
## wait half a second for ENet's resend); the game's next poll sends it. Only an
## [ENetMultiplayerPeer] on the node's [MultiplayerAPI], only while it connects, and for at most
## [member HolePunch.game_connect_timeout] seconds.

## The node whose [MultiplayerAPI] the game's peer is on.
var _node: Node
## Until when (the node's clock, seconds) the game's client is watched; -INF when it is not.
var _until := -INF


func _init(node: Node) -> void:
	_node = node


## The game's handlers of the handover ran at [param now]: [method tick] watches its ENet client
## for [param seconds].
func watch(now: float, seconds: float) -> void:
	_until = now + seconds


## A frame at [param now], after the game's [MultiplayerAPI] polled: once its ENet client is
## connected, what it queued in that poll (the acknowledgement of the host's answer) goes now, and
## watching ends; else at the deadline (a game may start its client a frame late, or another peer).
func tick(now: float) -> void:
	if _until == -INF:
		return
	var enet := _client()
	if now > _until:
		stop()
	elif enet != null and enet.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED:
		enet.host.flush()
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
