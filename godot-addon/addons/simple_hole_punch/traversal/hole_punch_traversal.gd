extends RefCounted
## The NAT-traversal part of a [HolePunch] node, called from a few points of its phase machine: the
## NAT diagnosis beside the first request (so that the server can tell our peers our NAT type and
## IPv6 address), the plan towards each peer the server introduces
## ([code]hole_punch_plan.gd[/code]), birthday probing ([code]hole_punch_probe.gd[/code]) and the
## IPv6 path; the requests that carry the diagnosis wait for it ([code]hole_punch_nat_report.gd[/code]).
##
## The easy side probes every peer that needs it at once (a host introduced to several clients
## behind port-randomising NATs), but all its probing datagrams share one pace,
## [member HolePunch.probe_rate] a second in all: the peers split it evenly, so N peers are not an
## N-times burst that a router could take for a port scan. A peer probed while others are gets
## fewer probes within the hard side's listening window, and reaches the relay a little more
## often. A session probes at most [member HolePunch.probe_peers] peers in all, so that a server
## introducing peer after peer (its word is all a NAT claim rests on) cannot make this node send
## more than that many peers' budgets: the peers beyond it take the relay at once.
##
## It knows the node only by what it is given: the settings at [method diagnose], the server link
## and a send callable at [method open], and the session's peers at each [method tick]; what it
## finds it emits.

## The NAT diagnosis ended with [param nat_type].
signal diagnosed(nat_type: HolePunchNat.NatType)
## Birthday probing got through on [param socket] to the peer at [param to]
## ([code][ip, port][/code]); a null [param socket]: the peer whose socket was kept is gone.
signal socket_won(socket: PacketPeerUDP, to: Array)
## The datagram that got through by probing, to be handled as if the punching socket had it.
signal received(packet: PackedByteArray, ip: String, port: int)

const HolePunchEasyProbes := preload("hole_punch_easy_probes.gd")
const HolePunchIpv6 := preload("hole_punch_ipv6.gd")
const HolePunchNatReport := preload("hole_punch_nat_report.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchPlan := preload("hole_punch_plan.gd")
const HolePunchProbe := preload("hole_punch_probe.gd")
const HolePunchProbePace := preload("hole_punch_probe_pace.gd")
const HolePunchServerLink := preload("../session/hole_punch_server_link.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchSocket := preload("hole_punch_socket.gd")

## How long a pair that could use IPv6 punches before it asks for the relay anyway, when its plan
## is the relay at once: a direct IPv6 path usually answers within a round trip.
const IPV6_GRACE := 0.5

## The diagnosis of this machine's NAT (its result stays for later sessions with the same server).
var nat := HolePunchNat.new()
## Our global IPv6 address (full form), or empty.
var ip6 := ""
## The ports the easy side probes: a router's whole range (tests narrow it to their own sockets).
var probe_ports := Vector2i(1024, 65535)
var _settings: HolePunchSettings
## Sends a datagram from the punching socket: [code]send.call(packet, ip, port)[/code].
var _send := Callable()
## The punch packet for a peer's secret: [code]punch_packet.call(secret) -> PackedByteArray[/code].
var _punch_packet := Callable()
## The session's peers, as the last [method tick] gave them.
var _peers: Array[HolePunchPeer] = []
var _we_host := false
## The server the diagnosis is against, and the one [method start_diagnosis] is to start against.
var _server_key := ""
var _due_key := ""
## The requests that carry the diagnosis to the server.
var _report := HolePunchNatReport.new(nat)
## The NAT type the server was last told (what our peers learn of us), [constant HolePunchNat.UNKNOWN]
## before: plans are decided from it, so that both sides of a pair decide from the same facts.
var told: HolePunchNat.NatType:
	get:
		return _report.told
	set(value):
		_report.told = value
## Birthday probing from the hard side, towards the one peer that may need it (the host of a
## client, or the one stranger of a random session), and that peer.
var _hard := HolePunchProbe.new()
## [member told] when peers' plans were last checked against it ([method _relay_unpunchable]).
var _told_checked := HolePunchNat.NatType.UNKNOWN
var _hard_peer: HolePunchPeer
## Host: the peer whose winning socket we keep (see [signal socket_won]).
var _kept_peer: HolePunchPeer
## Birthday probing from the easy side: every peer probed at once ([code]hole_punch_easy_probes.gd[/code]).
var _easy := HolePunchEasyProbes.new()
## Peers probed in this session (see [member HolePunch.probe_peers]).
var _probed_peers := 0
## The pace every probing datagram shares.
var _pace := HolePunchProbePace.new()


## A session starts with [param server]: requests go there, probes through [param send], each
## carrying [param punch_packet]'s packet.
func open(server: HolePunchServerLink, send: Callable, punch_packet: Callable) -> void:
	_report.open(server)
	_send = send
	_punch_packet = punch_packet


## Starts diagnosing the NAT towards the server [param server_key] at [param now] with
## [param settings] ([method prepare], then [method start_diagnosis]).
func diagnose(server_key: String, settings: HolePunchSettings, now: float) -> void:
	prepare(server_key, settings)
	start_diagnosis(now)


## Takes [param settings] for a session with the server [param server_key], whose diagnosis
## [method start_diagnosis] starts unless one against it is done or under way: a result for another
## server is forgotten now, so that a request sent before the diagnosis starts (the first request
## goes first: its round trip overlaps the diagnosis) waits for this one's. Against an original
## server (which never answers NP) or with [member HolePunch.nat_diagnosis] off, the type stays
## unknown.
func prepare(server_key: String, settings: HolePunchSettings) -> void:
	_settings = settings
	ip6 = HolePunchIpv6.find_global() if _settings.use_ipv6 else ""
	if ip6 != "" and not _settings.ipv6_without_enet and not HolePunchIpv6.enet_supports_ipv6():
		ip6 = "" # The game could not connect over it.
	_report.diagnosing(_settings, ip6)
	_due_key = ""
	if not _settings.nat_diagnosis or _settings.original_server:
		nat.done = true
		return
	if _server_key == server_key and (nat.done or nat.running()):
		return
	nat.stop()
	nat.done = false
	nat.nat_type = HolePunchNat.NatType.UNKNOWN
	_due_key = server_key


## Starts the diagnosis [method prepare] made due, at [param now].
func start_diagnosis(now: float) -> void:
	if _due_key == "":
		return
	_server_key = _due_key
	_due_key = ""
	nat.timeout = _settings.nat_timeout
	if nat.start(_server_key, now, HolePunchSocket.own_addresses(_settings.lan_address)) == OK:
		nat.poll(now) # The first probes leave now, not a frame later.


## Sends the request [param make] builds once the diagnosis is done, at once when it is; a
## host's HS is [param at_once] ([code]hole_punch_nat_report.gd[/code]).
func request(make: Callable, now: float, at_once := false) -> void:
	_report.request(make, now, at_once)


## Whether a request waits for the diagnosis before anything is sent.
func waiting() -> bool:
	return _report.waiting()


## The ENet-free part of a frame at [param now], with the session's [param peers] ([param we_host]
## when we host): the diagnosis, a waiting request, and probing.
func tick(now: float, peers: Array[HolePunchPeer], we_host: bool) -> void:
	_peers = peers
	_we_host = we_host
	if nat.poll(now):
		diagnosed.emit(nat.nat_type)
	_report.tick(now)
	if told != _told_checked:
		_told_checked = told
		_relay_unpunchable(now)
	if _kept_peer != null and not _peers.has(_kept_peer):
		_kept_peer = null # Gone before the handover: the game gets the registered socket's port again.
		socket_won.emit(null, [])
	if _hard_peer == null and _easy.is_empty():
		return
	var allowance := _pace.allowance(now, float(_settings.probe_rate))
	if _hard_peer != null and _peers.has(_hard_peer):
		var sent := _hard.sent
		var won := _hard.poll_hard(now, allowance)
		allowance -= _hard.sent - sent
		_pace.spend(_hard.sent - sent)
		if won:
			var peer := _hard_peer
			_hard_peer = null
			_take_winner(peer)
		elif not _hard.active(now):
			_hard_peer = null # When probing failed, the relay comes after punch_timeout.
	elif _hard_peer != null:
		_hard.stop()
		_hard_peer = null
	_easy.send_due(now, allowance, _peers, _pace, _punch_packet, _send)


## The server introduced [param peer] with its NAT word and IPv6 tokens; [param we_host] when we
## host, [param random] in a random session. Picks the plan and starts it at [param now].
func introduce(peer: HolePunchPeer, their_nat: String, ip6_prefix: String, ip6_host: String, we_host: bool, random: bool, now: float) -> void:
	# Probing goes only where the server vouched for the pair with its secret (a NAT claim travels
	# only after it): without one, plain punching, within its budget.
	peer.nat = HolePunchNat.from_word(their_nat) if peer.secret != "" else HolePunchNat.NatType.UNKNOWN
	var their_ip6 := HolePunchIpv6.from_tokens(ip6_prefix, ip6_host) if ip6 != "" else ""
	if their_ip6 != "" and peer.lan_port > 0:
		peer.ip6 = their_ip6
		peer.ip6_port = peer.lan_port # One dual-stack socket: the port the LAN key names.
	peer.plan = HolePunchPlan.decide(told, peer.nat, we_host, random)
	var probes := peer.plan == HolePunchPlan.Plan.PROBE_EASY or peer.plan == HolePunchPlan.Plan.PROBE_HARD
	if probes and _probed_peers >= _settings.probe_peers:
		peer.plan = HolePunchPlan.Plan.RELAY_AT_ONCE # This session's probing is spent, whoever the server introduces.
	match peer.plan:
		HolePunchPlan.Plan.RELAY_AT_ONCE:
			peer.relay_after = _relay_time(peer, now)
		HolePunchPlan.Plan.PROBE_EASY:
			# Every such peer at once: they share one pace, so N of them are no N-times burst.
			peer.probing = true
			_probed_peers += 1
			var packet: PackedByteArray = _punch_packet.call(peer.secret)
			_easy.start(peer, _configured(HolePunchProbe.new()), packet, now)
		HolePunchPlan.Plan.PROBE_HARD:
			if not we_host and not random:
				# The host may run its game already (a late join): it cannot probe from there, and asks
				# for the relay at once. The server opens one only when both ask, so this costs nothing
				# when the host probes.
				peer.relay_after = now
				peer.relay_beside_probing = true
			if _hard_peer == null and _kept_peer == null: # The one peer of a client or of a random session.
				_hard_peer = peer
				_probed_peers += 1
				var packet: PackedByteArray = _punch_packet.call(peer.secret)
				_configured(_hard).start_hard(peer.public_ip, peer.public_port, packet, now)
	if HolePunchPlan.relays_beside_punching(peer.plan, told, peer.nat, we_host, random):
		peer.relay_after = _relay_time(peer, now)
		peer.relay_beside_probing = true


## Peers introduced before our own type was told, still unheard: behind two port-randomising NATs
## punching cannot work, so the relay is asked now, as the plan decided with both types says, not
## after [member HolePunch.punch_timeout].
func _relay_unpunchable(now: float) -> void:
	var hard := HolePunchNat.NatType.PORT_RANDOMISING
	if told != hard:
		return
	for peer: HolePunchPeer in _peers:
		if peer.path == "" and peer.plan == HolePunchPlan.Plan.DIRECT and peer.nat == hard:
			peer.plan = HolePunchPlan.Plan.RELAY_AT_ONCE
			peer.relay_after = minf(peer.relay_after, _relay_time(peer, now))


## When to ask for the relay towards [param peer] that punching cannot reach, at [param now]: at
## once, or after a moment where an IPv6 path may answer first.
func _relay_time(peer: HolePunchPeer, now: float) -> float:
	return now + (IPV6_GRACE if peer.ip6 != "" else 0.0)


## [param peer] was heard at [param ip]:[param port]. On the easy side of probing, the hard side's
## mappings may reach us from several of its sockets before it keeps one: the port of its latest
## packet (with the pair's secret) is where it listens now. A peer heard on any path is probed no
## more: the path it answered on is the one the handover takes.
func heard(peer: HolePunchPeer, ip: String, port: int) -> void:
	if peer.probing and ip == peer.public_ip:
		peer.public_port = port
	_easy.forget(peer)
	if peer == _hard_peer:
		_hard.stop()
		_hard_peer = null


## Ends probing (the session ended).
func stop() -> void:
	_hard.stop()
	if _hard.winner != null:
		_hard.winner.close()
		_hard.winner = null
	_hard_peer = null
	_kept_peer = null
	_easy.clear()
	_probed_peers = 0
	_report.stop()


## The hard side's probe got through to [param peer]: its socket is the one for that peer, and
## the packet that reached it is handled as if the punching socket had received it.
func _take_winner(peer: HolePunchPeer) -> void:
	var winner := _hard.winner
	_hard.winner = null # Ours now: the node's.
	peer.mapped = true
	socket_won.emit(winner, [peer.public_ip, peer.public_port])
	if _we_host:
		_kept_peer = peer
	var first: Array = _hard.winner_packet
	received.emit(first[0], first[1], first[2])


func _configured(probe: HolePunchProbe) -> HolePunchProbe:
	probe.hard_sockets = _settings.probe_sockets
	probe.easy_probes = _settings.probe_count
	probe.spread = _settings.probe_spread
	probe.budget = _settings.probe_budget
	probe.port_range = probe_ports
	return probe
