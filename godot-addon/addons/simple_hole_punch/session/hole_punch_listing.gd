extends RefCounted
## Host: what its session says in the public lobby list ([method HolePunch.publish_session]): the
## game's metadata, and the players as the host counts them, itself included. The server never
## hears a player leave a running game, or the host refuse one, so the host sends the listing again
## whenever its count moves (looked at every [constant RECOUNT_INTERVAL] seconds).

## Seconds between looks at the count of players.
const RECOUNT_INTERVAL := 0.5

## The metadata last published; empty while the session is not listed.
var metadata := {}
var _players := 0
var _next_recount := INF


## The session is listed with [param values] and [param players] at [param now] (an empty
## [param values] takes it off the list: nothing more to recount).
func listed(values: Dictionary, players: int, now: float) -> void:
	metadata = values
	_players = players
	_next_recount = now + RECOUNT_INTERVAL if not values.is_empty() else INF


## Whether the count is due to be looked at at [param now].
func due(now: float) -> bool:
	if now < _next_recount:
		return false
	_next_recount = now + RECOUNT_INTERVAL
	return true


## Whether [param players] differs from the count last published.
func moved(players: int) -> bool:
	return players != _players


## Not listed (the session ended).
func clear() -> void:
	listed({}, 0, 0.0)
