extends RefCounted
## Client, in a game the node runs: the attempts to connect to the host's game
## ([code]hole_punch_game_peer.gd[/code]) until the host lets this player in. A lossy path can leave
## a client connected in ENet's eyes while the host, whose answer was lost, gives up on it, and
## ENet's doubling resend timer can hold a reliable packet up for many seconds; so a client counts
## as connected only once the host welcomed it through [SceneMultiplayer]'s authentication with its
## list of players ([code]hole_punch_roster_client.gd[/code]) and the client's [SceneMultiplayer]
## admitted the host, before any packet of the host's game. A fresh attempt starts every
## [member retry_interval] seconds until the welcome, and at once when one fails; a client that
## connected in ENet's eyes but was not welcomed within [member retry_interval] starts afresh too.
## Each attempt's peer is set on the node's [MultiplayerAPI].

const HolePunchClientLink := preload("hole_punch_client_link.gd")
const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchEnetPatience := preload("hole_punch_enet_patience.gd")
const HolePunchRosterClient := preload("hole_punch_roster_client.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## A fresh attempt's [param peer] replaces the one before (which the game peer closes).
signal attempting(peer: ENetMultiplayerPeer)
## The host let us in: the attempt's peer is connected.
signal let_in
## No attempt will connect: [param error] is ENet's, or [constant ERR_TIMEOUT] after
## [member connect_timeout].
signal gave_up(error: Error)

## Seconds between fresh connect attempts until the host is heard.
var retry_interval := 2.0
## Seconds a client keeps trying before [signal gave_up] with [constant ERR_TIMEOUT].
var connect_timeout := 30.0
var _node: Node
var _clock: HolePunchClock
var _link: HolePunchClientLink
var _roster: HolePunchRosterClient
## The latest attempt's peer.
var _peer: ENetMultiplayerPeer
## [ip, port, local_port] while trying; empty otherwise.
var _target := []
## Moves on at each attempt, welcome or stop: a pending timer of an older one does nothing.
var _attempt := 0
var _deadline := 0.0
## The second (Unix time) the last client host was made in.
var _host_second := -1


## Attempts on [param node]'s [MultiplayerAPI], going by [param clock].
func _init(node: Node, clock: HolePunchClock) -> void:
	_node = node
	_clock = clock


## Starts trying to reach [param ip]:[param port] from [param local_port] through [param link],
## as [param roster] says who we are, for [param timeout] seconds, afresh every [param retry] seconds.
func start(ip: String, port: int, local_port: int, link: HolePunchClientLink, roster: HolePunchRosterClient, retry: float, timeout: float) -> void:
	_link = link
	_roster = roster
	roster.welcomed.connect(_on_welcomed)
	roster.let_in.connect(_on_let_in)
	_target = [ip, port, local_port]
	retry_interval = retry
	connect_timeout = timeout
	_deadline = _clock.now() + connect_timeout
	_listen(true)
	_try()


## Stops trying: no attempt after this.
func stop() -> void:
	_attempt += 1
	_listen(false)
	_target = []


## Starts a fresh attempt, dropping the one before.
func _try() -> void:
	if _target.is_empty() or not is_instance_valid(_node):
		return
	if _clock.now() >= _deadline:
		_give_up(ERR_TIMEOUT)
		return
	# ENet seeds a connection's ID from its host object's address and the current second: a host
	# made in the second the last one was, reuses its ID, the server takes its CONNECT for a resend
	# of the last one, and the client joins under the abandoned attempt's peer id.
	var now := Time.get_unix_time_from_system()
	if int(now) == _host_second:
		_try_in(ceilf(now) + 0.02 - now)
		return
	_peer = ENetMultiplayerPeer.new()
	attempting.emit(_peer)
	var ip: String = _target[0]
	var port: int = _target[1]
	var local_port: int = _target[2]
	var err := _link.connect_client(_peer)
	if err != OK:
		_give_up(err)
		return
	_host_second = int(Time.get_unix_time_from_system())
	HolePunchTrace.note("client: ENet attempt to %s:%d from port %d" % [ip, port, local_port])
	HolePunchEnetPatience.make_patient(_peer.get_peer(1))
	_roster.join()
	_node.multiplayer.multiplayer_peer = _peer
	_try_in(retry_interval)


## Starts a fresh attempt in [param seconds] unless something newer happens first (another
## attempt, the host letting us in, a stop), each of which moves [member _attempt] on.
func _try_in(seconds: float) -> void:
	_attempt += 1
	var attempt := _attempt
	_clock.after(seconds, func() -> void:
		if attempt == _attempt:
			_try())


func _give_up(err: Error) -> void:
	stop()
	gave_up.emit(err)


## Connected in ENet's eyes: the host must let us in within [member retry_interval].
func _on_authenticating(id: int) -> void:
	if _target.is_empty() or id != 1:
		return
	HolePunchTrace.note("client: ENet connected, authenticating")
	HolePunchEnetPatience.unthrottle(_peer.get_peer(1))
	_try_in(retry_interval)


## Without [SceneMultiplayer]: connected in ENet's eyes is all there is.
func _on_connected_to_server() -> void:
	if not _target.is_empty():
		_roster.connected()
		_on_let_in()


## The host welcomed us: ENet's reliable resends bring the rest, so no fresh attempt (which would
## close a connection the host may have let in already).
func _on_welcomed() -> void:
	HolePunchTrace.note("client: welcomed, our side complete")
	_attempt += 1


## The host let us in and counts us.
func _on_let_in() -> void:
	if _target.is_empty():
		return
	HolePunchTrace.note("client: let in")
	if _link != null:
		_link.let_in()
	stop()
	let_in.emit()


func _on_connection_failed() -> void:
	HolePunchTrace.note("client: attempt failed or server disconnected")
	if not _target.is_empty():
		_try.call_deferred() # Often a late answer to an abandoned attempt: try again at once.


func _listen(on: bool) -> void:
	var api := _node.multiplayer
	# A connection that drops before the host let us in is an attempt that failed.
	var pairs := [[api.connection_failed, _on_connection_failed], [api.server_disconnected, _on_connection_failed]]
	if api is SceneMultiplayer:
		pairs.append([(api as SceneMultiplayer).peer_authenticating, _on_authenticating])
	else:
		pairs.append([api.connected_to_server, _on_connected_to_server])
	for pair: Array in pairs:
		var sig: Signal = pair[0]
		var callback: Callable = pair[1]
		if on and not sig.is_connected(callback):
			sig.connect(callback)
		elif not on and sig.is_connected(callback):
			sig.disconnect(callback)
