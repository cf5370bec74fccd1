extends RefCounted
## The game's connections relayed through relay nodes, each watched by a
## [code]hole_punch_relay_rebind.gd[/code] that moves it to another node when its node goes silent;
## meanwhile the roster keeps the silent player ([method holds]).

const HolePunchClientLink := preload("hole_punch_client_link.gd")
const HolePunchGameGate := preload("hole_punch_game_gate.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchRelayRebind := preload("hole_punch_relay_rebind.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")

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


## Host: watches the connection of the player [param key] through [param relay] behind
## [param gate]; [code]moved.call(key, ip, port)[/code] hears where it went.
func watch_gate(gate: HolePunchGameGate, relay: Array, key: String, moved: Callable) -> void:
	watch(relay, gate.heard_from, func(packet: PackedByteArray, ip: String, port: int) -> void: gate.socket_send(ip, port, packet),
		func(old_ip: String, old_port: int, ip: String, port: int) -> void:
			gate.repoint(old_ip, old_port, ip, port)
			moved.call(key, ip, port))


## Client: watches the connection to the host through [param relay] behind [param link].
func watch_link(link: HolePunchClientLink, relay: Array) -> void:
	watch(relay, func(ip: String, port: int) -> float: return link.heard if link.remote() == [ip, port] else -1.0,
		func(packet: PackedByteArray, ip: String, port: int) -> void: link.socket_send(ip, port, packet),
		func(_old_ip: String, _old_port: int, ip: String, port: int) -> void: link.repoint(ip, port))


## Host, its game just served behind [param gate]: watches afresh the connections of the players
## [param punched] through relay nodes ([code]moved.call(key, ip, port)[/code] hears where one
## went), and has [param roster] keep a silent player while its connection is being moved
## ([code]remote.call(id) -> [ip, port][/code]: where the connection of ENet peer [param id] goes).
func watch_server(gate: HolePunchGameGate, punched: Array[HolePunchPeer], roster: HolePunchRoster, moved: Callable, remote: Callable) -> void:
	roster.holding = func(id: int) -> bool:
		var at: Array = remote.call(id)
		return not at.is_empty() and busy_through(at)
	clear()
	for player in punched:
		var relay := player.relay
		watch_gate(gate, [relay.ip, relay.port, relay.key, relay.node_grant], player.key(), moved)


## Client, its link just opened to [param to] ([code][ip, port][/code]): watches afresh the
## connection behind [param link] when [param to] is the relay node of [param host] (null:
## unknown), and has [param roster] keep the host while it is being moved.
func watch_client(link: HolePunchClientLink, host: HolePunchPeer, to: Array, roster: HolePunchRoster) -> void:
	clear()
	roster.holding = func(_id: int) -> bool: return busy_through([])
	if host != null and [host.relay.ip, host.relay.port] == to:
		watch_link(link, [to[0], to[1], host.relay.key, host.relay.node_grant])


## Does what is due at [param now].
func tick(now: float) -> void:
	for rebind in _all:
		rebind.tick(now)


## Whether the connection through [param at] ([code][ip, port][/code]; any, when empty) is being moved.
func busy_through(at: Array) -> bool:
	for rebind in _all:
		if rebind.busy() and (at.is_empty() or [rebind.relay_ip, rebind.relay_port] == at):
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
