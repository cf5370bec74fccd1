extends RefCounted
## Host, in a game the node runs: where it expects each player's ENet connection
## ([code]hole_punch_roster_host.gd[/code]). A player punched before the handover comes from the
## address it was punched at; a late joiner ([code]hole_punch_late_join.gd[/code]) from its public
## or LAN address, or its relay. Each address names the player's key and the path it is on; each
## player's pair secret keys the proof of its password or rejoin. The newest late joiners are
## remembered (the oldest that is not a player is forgotten first), and so is the key in the game
## of a rejoining player's new connection.

const HolePunchGameGate := preload("hole_punch_game_gate.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")

## Most late joiners and renamed keys remembered.
var _cap: int
## "ip:port" -> [key, path] of every player expected at the game's port.
var _endpoints := {}
## Late joiners' keys, oldest first.
var _late := {}
## Players' pair secrets, by key, handed over or late: they key the proof of a password (a
## handed-over player that left and comes back is asked for it like a late joiner).
var _secrets := {}
## A rejoining player's new key (its new connection's) -> its key in the game.
var _renamed := {}
## The game's port in front of ENet, if any: ENet sees each player at one of its loopback legs.
var _gate: HolePunchGameGate


## Remembers at most [param cap] late joiners and renamed keys.
func _init(cap: int) -> void:
	_cap = cap


## The player [param punched_peer], punched before the handover as [param path], is expected where it
## was punched at.
func punched(punched_peer: HolePunchPeer, path: String) -> void:
	var to := punched_peer.endpoint()
	var ip: String = to[0]
	var port: int = to[1]
	_endpoints[HolePunchRoster.address(ip, port)] = [punched_peer.public_key, path]
	_secrets[punched_peer.public_key] = punched_peer.secret


## A late joiner [param key] may connect from its public or its LAN address; [param players]
## (by key) are the players in the game, whose addresses are never forgotten.
func late(key: String, joiner: HolePunchPeer, players: Dictionary) -> void:
	_late[key] = true
	_secrets[key] = joiner.secret
	_endpoints[HolePunchRoster.address(joiner.public_ip, joiner.public_port)] = [key, "public"]
	if joiner.probe_lan:
		_endpoints[HolePunchRoster.address(joiner.lan_ip, joiner.lan_port)] = [key, "local"]
	if _late.size() > _cap: # Forget the oldest that is not a player.
		var oldest: String = _late.keys()[0]
		_late.erase(oldest)
		_secrets.erase(oldest)
		for where: String in _endpoints.keys():
			if _endpoints[where][0] == oldest and not players.has(oldest):
				_endpoints.erase(where)


## A late joiner [param key] may connect through the relay at [param ip]:[param port].
func relay(key: String, ip: String, port: int) -> void:
	_endpoints[HolePunchRoster.address(ip, port)] = [_renamed.get(key, key), "relay"]


## Whether a player is expected at [param ip]:[param port].
func has(ip: String, port: int) -> bool:
	return _endpoints.has(HolePunchRoster.address(ip, port))


## [key, path] of the player expected at [param ip]:[param port], or empty.
func at(ip: String, port: int) -> Array:
	return _endpoints.get(HolePunchRoster.address(ip, port), [])


## ENet sees the players through [param gate], at its legs.
func behind(gate: HolePunchGameGate) -> void:
	_gate = gate


## [key, path] of the player whose ENet connection ENet sees at [param enet_at] ([ip, port];
## empty: none), or empty.
func connected_as(enet_at: Array) -> Array:
	if enet_at.is_empty():
		return []
	var ip: String = enet_at[0]
	var port: int = enet_at[1]
	var at_address := [ip, port] if _gate == null else _gate.remote_of(ip, port)
	ip = at_address[0]
	port = at_address[1]
	return at(ip, port)


## The pair secret of the player [param key], or "".
func secret(key: String) -> String:
	return _secrets.get(key, "")


## The new connection of [param key] is the rejoining player [param old]'s: its addresses, and a
## relay granted later, name the old key, and so does its pair secret.
func rename(key: String, old: String) -> void:
	_renamed[key] = old
	if _renamed.size() > _cap:
		_renamed.erase(_renamed.keys()[0])
	for where: String in _endpoints.keys():
		if _endpoints[where][0] == key:
			_endpoints[where] = [old, _endpoints[where][1]]
	_late.erase(key)
	_late[old] = true
	_secrets[old] = _secrets.get(key, "")
	_secrets.erase(key)
