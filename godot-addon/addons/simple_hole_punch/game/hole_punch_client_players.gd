extends RefCounted
## Client, in a game the node runs: the other players as the host lists them
## ([code]hole_punch_roster_client.gd[/code]). Each list is taken as the players now stand, a
## player who left is told, and a player the host dropped is remembered while it keeps its place,
## so that the end of its grace is told too; and each one's member data, the host's too, as the host
## shares it. Each change is a signal, which the roster passes on.
## It lives apart so that the roster keeps to the host's connection and what the host says.

const HolePunchMemberData := preload("hole_punch_member_data.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## Another player came into the game as [param alias].
signal joined(key: String, alias: String)
## Another player left for [param reason] ([code]left[/code], [code]removed[/code] or
## [code]dropped[/code]), or the grace of a dropped one ended.
signal left(key: String, alias: String, reason: String)
## Another player now takes [param path] to the host, as the host lists it.
signal path(key: String, path: String)
## The member data of the player [param key] (the host too) is now [param data].
signal data_changed(key: String, data: Dictionary)

## The roster's players, by key (the same table).
var _players: Dictionary
## The roster's member data, which a player leaving takes along.
var _members: HolePunchMemberData
## Most players a host keeps a place for that are remembered.
var _most: int
## Players a host dropped, whose place it keeps: key -> alias.
var _dropped := {}


## Keeps [param players] and [param members] as the host lists them, remembering at most
## [param most] dropped players.
func _init(players: Dictionary, members: HolePunchMemberData, most: int) -> void:
	_players = players
	_members = members
	_most = most


## Takes the host's list, read as [param fresh] ([code]hole_punch_client_list.gd[/code]): the
## other players as they now stand.
func take_list(fresh: Dictionary) -> void:
	for key: String in _players.keys():
		if not fresh.has(key):
			var alias: String = _players[key].alias
			_players.erase(key)
			_members.forget(key)
			left.emit(key, alias, "left")
	for key: String in fresh:
		var known := _players.has(key)
		var was: String = _players[key].path if known else ""
		_players[key] = fresh[key]
		if not known:
			_dropped.erase(key)
			joined.emit(key, fresh[key].alias)
		elif was != fresh[key].path:
			path.emit(key, fresh[key].path)


## The host says a player left ([param message]); false when it is no player known here, listed
## or dropped.
func take_left(message: HolePunchProtocol.GameLeft) -> bool:
	if _players.has(message.key):
		var alias: String = _players[message.key].alias
		_players.erase(message.key)
		_members.forget(message.key)
		if message.reason == "dropped" and _dropped.size() < _most:
			_dropped[message.key] = alias
		left.emit(message.key, alias, message.reason)
		return true
	if _dropped.has(message.key): # A dropped player's grace ended.
		var was: String = _dropped[message.key]
		_dropped.erase(message.key)
		left.emit(message.key, was, message.reason)
		return true
	return false


## A player's member data, as the host shares it ([param message]): the host's own (peer 1, the
## key [param host_key]) or another player's, named by its peer id in the host's list; false when
## it names none (ours: we know it) or is malformed.
func take_data(message: HolePunchProtocol.GameMemberData, host_key: String) -> bool:
	var id := message.peer_id.to_int()
	var key := host_key if id == 1 else ""
	for other: String in _players:
		var player: Dictionary = _players[other]
		if id > 1 and player.peer_id == id:
			key = other
	var read: Variant = HolePunchMemberData.read(message.name, message.value)
	if key == "" or read == null:
		return false
	var data: Dictionary = read
	if _members.put(key, data):
		data_changed.emit(key, _members.of(key))
	return true
