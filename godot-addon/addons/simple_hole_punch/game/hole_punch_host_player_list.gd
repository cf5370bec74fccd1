extends RefCounted
## Host, in a game the node runs: the player list every client hears
## ([code]hole_punch_roster_host.gd[/code]), each player with its key, alias, ENet peer id, path and
## round trip (ENet's, on the host's connection to it). It goes at each change of the list, and
## again when a round trip moved since it last went, at most every [constant RTT_SHARE_INTERVAL]
## seconds.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchHostEnet := preload("hole_punch_host_enet.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## Most seconds between shares of the round trips with the players, when one moved: by more than
## [constant RTT_SHARE_MARGIN] ms and a fifth since the last share (or became known).
const RTT_SHARE_INTERVAL := 2.0
const RTT_SHARE_MARGIN := 10

var _enet: HolePunchHostEnet
## Player key -> its round trip (ms) as the players last heard it (0: unknown).
var _shared_rtt := {}
var _next_share := 0.0


## Reads the round trips on [param enet].
func _init(enet: HolePunchHostEnet) -> void:
	_enet = enet


## The list of [param players] (key -> [code]{"alias", "path", "peer_id"}[/code]), as a message.
func message(players: Dictionary) -> PackedByteArray:
	var aliases := PackedStringArray()
	var ids := PackedStringArray()
	var paths := PackedStringArray()
	var rtts := PackedStringArray()
	_shared_rtt.clear()
	for key: String in players:
		var player: Dictionary = players[key]
		var alias: String = player.alias
		var path: String = player.path
		var id: int = player.peer_id
		aliases.append(HolePunchAlias.encode(alias))
		ids.append(str(id))
		paths.append(path)
		var shared := maxi(0, _enet.rtt(id)) # 0: unknown.
		_shared_rtt[key] = shared
		rtts.append(str(shared))
	return HolePunchProtocol.encode_game_roster(PackedStringArray(players.keys()), aliases, ids, paths, rtts)


## Whether the round trip of one of [param players] moved enough at [param now] that the list goes
## again (looked at most every [constant RTT_SHARE_INTERVAL] seconds).
func moved(players: Dictionary, now: float) -> bool:
	if now < _next_share:
		return false
	_next_share = now + RTT_SHARE_INTERVAL
	for key: String in players:
		var was: int = _shared_rtt.get(key, 0)
		var id: int = players[key].peer_id
		var is_now := maxi(0, _enet.rtt(id))
		if absi(is_now - was) > RTT_SHARE_MARGIN + floori(was / 5.0):
			return true
	return false
