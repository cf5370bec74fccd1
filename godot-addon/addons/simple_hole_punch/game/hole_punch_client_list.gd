extends RefCounted
## Client, in a game the node runs: the host's player list (SHP-LIST) read into the other players
## ([code]hole_punch_roster_client.gd[/code]), checked first: at most [member HolePunch.max_peers]
## players, each key once, each alias in our wire form. The host and this player are not among the
## others, nor is an entry under this player's own ENet peer id.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")


## The other players [param roster] lists, by key: [code]{"alias": String, "path": String,
## "peer_id": int, "rtt": int}[/code] (rtt -1 while unknown); null when it is malformed or lists more
## than [param most]. [param host_key] and [param own_key] are left out, and so is an entry under
## [param own_id] (our ENet peer id).
static func read(roster: HolePunchProtocol.GameRoster, host_key: String, own_key: String, own_id: int, most: int) -> Variant:
	if roster.key.size() > most:
		return null
	var fresh := {}
	for i in roster.key.size():
		var key := roster.key[i]
		var alias := roster.alias[i]
		var id := roster.peer_id[i].to_int()
		var rtt := roster.rtt[i].to_int()
		if fresh.has(key) or not (alias == "" or HolePunchAlias.is_wire(alias)):
			return null
		if key != host_key and key != own_key and (id == 0 or id != own_id):
			fresh[key] = {"alias": HolePunchAlias.decode(alias), "path": roster.path[i], "peer_id": id, "rtt": rtt if rtt > 0 else -1}
	return fresh
