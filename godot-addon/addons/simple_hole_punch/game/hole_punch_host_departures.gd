extends RefCounted
## Host, in a game the node runs: the players leaving its list ([code]hole_punch_roster_host.gd[/code]):
## removed by the game, gone once their connection closed, or dropped when silent with a rejoin
## secret (their place kept, [code]hole_punch_host_rejoins.gd[/code]) and gone when that place's
## grace ended unclaimed. Each leave goes to the game ([signal left]) and to every player (SHP-LEFT,
## then the list when the player was in it until now).

const HolePunchHostAttempts := preload("hole_punch_host_attempts.gd")
const HolePunchHostDataShare := preload("hole_punch_host_data_share.gd")
const HolePunchHostEnet := preload("hole_punch_host_enet.gd")
const HolePunchHostPlayerList := preload("hole_punch_host_player_list.gd")
const HolePunchHostRejoins := preload("hole_punch_host_rejoins.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## The player [param key] ([param alias]) left for [param reason] ([code]left[/code],
## [code]removed[/code] or [code]dropped[/code]).
signal left(key: String, alias: String, reason: String)

## The roster's players, by key (the same table: leaving takes a player off it).
var _players: Dictionary
var _enet: HolePunchHostEnet
var _list: HolePunchHostPlayerList
var _data_share: HolePunchHostDataShare
var _attempts: HolePunchHostAttempts
var _rejoins: HolePunchHostRejoins


## Takes players off [param players], telling them on [param enet] with [param list], forgetting
## what [param data_share], [param attempts] and [param rejoins] keep of them.
func _init(players: Dictionary, enet: HolePunchHostEnet, list: HolePunchHostPlayerList, data_share: HolePunchHostDataShare, attempts: HolePunchHostAttempts, rejoins: HolePunchHostRejoins) -> void:
	_players = players
	_enet = enet
	_list = list
	_data_share = data_share
	_attempts = attempts
	_rejoins = rejoins


## Takes the player [param key] off the list, with what it shared, its attempts and its rejoin
## secret unless [param may_rejoin]; returns it.
func remove(key: String, may_rejoin := false) -> Dictionary:
	var player: Dictionary = _players[key]
	_players.erase(key)
	_data_share.forget(key)
	_attempts.forget(key)
	if not may_rejoin:
		_rejoins.forget(key)
	return player


## The player [param key] (ENet peer [param id]) went silent: its connection is reset without a
## word (the player rejoins with a new one) and its place kept for [member HolePunch.rejoin_grace].
func drop(key: String, id: int) -> void:
	_enet.reset(id)
	var alias: String = remove(key, true).alias # Its member data too: its node shares it again once back.
	_rejoins.keep(key, alias)
	tell(key, alias, "dropped")


## The connection of ENet peer [param id] closed (it left, or was silent for
## [member HolePunch.game_timeout]): its player is gone, now or once its attempts afresh stopped
## ([code]hole_punch_host_attempts.gd[/code], which then calls [method gone]).
func closed(id: int) -> void:
	for key: String in _players:
		if _players[key].peer_id == id:
			_players[key].peer_id = 0
			_attempts.closed(key, id)
			return


## The player on ENet peer [param id], silent for [member HolePunch.game_timeout], when it may
## rejoin (to be dropped, its place kept); "" when none may (its connection is closed instead).
func droppable(id: int) -> String:
	for key: String in _players:
		if _players[key].peer_id == id and _rejoins.may_drop(key):
			return key
	return ""


## The player [param key], whose connection closed, has gone.
func gone(key: String) -> void:
	var alias: String = remove(key).alias
	tell(key, alias, "left")


## Tells that the player [param key] ([param alias]) left for [param reason] (the game only if
## [param announce]), and sends the list again if [param listed] (it was in it until now).
func tell(key: String, alias: String, reason: String, listed := true, announce := true) -> void:
	if announce:
		left.emit(key, alias, reason)
	_enet.send_all(HolePunchProtocol.encode_game_left(key, reason))
	if listed:
		broadcast()


## Sends the player list to every client.
func broadcast() -> void:
	_enet.send_all(_list.message(_players))
