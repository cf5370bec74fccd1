extends RefCounted
## How the node's game connections use ENet ([code]hole_punch_game_peer.gd[/code]), host and client
## alike: patient through loss, and never throttled.

## ENet's timeout for each game connection ([method ENetPacketPeer.set_timeout]): ENet's own
## (32, 5000, 30000) drops a peer after about five unanswered resends, which a path that loses a
## third of its packets each way reaches in a few sessions in a hundred; this keeps resending for
## 30 s, as long as ENet's own longest wait.
const ENET_TIMEOUT: Array[int] = [32, 30000, 30000]
## ENet's throttle settings for a game connection (interval ms, acceleration, deceleration):
## ENet's defaults but for a deceleration of 0, so the throttle stays at its full scale.
const UNTHROTTLED: Array[int] = [5000, 2, 0]


## Gives [param connection] the [constant ENET_TIMEOUT] (host and client alike).
static func make_patient(connection: ENetPacketPeer) -> void:
	connection.set_timeout(ENET_TIMEOUT[0], ENET_TIMEOUT[1], ENET_TIMEOUT[2])


## Keeps ENet from throttling the unreliable packets of [param connection], once connected (ENet
## tells the other side too): it drops them before sending whenever round trips grow, which
## through loss and jitter can silence the node's unreliable heartbeats for longer than
## [member HolePunch.game_timeout] on a live connection.
static func unthrottle(connection: ENetPacketPeer) -> void:
	if connection != null and connection.get_state() == ENetPacketPeer.STATE_CONNECTED:
		connection.throttle_configure(UNTHROTTLED[0], UNTHROTTLED[1], UNTHROTTLED[2])
