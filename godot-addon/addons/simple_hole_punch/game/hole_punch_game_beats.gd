extends RefCounted
## Host, once the session stopped and its game runs on for the players in it: the host's own
## heartbeats to every peer ([code]hole_punch_roster.gd[/code] sent them until then, and the roster
## is gone), so that its players do not take it for gone.

const HolePunchRoster := preload("hole_punch_roster.gd")

## When the next heartbeats go.
var _next := 0.0


## Sends the heartbeats due at [param now] through [param api] (none: nothing), as many per
## [param game_timeout] as the roster's ([code]BEATS[/code] in [code]hole_punch_roster.gd[/code]).
func tick(now: float, api: SceneMultiplayer, game_timeout: float) -> void:
	if now < _next:
		return
	_next = now + maxf(0.05, game_timeout / HolePunchRoster.BEATS)
	if api != null:
		for id in api.get_peers():
			api.send_bytes(HolePunchRoster.BEAT.to_ascii_buffer(), id, MultiplayerPeer.TRANSFER_MODE_UNRELIABLE)
