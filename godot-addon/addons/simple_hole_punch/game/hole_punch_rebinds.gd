extends RefCounted
## The game's connections relayed through relay nodes, each watched by a
## [code]hole_punch_relay_rebind.gd[/code] that moves it to another node when its node goes silent;
## meanwhile the roster keeps the silent player ([method holds]).

const HolePunchRelayRebind := preload("hole_punch_relay_rebind.gd")

## The session's server ([code][ip, port][/code]), which grants the rebinds; empty: none are made.
var server := []
var _all: Array[HolePunchRelayRebind] = []


## Watches the game relayed through [param relay] ([code][ip, port, key, grant][/code]) when it is
## on a relay node (a grant); see [code]hole_punch_relay_rebind.gd[/code] for the callables.
func watch(relay: Array, heard: Callable, send_game: Callable, moved: Callable) -> void:
	if server.is_empty() or relay.size() < 4 or relay[3] == "":
		return
	for rebind in _all:
		if rebind.relay_ip == relay[0] and rebind.relay_port == relay[1]:
			return
	_all.append(HolePunchRelayRebind.new(relay, server, heard, send_game, moved))


## Does what is due at [param now].
func tick(now: float) -> void:
	for rebind in _all:
		rebind.tick(now)


## Whether the connection through [param ip]:[param port] (any, when empty) is being moved.
func busy_at(ip := "", port := 0) -> bool:
	for rebind in _all:
		if rebind.busy() and (ip == "" or rebind.relay_ip == ip and rebind.relay_port == port):
			return true
	return false


## Rebinds done so far.
func done() -> int:
	var count := 0
	for rebind in _all:
		count += rebind.rebinds
	return count


## Stops watching.
func clear() -> void:
	for rebind in _all:
		rebind.close()
	_all.clear()
