class_name HolePunchPlan
extends RefCounted
## How a [HolePunch] node reaches one peer, decided the moment the server introduces it, from
## both sides' NAT types (see [HolePunchNat]). Both sides decide alike from the same two types, so
## their plans always match.
##
## [codeblock]
## ours \ theirs     open / preserving        port-randomising         unknown
## open/preserving   DIRECT                   PROBE_EASY (host)        DIRECT
##                                            RELAY_AT_ONCE (client)
## port-randomising  PROBE_HARD (client)      RELAY_AT_ONCE            DIRECT
##                   RELAY_AT_ONCE (host)
## unknown           DIRECT                   DIRECT                   DIRECT
## [/codeblock]
## Birthday probing needs the hard side to take over the socket that got through and hand its
## port to ENet, which only a client can (a host's one port serves every client): a hard host
## goes to the relay at once instead. DIRECT is today's punching, with the relay after
## [member HolePunch.punch_timeout]; under every plan the node also punches the peer's public and
## IPv6 addresses, and a direct path heard still wins over the relay.

## What a node does towards one peer.
enum Plan {
	DIRECT, ## Punch; ask for a relay only after [member HolePunch.punch_timeout].
	PROBE_HARD, ## We are behind the port-randomising NAT: open many sockets towards the peer.
	PROBE_EASY, ## The peer is: probe random ports of its address from our socket.
	RELAY_AT_ONCE, ## Punching cannot work: ask for the relay now (and punch meanwhile).
}


## The plan towards a peer whose NAT is [param theirs], ours being [param ours]; [param we_host]
## when we host the session.
static func decide(ours: HolePunchNat.NatType, theirs: HolePunchNat.NatType, we_host: bool) -> Plan:
	var hard := HolePunchNat.NatType.PORT_RANDOMISING
	var easy := [HolePunchNat.NatType.OPEN, HolePunchNat.NatType.PORT_PRESERVING]
	if ours == hard and theirs == hard:
		return Plan.RELAY_AT_ONCE
	if ours == hard and theirs in easy:
		return Plan.RELAY_AT_ONCE if we_host else Plan.PROBE_HARD
	if theirs == hard and ours in easy:
		return Plan.PROBE_EASY if we_host else Plan.RELAY_AT_ONCE
	return Plan.DIRECT
