extends RefCounted
## Client: how its game's roster ([code]hole_punch_roster_client.gd[/code]) says the game ends,
## passed on to the game peer ([code]hole_punch_game_peer.gd[/code]): the host's game refused us,
## at once; the host left, or went silent after giving us a rejoin secret, out of
## [SceneMultiplayer]'s poll, and only while that roster is still the game's.

const HolePunchGameRosters := preload("hole_punch_game_rosters.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")
const HolePunchRosterClient := preload("hole_punch_roster_client.gd")

## The host's game turned us away for [param reason].
signal refused(reason: String)
## The host left the game, or went silent ([param key] and [param alias] are the host's).
signal host_left(key: String, alias: String)
## The host went silent, and it gave us a rejoin secret: [param rejoin] is the roster's record of
## what a rejoin needs.
signal dropped(rejoin: Dictionary)

## The game's rosters: one no longer current says nothing more.
var _rosters: HolePunchGameRosters


## Ends told by the rosters of [param rosters] while current.
func _init(rosters: HolePunchGameRosters) -> void:
	_rosters = rosters


## Hears how [param client] says the game ends.
func watch(client: HolePunchRosterClient) -> void:
	client.refused.connect(refused.emit)
	# Bound to a weak reference: the roster keeps these callables, and one holding the roster
	# itself would keep both alive once the game is gone.
	client.host_left.connect(_on_host_left.bind(weakref(client)))
	client.dropped.connect(_on_dropped.bind(weakref(client)))


## Out of [SceneMultiplayer]'s poll: the host of [param client] left, unless the game ended since.
func _on_host_left(key: String, alias: String, client: WeakRef) -> void:
	_host_left.call_deferred(client.get_ref(), key, alias)


func _on_dropped(client: WeakRef) -> void:
	_dropped.call_deferred(client.get_ref())


func _host_left(client: HolePunchRoster, key: String, alias: String) -> void:
	if _rosters.current == client:
		host_left.emit(key, alias)


func _dropped(client: HolePunchRoster) -> void:
	if _rosters.current == client:
		dropped.emit((client as HolePunchRosterClient).rejoin_record())
