extends RefCounted
## Host, in a game the node runs: whether a late joiner's hello lets it in
## ([code]hole_punch_roster_host.gd[/code]), and the keys it refused. A late joiner is refused
## while the session stays open for rejoining players alone ([code]closed[/code]), once
## [member HolePunch.max_players] are in or keep a place ([code]full[/code]), and without the proof
## of [member HolePunch.password] ([code]wrong_password[/code]). A refused key stays refused: its
## next connection is turned away for the same reason.

const HolePunchFailures := preload("../session/hole_punch_failures.gd")
const HolePunchPassword := preload("../players/hole_punch_password.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

var _settings: HolePunchSettings
## Most refusals remembered; the oldest is forgotten first.
var _cap: int
## Refused keys -> reason (wire form), oldest first.
var _refused := {}


## Decides as [param settings] say, remembering at most [param cap] refusals.
func _init(settings: HolePunchSettings, cap: int) -> void:
	_settings = settings
	_cap = cap


## Why the late joiner whose pair secret is [param secret] and whose hello proves [param proof]
## is refused when [param taken] places are taken (players and places kept), or "" to let it in.
func refusal(taken: int, secret: String, proof: String) -> String:
	if _settings.rejoin_grace > 0.0 and not _settings.keep_open:
		return HolePunchFailures.CLOSED # The session stays open for rejoining players alone.
	if _settings.max_players > 0 and taken >= _settings.max_players:
		return HolePunchFailures.FULL
	if not HolePunchPassword.accepts(_settings.password, secret, proof):
		return HolePunchPassword.REFUSAL
	return ""


## Remembers that [param key] was refused for [param reason].
func remember(key: String, reason: String) -> void:
	_refused[key] = reason
	if _refused.size() > _cap:
		_refused.erase(_refused.keys()[0])


## Whether [param key] was refused.
func refused(key: String) -> bool:
	return _refused.has(key)


## Why [param key] was refused, or [param otherwise] when it was not.
func reason_of(key: String, otherwise: String) -> String:
	return _refused.get(key, otherwise)
