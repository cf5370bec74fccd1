extends RefCounted
## A session's side of the server's public lobby list: a host's listing of its session
## ([method HolePunch.publish_session]; what it last said and its count of players are in
## [code]hole_punch_listing.gd[/code]), sent again whenever that count moves, and the pages a lobby
## screen asks for ([method HolePunch.list_sessions]), from a socket of their own
## ([code]hole_punch_lobby.gd[/code]).

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchListing := preload("hole_punch_listing.gd")
const HolePunchLobby := preload("hole_punch_lobby.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## Pages of the public lobby list, from a socket of its own.
var _lobby: HolePunchLobby
## What the host's listing last said.
var _listed: HolePunchListing
## The players in the host's session now, itself included: [code]players_now.call() -> int[/code].
var _players_now: Callable
## Publishes the listing again: [code]publish.call(metadata) -> Error[/code].
var _publish: Callable


## Pages go to [param sessions_listed] ([code]sessions_listed.call(sessions, next)[/code]); the
## host's listing is kept in [param listed], counted by [param players_now] and sent again through
## [param publish] (see the members). Method callables only: a lambda would hold the session.
func _init(sessions_listed: Callable, listed: HolePunchListing, players_now: Callable, publish: Callable) -> void:
	_lobby = HolePunchLobby.new(sessions_listed)
	_listed = listed
	_players_now = players_now
	_publish = publish


## Host: the listing of its session with [param metadata] at [param now], on the wire
## ([code][cap, alias, name, mode, map, version, players][/code], [param alias] in wire form), or
## empty when [param metadata] cannot be listed. An empty name takes the session off the list.
func listing(metadata: Dictionary, alias: String, settings: HolePunchSettings, now: float) -> PackedStringArray:
	var values := HolePunchLobby.encode_metadata(metadata)
	if values.is_empty():
		return values
	var players := _players()
	_listed.listed(metadata if values[0] != "" else {}, players, now)
	var cap := settings.max_players + 1 if settings.max_players > 0 else 0
	var out := PackedStringArray([str(cap), HolePunchAlias.cut(alias, HolePunchLobby.MAX_BYTES["name"])])
	out.append_array(values)
	out.append(str(players))
	return out


## Host: lists its session again when its count of players moved (not while it hands its players
## over: then once its game takes late joiners).
func recount(now: float) -> void:
	if _listed.due(now) and _listed.moved(_players()):
		_publish.call(_listed.metadata)


func _players() -> int:
	return _players_now.call()


## Asks the server [param server_key] for the page [param filter] describes (see
## [code]hole_punch_lobby.gd[/code]).
func ask(server_key: String, filter: Dictionary, settings: HolePunchSettings, now: float) -> Error:
	return _lobby.ask(server_key, filter, settings, now)


## Sends what is due at [param now] and reads the page that came; returns how many datagrams it
## dropped.
func poll(now: float) -> int:
	return _lobby.poll(now)


## Stops asking (the node leaves).
func close() -> void:
	_lobby.close()
