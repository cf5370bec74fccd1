extends RefCounted
## Birthday probing from the easy side ([code]hole_punch_traversal.gd[/code]): a probe
## ([code]hole_punch_probe.gd[/code]) per peer probed, all at once from our punching socket. Their
## datagrams share one pace ([code]hole_punch_probe_pace.gd[/code]), split evenly between the
## peers, so that N peers are no N-times burst; a peer that wants fewer than its share leaves the
## rest to the others.

const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchProbe := preload("hole_punch_probe.gd")
const HolePunchProbePace := preload("hole_punch_probe_pace.gd")

## The probe of each peer probed.
var _probes: Dictionary[HolePunchPeer, HolePunchProbe] = {}


## Starts probing [param peer] with [param probe] (configured), each datagram [param packet], at
## [param now].
func start(peer: HolePunchPeer, probe: HolePunchProbe, packet: PackedByteArray, now: float) -> void:
	probe.start_easy(peer.public_ip, packet, now)
	_probes[peer] = probe


## Whether no peer is probed.
func is_empty() -> bool:
	return _probes.is_empty()


## [param peer] is probed no more (it was heard).
func forget(peer: HolePunchPeer) -> void:
	_probes.erase(peer)


## Probes no peer (the session ended).
func clear() -> void:
	_probes.clear()


## Sends the probes due at [param now] towards every peer probed that is still among
## [param peers], at most [param allowance] in all, spent from [param pace], shared evenly: the
## peers that want fewer than their share first, so what they leave goes to the others. Each goes
## through [code]send.call(packet, ip, port)[/code] with [code]punch_packet.call(secret)[/code].
func send_due(now: float, allowance: int, peers: Array[HolePunchPeer], pace: HolePunchProbePace, punch_packet: Callable, send: Callable) -> void:
	var probed: Array = _probes.keys().filter(func(p: HolePunchPeer) -> bool: return peers.has(p) and _probes[p].active(now))
	for gone: HolePunchPeer in _probes.keys().filter(func(p: HolePunchPeer) -> bool: return not probed.has(p)):
		_probes.erase(gone) # Done, or gone: it stays [code]HolePunchPeer.probing[/code], its packets may come from any port.
	probed.sort_custom(func(a: HolePunchPeer, b: HolePunchPeer) -> bool: return _probes[a].wanted(now) < _probes[b].wanted(now))
	for i in probed.size():
		var peer: HolePunchPeer = probed[i]
		var ports := _probes[peer].due_ports(now, floori(allowance / float(probed.size() - i)))
		allowance -= ports.size()
		pace.spend(ports.size())
		var packet: PackedByteArray = punch_packet.call(peer.secret)
		for port: int in ports:
			send.call(packet, peer.public_ip, port)
