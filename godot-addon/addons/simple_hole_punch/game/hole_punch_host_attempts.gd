extends RefCounted
## Host, in a game the node runs: the ENet connections being let in, and when a player whose
## connection closed has gone ([code]hole_punch_roster_host.gd[/code]). Each attempt is pending
## from ENet's connect until it is let in or ends. A player whose connection closed is gone at
## once, unless a fresh attempt of its own is being let in, or one began or ended within twice
## [member HolePunch.game_retry_interval] (its next follows within that): then it stays while its
## attempts go on, however long each takes through loss, and is gone ([signal gone]) once none went
## on for that long. An attempt ends, let in or not, within the game's authentication timeout, and
## a client stops trying after its [member HolePunch.game_connect_timeout], so the wait is bounded.

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## The player [param key], whose connection closed, has gone.
signal gone(key: String)

var _game: ENetMultiplayerPeer
var _settings: HolePunchSettings
var _clock: HolePunchClock
## [code]is_player.call(key) -> bool[/code]: whether [param key] is a player in the game.
var _is_player: Callable
## ENet peer id -> [key, path] while it authenticates; ids already welcomed.
var _pending := {}
var _welcomed := {}
## Player key -> id of its connection that closed, until it counts as gone.
var _leaving := {}
## Player key -> when an attempt of its own last started or ended (seconds).
var _attempted := {}


## Follows the connections of [param game], waiting as [param settings] say by [param clock], for
## the keys [param is_player] names players (see [member _is_player]).
func _init(game: ENetMultiplayerPeer, settings: HolePunchSettings, clock: HolePunchClock, is_player: Callable) -> void:
	_game = game
	_settings = settings
	_clock = clock
	_is_player = is_player


## Connection [param id] authenticates as [param found] ([key, path]): its hello follows.
func start(id: int, found: Array) -> void:
	_pending[id] = found
	tried(found)


## [key, path] of the pending connection [param id], or empty.
func of(id: int) -> Array:
	return _pending.get(id, [])


## Whether connection [param id] is pending.
func has(id: int) -> bool:
	return _pending.has(id)


## Connection [param id] is now the pending attempt of the player [param key] (a rejoin).
func rename(id: int, key: String) -> void:
	_pending[id] = [key, _pending[id][1]]


## Connection [param id] was welcomed (the host completed its side).
func welcome(id: int) -> void:
	_welcomed[id] = true


## Whether connection [param id] was welcomed.
func is_welcomed(id: int) -> bool:
	return _welcomed.has(id)


## Connection [param id] is no longer pending (let in); returns what it was pending as.
func finish(id: int) -> Array:
	var found: Array = _pending.get(id, [])
	_pending.erase(id)
	_welcomed.erase(id)
	return found


## Connection [param id] ended before it was let in.
func ended(id: int) -> void:
	tried(finish(id))


## Connection [param id] is turned away: no longer pending.
func turn_away(id: int) -> void:
	_pending.erase(id)


## The pending connections of the player [param key] that were not welcomed yet.
func unwelcomed(key: String) -> Array[int]:
	var ids: Array[int] = []
	for id: int in _pending:
		if _pending[id][0] == key and not _welcomed.has(id):
			ids.append(id)
	return ids


## An attempt of the player [param found] names ([key, path]; empty: nobody) started or ended now.
func tried(found: Array) -> void:
	if not found.is_empty() and _is_player.call(found[0]):
		_attempted[found[0]] = _clock.now()


## The connection [param id] of the player [param key] closed: see above.
func closed(key: String, id: int) -> void:
	_leaving[key] = id
	_gone(key, id)


## Forgets the player [param key]'s closed connection and attempts: it is in afresh, or gone.
func forget(key: String) -> void:
	_leaving.erase(key)
	_attempted.erase(key)


## The player [param key], whose connection [param id] closed, is gone unless an attempt of its
## own is being let in or ended lately; then this looks again later.
func _gone(key: String, id: int) -> void:
	if _leaving.get(key, 0) != id or not _is_player.call(key):
		return
	var grace: float = 2.0 * _settings.game_retry_interval
	var quiet: float = _clock.now() - _attempted.get(key, -INF)
	if _attempting(key) or quiet < grace:
		_clock.after(grace if _attempting(key) else grace - quiet, _gone.bind(key, id))
		return
	forget(key)
	gone.emit(key)


## Whether an attempt of the player [param key] is being let in: pending, and its ENet connection
## neither gone nor ending. Forgets the pending ones that ended unheard.
func _attempting(key: String) -> bool:
	var live := false
	for id: int in _pending.keys():
		var remote := _game.get_peer(id)
		if remote == null or not remote.is_active() or remote.get_state() >= ENetPacketPeer.STATE_DISCONNECT_LATER:
			ended(id)
		elif _pending[id][0] == key:
			live = true
	return live

