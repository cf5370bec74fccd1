extends RefCounted
## The peers of one [HolePunch] session, and everything that is sent to them on a timer: punch
## and keep-open packets, relay requests and binds, and the host's handover (JH).
##
## It keeps at most [member HolePunch.max_peers] peers, never takes back a peer it gave up on in
## the same session, and says which peers are past hope; the node emits the signals. It reads a
## copy of the node's settings, goes by the node's clock, and sends through the callables it was
## given.

const HolePunchLanRules := preload("../traversal/hole_punch_lan_rules.gd")
const HolePunchPeer := preload("hole_punch_peer.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchRelayLink := preload("../traversal/hole_punch_relay_link.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchSocket := preload("../traversal/hole_punch_socket.gd")

## Reasons [method tick] gives for a peer that is gone.
enum Gone {
	FAILED, ## Never heard, on any path or through a relay: [signal HolePunch.punch_failed].
	LOST, ## Heard once, then silent for [member HolePunch.peer_timeout]: [signal HolePunch.peer_lost].
}

## How many failed peers are remembered, per allowed peer.
const _FAILED_MEMORY := 4

var _settings: HolePunchSettings
var _clock: HolePunchClock
## Sends a datagram: [code]send.call(packet, ip, port)[/code].
var _send: Callable
## What goes to a peer on each punch: [code]packets.call(peer) -> Array[PackedByteArray][/code].
var _packets: Callable
## Asks the server for a relay towards a peer: [code]ask_relay.call(public_key)[/code].
var _ask_relay: Callable
var _peers: Array[HolePunchPeer] = []
var _failed := {}


## Peers punched with [param packets], through [param send]; [param ask_relay] sends RQ for one.
func _init(settings: HolePunchSettings, clock: HolePunchClock, send: Callable, packets: Callable, ask_relay: Callable) -> void:
	_settings = settings
	_clock = clock
	_send = send
	_packets = packets
	_ask_relay = ask_relay


## Every peer, the host first for a client.
func all() -> Array[HolePunchPeer]:
	return _peers


## An empty list of peers, typed (for a node without a session).
static func none() -> Array[HolePunchPeer]:
	return []


## The first peer: the host, for a client (null when none).
func first() -> HolePunchPeer:
	return null if _peers.is_empty() else _peers[0]


## The peer one of whose paths is [param ip]:[param port], or null.
func at(ip: String, port: int) -> HolePunchPeer:
	for peer: HolePunchPeer in _peers:
		if peer.path_at(ip, port) != "":
			return peer
	return null


## The peer whose public key is [param public_key], or null.
func find(public_key: String) -> HolePunchPeer:
	for peer: HolePunchPeer in _peers:
		if peer.public_key == public_key:
			return peer
	return null


## Adds the peer the server introduced, unless it is known, was given up on, or the table is
## full; returns whether it was added. [param our_public_key] is ours, as the server saw it.
func add(public_key: String, lan_key: String, secret: String, our_public_key: String) -> bool:
	if find(public_key) != null or _failed.has(public_key) or _peers.size() >= _settings.max_peers:
		return false
	var lan_ip: String = HolePunchProtocol.decode_key(lan_key).get("ip", "")
	var peer_ip: String = HolePunchProtocol.decode_key(public_key).ip
	var our_ip: String = HolePunchProtocol.decode_key(our_public_key).get("ip", "")
	var own_ips := HolePunchSocket.own_addresses(_settings.lan_address)
	var probe := HolePunchLanRules.may_probe(lan_ip, peer_ip, our_ip, own_ips, _settings.lan_subnet_bits)
	var relay := HolePunchRelayLink.new(_settings.request_interval, _settings.max_request_interval)
	var peer := HolePunchPeer.new(public_key, lan_key, probe, relay, _clock.now())
	peer.secret = secret
	_peers.append(peer)
	return true


## Whether a relay is being asked for towards some peer.
func asking_relay() -> bool:
	for peer: HolePunchPeer in _peers:
		if peer.relay.state == HolePunchRelayLink.State.REQUESTING:
			return true
	return false


## Sends every pending relay request again at [param now] (the round trips to the nodes are known).
func ask_relays_again(now: float) -> void:
	for peer: HolePunchPeer in _peers:
		peer.relay.ask_again(now)


## Drops [param peer] for good in this session (the host refused it).
func remove(peer: HolePunchPeer) -> void:
	_peers.erase(peer)
	_failed[peer.public_key] = true


## Whether the server introduced [param public_key] before and it was given up on.
func has_failed(public_key: String) -> bool:
	return _failed.has(public_key)


## Sends what is due at [param now]; returns the peers that are gone, as [code][peer, Gone][/code],
## already removed (and not taken back in this session).
func tick(now: float) -> Array:
	var gone := []
	for peer: HolePunchPeer in _peers.duplicate():
		var why := _gone(peer, now)
		if why >= 0:
			_peers.erase(peer)
			_failed[peer.public_key] = true
			if _failed.size() > _FAILED_MEMORY * _settings.max_peers:
				_failed.erase(_failed.keys()[0])
			gone.append([peer, why])
			continue
		if peer.relay.due(now):
			if peer.relay.state == HolePunchRelayLink.State.REQUESTING:
				_ask_relay.call(peer.public_key)
			else:
				_send.call(peer.relay.bind_datagram(), peer.relay.ip, peer.relay.port)
		if peer.handing_over() or now < peer.next_ping:
			continue
		var unheard := peer.path == "" and peer.may_punch()
		var packets: Array[PackedByteArray] = _packets.call(peer)
		for to: Array in peer.ping_targets(now, _settings.punch_timeout):
			for packet in packets:
				_send.call(packet, to[0], to[1])
		if unheard:
			peer.next_ping = now + peer.spend_round(_settings.punch_interval)
		else:
			peer.next_ping = now + (_settings.punch_interval if peer.path == "" else _settings.keep_open_interval)
	return gone


## Host: sends JH where due at [param now], naming our key on each peer's path as
## [param own_keys] gives it ([code]{"local": ..., "public": ...}[/code]); returns whether every
## peer answered, or no longer holds the handover up.
func hand_over(now: float, own_keys: Dictionary) -> bool:
	var waiting := false
	for peer: HolePunchPeer in _peers:
		if peer.done:
			continue
		if peer.path == "" or not peer.admitted:
			waiting = true # Still punching, or its JP awaited: hand over once admitted, or drop it.
			continue
		var since := now - peer.handover_started
		var silent := since >= _settings.handover_silence and now - peer.last_heard >= _settings.handover_silence
		if since >= _settings.handover_deadline or silent:
			peer.done = true
			continue
		waiting = true
		if now >= peer.next_handover:
			peer.handover_started = minf(peer.handover_started, now)
			peer.next_handover = now + _settings.handover_interval
			var own: String = own_keys[HolePunchPeer.shown(peer.path)] if peer.path != "relay" else peer.relay.key # A mapped path is a public one here.
			var to := peer.endpoint()
			_send.call(HolePunchProtocol.encode_join_host(own, peer.secret), to[0], to[1])
	return not waiting


## Host, just before freeing the port: JG to every peer (copies: no answer can come back).
func send_go(copies: int) -> void:
	for copy in copies:
		for peer: HolePunchPeer in _peers:
			var to := peer.endpoint()
			_send.call(HolePunchProtocol.encode_join_go(peer.secret), to[0], to[1])


## LV to every peer punched that is a peer of ours (only those know LV, and prove it with the
## pair's secret), in [param copies] copies (nothing answers LV).
func send_leave(copies: int) -> void:
	for peer: HolePunchPeer in _peers:
		if peer.path != "" and peer.secret != "":
			var to := peer.endpoint()
			for copy in copies:
				_send.call(HolePunchProtocol.encode_leave(peer.secret), to[0], to[1])


## Why [param peer] is gone at [param now] (a [enum Gone]), or -1 while there is hope. Unheard
## past [member HolePunch.punch_timeout], it gets a relay when allowed, for
## [member HolePunch.relay_timeout] more.
func _gone(peer: HolePunchPeer, now: float) -> int:
	if peer.path != "":
		return Gone.LOST if not peer.handing_over() and now - peer.last_heard >= _settings.peer_timeout else -1
	if now - peer.started < _settings.punch_timeout and now < peer.relay_after:
		return -1
	if _settings.use_relay and peer.relay.started == INF:
		peer.relay.request(now)
		return -1
	var asked := maxf(peer.relay.started, peer.started + _settings.punch_timeout) if peer.relay_beside_probing else peer.relay.started
	return Gone.FAILED if peer.relay.started == INF or now - asked >= _settings.relay_timeout else -1
