extends RefCounted
## The game peer's roster ([code]hole_punch_game_peer.gd[/code]): the one of the side running now,
## built for each side and heard, so that what it says of the players goes on as the game peer's
## own signal of the same name; and this node's member data, which every roster to come shares.
## The game peer keeps to ENet's peer, and repeats no signal for each side.

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")
const HolePunchRosterClient := preload("hole_punch_roster_client.gd")
const HolePunchRosterHost := preload("hole_punch_roster_host.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## The roster now: an empty one before the game runs and once it stopped.
var current: HolePunchRoster
## This node's member data (checked already).
var _own_data := {}
var _node: Node
## The game peer's signals that a roster's of the same name go on as.
var _to: Array[Signal]


## The rosters of [param node]'s game, what they say of the players passed on as [param to]: the
## signals of the same names (those a side has not, it does not say: a client's own fate, the game
## peer hears itself).
func _init(node: Node, to: Array[Signal]) -> void:
	_node = node
	_to = to
	current = HolePunchRoster.new(node)


## Host: the roster of the game [param enet] serves ([code]hole_punch_roster_host.gd[/code]), now
## the current one.
func serve(enet: ENetMultiplayerPeer, punched: Array[HolePunchPeer], settings: HolePunchSettings, clock: HolePunchClock) -> HolePunchRosterHost:
	var roster := HolePunchRosterHost.new(_node, enet, punched, settings, clock)
	pass_on(roster, _to)
	use(roster)
	return roster


## Client: the roster of [param host] (null: unknown) ([code]hole_punch_roster_client.gd[/code]),
## now the current one, rejoining as [param rejoin] says (what the game peer's [code]dropped[/code]
## gave; empty: a first join); [param own] is [code][our alias (wire form), our public key][/code].
func join(host: HolePunchPeer, settings: HolePunchSettings, clock: HolePunchClock, own: Array, rejoin: Dictionary) -> HolePunchRosterClient:
	var roster := HolePunchRosterClient.new(_node, host, settings, clock, own)
	pass_on(roster, _to)
	if not rejoin.is_empty():
		var key: String = rejoin.key
		var secret: String = rejoin.secret
		var known: Dictionary = rejoin.players
		roster.rejoin_as(key, secret)
		roster.carry(known)
	use(roster)
	return roster


## Makes [param next] the current roster, the one before giving the [SceneMultiplayer] back.
func use(next: HolePunchRoster) -> void:
	current.release()
	current = next
	next.set_own_data(_own_data)


## Ends the game's roster: an empty one now.
func stop() -> void:
	use(HolePunchRoster.new(_node))


## This node's member data is [param data] (checked already): every roster to come shares it.
func set_own_data(data: Dictionary) -> void:
	_own_data = data.duplicate()
	current.set_own_data(_own_data)


## Passes each signal of [param from] that has the name of one of [param to] on as that one.
static func pass_on(from: Object, to: Array[Signal]) -> void:
	for passed in to:
		if from.has_signal(passed.get_name()):
			Signal(from, passed.get_name()).connect(passed.emit)
