class_name HolePunchTraversal
extends RefCounted
## The NAT-traversal part of a [HolePunch] node, called from a few points of its phase machine:
## the NAT diagnosis before the first request (so that the server can tell our peers our NAT type
## and IPv6 address), the plan towards each peer the server introduces ([HolePunchPlan]), birthday
## probing ([HolePunchProbe]) and the IPv6 path.

## How long a pair that could use IPv6 punches before it asks for the relay anyway, when its plan
## is the relay at once: a direct IPv6 path usually answers within a round trip.
const IPV6_GRACE := 0.5

## The diagnosis of this machine's NAT (its result stays for later sessions with the same server).
var nat := HolePunchNat.new()
## Birthday probing towards the one peer that needs it.
var probe := HolePunchProbe.new()
## Our global IPv6 address (full form), or empty.
var ip6 := ""
var _node: HolePunch
var _server_key := ""
var _pending := Callable()
var _probe_peer: HolePunchPeer


func _init(node: HolePunch) -> void:
	_node = node


## Starts diagnosing the NAT towards the server [param server_key] at [param now], unless a
## diagnosis against it is done or under way. Against an original server (which never answers
## NP) or with [member HolePunch.nat_diagnosis] off, the type stays unknown.
func diagnose(server_key: String, now: float) -> void:
	ip6 = HolePunchIpv6.find_global() if _node.use_ipv6 else ""
	if ip6 != "" and not _node.ipv6_without_enet and not HolePunchIpv6.enet_supports_ipv6():
		ip6 = "" # The game could not connect over it.
	if not _node.nat_diagnosis or _node.original_server:
		nat.done = true
		return
	if _server_key == server_key and (nat.done or nat.running()):
		return
	_server_key = server_key
	nat.timeout = _node.nat_timeout
	nat.start(server_key, now, HolePunchSocket.own_addresses(_node.lan_address))


## Sends the request [param make] builds once the diagnosis (and the proof of our IPv6 address)
## is done, at once when it is: [param make] takes the extension fields
## [code][nat, ip6_prefix, ip6_host, ip6_proof][/code].
func request(make: Callable, now: float) -> void:
	_pending = make
	_send_pending(now)


## Whether a request waits for the diagnosis.
func waiting() -> bool:
	return _pending.is_valid()


## The ENet-free part of a frame at [param now]: the diagnosis, a waiting request, and probing.
func tick(now: float) -> void:
	if nat.poll(now):
		_node.nat_diagnosed.emit(nat.nat_type)
	_send_pending(now)
	if _probe_peer == null:
		return
	if probe.poll_hard(now):
		var winner := probe.winner
		probe.winner = null # Ours now: the node's socket.
		_node._adopt_socket(winner)
		var first: Array = probe.winner_packet
		_probe_peer = null
		_node._receive(first[0], first[1], first[2])
		return
	var packet := _node._names.packet(_probe_peer.secret)
	for port: int in probe.due_ports(now):
		_node._send_to(packet, _probe_peer.public_ip, port)
	if not probe.active(now):
		_probe_peer = null # The peer stays [member HolePunchPeer.probing]: its packets may come from any port.


## The server introduced [param peer] with its NAT word and IPv6 tokens; [param we_host] when we
## host. Picks the plan and starts it at [param now].
func introduce(peer: HolePunchPeer, their_nat: String, ip6_prefix: String, ip6_host: String, we_host: bool, now: float) -> void:
	peer.nat = HolePunchNat.from_word(their_nat)
	var their_ip6 := HolePunchIpv6.from_tokens(ip6_prefix, ip6_host) if ip6 != "" else ""
	if their_ip6 != "" and peer.lan_port > 0:
		peer.ip6 = their_ip6
		peer.ip6_port = peer.lan_port # One dual-stack socket: the port the LAN key names.
	peer.plan = HolePunchPlan.decide(nat.nat_type, peer.nat, we_host)
	match peer.plan:
		HolePunchPlan.Plan.RELAY_AT_ONCE:
			peer.relay_after = now + (IPV6_GRACE if peer.ip6 != "" else 0.0)
		HolePunchPlan.Plan.PROBE_EASY:
			if _probe_peer == null: # One probing peer at a time; the others punch as before.
				_start_probe(peer, now)
				peer.probing = true
				probe.start_easy(peer.public_ip, _node._names.packet(peer.secret), now)
		HolePunchPlan.Plan.PROBE_HARD:
			if _probe_peer == null:
				_start_probe(peer, now)
				probe.start_hard(peer.public_ip, peer.public_port, _node._names.packet(peer.secret), now)


## [param peer] was heard at [param ip]:[param port]. On the easy side of probing, the hard side's
## mappings may reach us from several of its sockets before it keeps one: the port of its latest
## packet (with the pair's secret) is where it listens now.
func heard(peer: HolePunchPeer, ip: String, port: int) -> void:
	if peer.probing and ip == peer.public_ip:
		peer.public_port = port
		if peer == _probe_peer:
			probe.found()
			_probe_peer = null


## Ends probing (the session ended).
func stop() -> void:
	probe.stop()
	if probe.winner != null:
		probe.winner.close()
		probe.winner = null
	_probe_peer = null
	_pending = Callable()


func _start_probe(peer: HolePunchPeer, _now: float) -> void:
	_probe_peer = peer
	probe.hard_sockets = _node.probe_sockets
	probe.easy_probes = _node.probe_count
	probe.spread = _node.probe_spread
	probe.budget = _node.probe_budget


func _send_pending(now: float) -> void:
	if not _pending.is_valid():
		return
	# The proof goes beside the diagnosis, as soon as NA named the server's IPv6 address.
	var proving := _proves_ip6() and _node._server.proving_ip6(nat.server_ip6, now)
	if not nat.done or proving:
		return
	var claim := _node._server.ip6_claim()
	# Nothing to tell (unknown, no IPv6): the request as before, without the extension.
	var word := "" if nat.nat_type == HolePunchNat.NatType.UNKNOWN and claim[0] == "" else HolePunchNat.word(nat.nat_type)
	var packet: PackedByteArray = _pending.call([word, claim[0], claim[1], claim[2]])
	_pending = Callable()
	_node._server.request(packet, now)


## Whether to prove our IPv6 address to the server: we have a global one to use (or the server is
## on this machine), and the game could use the path.
func _proves_ip6() -> bool:
	if not _node.use_ipv6 or nat.server_ip6 == "":
		return false
	if ip6 != "":
		return true # Checked against ENet already.
	return HolePunchIpv6.is_loopback(nat.server_ip6) and (_node.ipv6_without_enet or HolePunchIpv6.enet_supports_ipv6())
