extends RefCounted
## Host, in a game the node runs with [member HolePunch.rejoin_grace]: each player's rejoin secret
## and the places kept for the players dropped ([code]hole_punch_roster_host.gd[/code]).
##
## Each player's welcome brings a rejoin secret of its own ([code]hole_punch_rejoin.gd[/code]), a
## new one at each welcome (an old one proves nothing). A player silent for
## [member HolePunch.game_timeout] is then dropped rather than gone: its ENet connection is reset without a word (SceneMultiplayer forgets its
## peer id at the next poll: no ghost), it leaves the list ([code]dropped[/code]) and its place is
## kept for the grace, under [member HolePunch.max_players] too. It comes back as a late joiner does,
## with a new key and a new ENet peer id, and its hello names its old key and proves the secret: it
## is let in under its old key and alias ([signal HolePunch.player_joined]), its new connection's addresses
## now naming the old key. A rejoin for a place no longer kept is refused ([code]rejoin_expired[/code]),
## one with a wrong proof too ([code]rejoin_refused[/code]); when the grace ends the player has left
## ([code]left[/code]). A player whose connection closed (ENet's goodbye: it left) has left at once.
## [signal expired] says when a place kept ends unclaimed.

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchRejoin := preload("../players/hole_punch_rejoin.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## The grace of the dropped player [param key] ended: it has left.
signal expired(key: String, alias: String)

var _settings: HolePunchSettings
var _clock: HolePunchClock
## Player key -> the rejoin secret its last welcome gave it.
var _secrets := {}
## Dropped players whose place is kept: key -> [code]{"alias": String, "until": float}[/code].
var _kept := {}


## Keeps places as [param settings] say, going by [param clock].
func _init(settings: HolePunchSettings, clock: HolePunchClock) -> void:
	_settings = settings
	_clock = clock


## A new rejoin secret for the player [param key], welcomed now; "" without a grace.
func welcome(key: String) -> String:
	if _settings.rejoin_grace <= 0.0:
		return ""
	var secret := HolePunchRejoin.new_secret()
	_secrets[key] = secret
	return secret


## Whether the player [param key], gone silent, is dropped (its place kept) rather than gone.
func may_drop(key: String) -> bool:
	return _secrets.has(key) and _settings.rejoin_grace > 0.0


## Keeps the place of the player [param key] ([param alias]), dropped now, for the grace.
func keep(key: String, alias: String) -> void:
	var until := _clock.now() + _settings.rejoin_grace
	_kept[key] = {"alias": alias, "until": until}
	_clock.after(_settings.rejoin_grace, _expire.bind(key, until))


## Whether the place of [param key] is kept.
func is_kept(key: String) -> bool:
	return _kept.has(key)


## How many places are kept.
func kept() -> int:
	return _kept.size()


## Ends the place kept for [param key] (it is taken, or removed) and returns its alias.
func take(key: String) -> String:
	var alias: String = _kept[key].alias
	_kept.erase(key)
	return alias


## Forgets the rejoin secret of [param key]: it may not rejoin.
func forget(key: String) -> void:
	_secrets.erase(key)


## Why the rejoin of [param old] proving [param proof] for the pair secret [param pair_secret] is
## refused, or "" to let it in; [param listed]: whether [param old] is still a player.
func refusal(old: String, listed: bool, pair_secret: String, proof: String) -> String:
	if not (_kept.has(old) or listed) or not _secrets.has(old) or _settings.rejoin_grace <= 0.0:
		return HolePunchRejoin.EXPIRED
	if not HolePunchRejoin.accepts(str(_secrets[old]), pair_secret, proof):
		return HolePunchRejoin.REFUSED
	return ""


## The grace of [param key] (kept to stay until [param until]) ended.
func _expire(key: String, until: float) -> void:
	if not _kept.has(key) or _kept[key].until != until:
		return
	var alias := take(key)
	_secrets.erase(key)
	expired.emit(key, alias)
