extends RefCounted
## How a [HolePunch] node reaches one peer, decided the moment the server introduces it, from
## both sides' NAT types (see [HolePunchNat]) and whether the session is a random one. Both sides
## decide alike from the same facts, so their plans always match.
##
## [codeblock]
## ours \ theirs     open / preserving          port-randomising           unknown
## open/preserving   DIRECT                     PROBE_EASY (host; client   DIRECT
##                                              of a random session)
##                                              RELAY_AT_ONCE (client of
##                                              a hosted session)
## port-randomising  PROBE_HARD (client; host   RELAY_AT_ONCE              DIRECT
##                   of a random session)
##                   RELAY_AT_ONCE (host of a
##                   hosted session)
## unknown           DIRECT                     DIRECT                     DIRECT
## [/codeblock]
## Birthday probing makes the hard side take over the socket that got through and hand its port
## to ENet. A client can always do that. A host only when its session will never hold another
## peer: each client's probing ends on a socket of its own (the hard router maps it towards that
## client alone), while the host's game server listens on one port for all its clients. A random
## session holds exactly one stranger, and both sides know it is random: a hard host there probes,
## hands the winner's port to its game ([signal HolePunch.start_server]) and keeps talking to the
## server from its registered socket. A hosted session may take more clients, so a hard host
## relays at once. A hosted session capped at one player ([member HolePunch.max_players] 1) could
## probe too, but its clients cannot know the cap (the server does not pass it on), and a plan
## only one side picks would leave each side waiting on probes the other never sends.
##
## DIRECT is plain punching, with the relay after [member HolePunch.punch_timeout]; under every
## plan the node also punches the peer's public and IPv6 addresses, and a direct path heard still
## wins over the relay. When probing fails, the relay comes after
## [member HolePunch.punch_timeout] as under DIRECT; a hard client of a hosted session asks for it
## at once beside its probing (its host may run its game already, where it cannot probe, and asks
## at once too), and the server opens it only when both asked. Original clients and servers never send a
## NAT type: their pairs stay DIRECT. A session probes at most [member HolePunch.probe_peers]
## peers ([code]hole_punch_traversal.gd[/code]): a probing plan beyond them becomes RELAY_AT_ONCE
## on our side alone (the peer still probes, then asks for the relay when its probes miss).

## What a node does towards one peer.
enum Plan {
	DIRECT, ## Punch; ask for a relay only after [member HolePunch.punch_timeout].
	PROBE_HARD, ## We are behind the port-randomising NAT: open many sockets towards the peer.
	PROBE_EASY, ## The peer is: probe random ports of its address from our socket.
	RELAY_AT_ONCE, ## Punching cannot work: ask for the relay now (and punch meanwhile).
}


## The plan towards a peer whose NAT is [param theirs], ours being [param ours]; [param we_host]
## when we host the session, [param random] when it is a random session (one stranger, no more).
static func decide(ours: HolePunchNat.NatType, theirs: HolePunchNat.NatType, we_host: bool, random: bool) -> Plan:
	var hard := HolePunchNat.NatType.PORT_RANDOMISING
	var easy := [HolePunchNat.NatType.OPEN, HolePunchNat.NatType.PORT_PRESERVING]
	if ours == hard and theirs == hard:
		return Plan.RELAY_AT_ONCE
	if ours == hard and theirs in easy:
		return Plan.PROBE_HARD if random or not we_host else Plan.RELAY_AT_ONCE
	if theirs == hard and ours in easy:
		return Plan.PROBE_EASY if random or we_host else Plan.RELAY_AT_ONCE
	return Plan.DIRECT


## Whether a client with [param plan] towards its host asks for the relay beside punching: it is
## behind a port-randomising NAT ([param ours]) and the host's type [param theirs] was not known
## when the server answered (a host's HS leaves before its diagnosis ends, so a player may come
## first). If the host is port-randomising too, punching cannot work; the server opens a relay only
## when the host asks too, which a host does once its own type is known.
static func relays_beside_punching(plan: Plan, ours: HolePunchNat.NatType, theirs: HolePunchNat.NatType, we_host: bool, random: bool) -> bool:
	return plan == Plan.DIRECT and ours == HolePunchNat.NatType.PORT_RANDOMISING and theirs == HolePunchNat.NatType.UNKNOWN and not we_host and not random
