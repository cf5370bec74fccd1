extends RefCounted
## A [HolePunch] node's game peer ([code]hole_punch_game_peer.gd[/code]) wired to the node: the
## node's [signal HolePunch.start_server] and [signal HolePunch.start_client] start the game, and
## what the game says of its players and of its connection goes out as the node's signals. How the
## game ends before it ran comes to the session as [signal ended]; a host that left or went silent
## the session hears from the game itself, since it acts on them at once.

const HolePunchClock := preload("hole_punch_clock.gd")
const HolePunchEnetFlush := preload("../game/hole_punch_enet_flush.gd")
const HolePunchFailures := preload("hole_punch_failures.gd")
const HolePunchGamePeer := preload("../game/hole_punch_game_peer.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## The game's peer could not connect, or the host's game turned us away: the session ends with
## [param failure] and [param detail].
signal ended(failure: HolePunchBase.Failure, detail: String)

## The game's side, on the node's [MultiplayerAPI].
var game: HolePunchGamePeer
var _node: HolePunchBase
var _clock: HolePunchClock
## The node's settings now: [code]settings.call() -> HolePunchSettings[/code].
var _settings_now: Callable
var _enet_flush: HolePunchEnetFlush


## The game's side of [param node], going by [param clock], taking the node's settings from
## [param settings] and our alias and key from [param own] (as [code]hole_punch_game_peer.gd[/code]
## does); a game that starts its own ENet client is flushed by [param enet_flush]. Method callables
## only: a lambda would hold the session.
func _init(node: HolePunchBase, clock: HolePunchClock, settings: Callable, own: Callable, enet_flush: HolePunchEnetFlush) -> void:
	_node = node
	_clock = clock
	_settings_now = settings
	_enet_flush = enet_flush
	game = HolePunchGamePeer.new(node, clock, settings, own)
	node.start_server.connect(game.start_server)
	node.start_client.connect(game.start_client)
	node.start_client.connect(_on_start_client_handled, CONNECT_DEFERRED) # After the game's own handlers.
	game.player_joined.connect(node.player_joined.emit)
	game.player_left.connect(node.player_left.emit)
	game.player_refused.connect(node.player_refused.emit)
	game.player_payload.connect(node.player_payload.emit)
	game.player_path.connect(node.player_path.emit)
	game.player_data_changed.connect(node.player_data_changed.emit)
	game.connected.connect(_on_connected)
	game.failed.connect(_on_failed)
	game.refused.connect(_on_refused)


## The game's handlers of [signal HolePunch.start_client] ran: a game that starts its own ENet
## client acknowledges the host's answer in the frame it came ([code]hole_punch_enet_flush.gd[/code]).
func _on_start_client_handled(_ip: String, _port: int, _local_port: int) -> void:
	var settings: HolePunchSettings = _settings_now.call()
	if not settings.manage_game_peer:
		_enet_flush.watch(_clock.now(), settings.game_connect_timeout)


## The game's peer is connected (a rejoin, if any, is done).
func _on_connected(peer: MultiplayerPeer) -> void:
	game.rejoin = {}
	_node.game_connected.emit(peer)


func _on_failed(err: Error) -> void:
	ended.emit(HolePunchBase.Failure.GAME_CONNECT_FAILED, error_string(err))


## The host's game turned us away for [param reason].
func _on_refused(reason: String) -> void:
	ended.emit(HolePunchFailures.of_refusal(reason), reason)
