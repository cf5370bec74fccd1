class_name HolePunchNat
extends RefCounted
## NAT diagnosis for a [HolePunch] node: what its router does with a UDP socket's mapping.
##
## From one socket of its own it sends NP to the server's port; the answer (NA) says which public
## address the server saw and where the server's probe port is. It then sends NP to the probe
## port (at once to the server's port + 1, where the probe port usually is, so that the two
## round trips overlap; an answer from there counts only if the server names it its probe port).
## When both ports saw the same public address and port, the NAT keeps one mapping for
## every destination ([constant PORT_PRESERVING]: direct punching works); when they differ, it
## picks a new port per destination ([constant PORT_RANDOMISING]: the peer cannot know the port).
## When the server saw one of this machine's own addresses, there is no NAT ([constant OPEN]).
## The NAT decides, not the socket, so a socket of its own is enough, and the diagnosis can run
## before any session (for a lobby). Requests are resent every [member resend_interval] seconds
## until [member timeout]; what is unknown by then is [constant UNKNOWN]. Answers count only from
## the port asked and only with this diagnosis's nonce. Each NP leaves room for the server's IPv6
## address, which the server's NA then names ([member server_ip6]): the node proves its own IPv6
## address there ([code]hole_punch_server_link.gd[/code]).
## [codeblock]
## var nat := HolePunchNat.new()
## nat.start(server_key, Time.get_ticks_msec() / 1000.0)
## # every frame: if nat.poll(now): print(HolePunchNat.word(nat.nat_type))
## [/codeblock]

## The addon's IPv6 address helpers ([code]hole_punch_ipv6.gd[/code]), for the diagnosis's IPv6
## proof.
const HolePunchIpv6 := preload("hole_punch_ipv6.gd")
const HolePunchNonce := preload("../session/hole_punch_nonce.gd")
## The addon's wire format ([code]generated/protocol.gd[/code]): the probe and its answer.
const HolePunchProtocol := preload("../generated/protocol.gd")

## What the diagnosis found.
enum NatType {
	OPEN, ## A public address: no NAT (a firewall may still drop unsolicited traffic).
	PORT_PRESERVING, ## One public port for every destination: punching works.
	PORT_RANDOMISING, ## A new public port per destination: only probing or a relay get through.
	UNKNOWN, ## Not diagnosed (yet), no answer, or the server has no probe port.
}

## The key of 0.0.0.0 port 0: "none".
const NO_KEY := HolePunchProtocol.NO_KEY
## A token of eight zero bytes: NP's room for the server's IPv6 address before it is known.
const NO_TOKEN := HolePunchProtocol.NO_TOKEN
## The words of [enum NatType] on the wire (the schema's `nat` field), in enum order.
const WORDS: Array[String] = HolePunchProtocol.NAT_TYPES

## The result; [constant UNKNOWN] until [member done].
var nat_type: NatType = NatType.UNKNOWN
## Whether the diagnosis has finished (found a type, or gave up).
var done := false
## Seconds between resends of an unanswered NP.
var resend_interval := 0.1
## Seconds the whole diagnosis may take.
var timeout := 1.0
## The public address the server's port saw, as [code]{ip, port}[/code] (empty before).
var public_endpoint := {}
## The public address the probe port saw (empty before, or without a probe port).
var probe_endpoint := {}
## The server's IPv6 address as its NA named it (full form), or empty: none, or not yet known.
var server_ip6 := ""

var _socket: PacketPeerUDP
var _server := {}
var _probe := {}
var _probe_key := NO_KEY
## Where the probe port usually is (the server's port + 1), asked before the server names it.
var _guess := {}
## What each of the server's ports answered, by port.
var _seen := {}
var _nonce := ""
var _started := 0.0
var _next_send := 0.0
var _own: PackedStringArray


## The wire word of [param type] (see [constant WORDS]).
static func word(type: NatType) -> String:
	return WORDS[type]


## The [enum NatType] of the wire word [param text]; [constant UNKNOWN] for anything else.
static func from_word(text: String) -> NatType:
	var index := WORDS.find(text)
	return NatType.UNKNOWN if index < 0 else index as NatType


## Starts a diagnosis against the server [param server_key] at [param now] (seconds). Returns
## an error when the key is not one or no socket can be bound; the diagnosis then ends at once
## as [constant UNKNOWN]. [param own_addresses] are this machine's IPv4 addresses (all local
## ones when empty): a public address among them means [constant OPEN].
func start(server_key: String, now: float, own_addresses := PackedStringArray()) -> Error:
	stop()
	done = false
	nat_type = NatType.UNKNOWN
	public_endpoint = {}
	probe_endpoint = {}
	server_ip6 = ""
	_probe = {}
	_probe_key = NO_KEY
	_seen = {}
	_server = HolePunchProtocol.decode_key(server_key)
	_own = own_addresses if not own_addresses.is_empty() else _local_ipv4()
	if _server.is_empty():
		done = true
		return ERR_INVALID_PARAMETER
	_socket = PacketPeerUDP.new()
	var err := _socket.bind(0, "0.0.0.0")
	if err != OK:
		_socket = null
		done = true
		return err
	_guess = {"ip": _server.ip, "port": _server.port + 1} if _server.port < 65535 else {}
	_nonce = HolePunchNonce.fresh()
	_started = now
	_next_send = now
	return OK


## Whether a diagnosis is under way (started and not finished).
func running() -> bool:
	return not done and _socket != null


## Frees the socket; a diagnosis under way ends where it is.
func stop() -> void:
	if _socket != null:
		_socket.close()
		_socket = null


## Sends and reads what is due at [param now]; returns true exactly once, when the diagnosis
## has just finished.
func poll(now: float) -> bool:
	if done or _socket == null:
		return false
	for i in 16: # A handful a frame: a flood at this socket cannot stall the game.
		if _socket.get_available_packet_count() == 0:
			break
		var packet := _socket.get_packet()
		_hear(packet, _socket.get_packet_ip(), _socket.get_packet_port())
	if public_endpoint.is_empty() or (_probe_key != NO_KEY and probe_endpoint.is_empty()):
		if now - _started >= timeout:
			return _finish()
		if now >= _next_send:
			_next_send = now + resend_interval
			_send()
		return false
	return _finish()


func _send() -> void:
	if public_endpoint.is_empty():
		_probe_at(_server, NO_KEY)
		if not _guess.is_empty() and not _seen.has(_guess.port):
			var guess_ip: String = _guess.ip
			var guess_port: int = _guess.port
			_probe_at(_guess, HolePunchProtocol.encode_key(guess_ip, guess_port))
	else:
		_probe_at(_probe, _probe_key)


func _probe_at(target: Dictionary, probe_key: String) -> void:
	var ip: String = target.ip
	var port: int = target.port
	_socket.set_dest_address(ip, port)
	# Room for the server's IPv6 address: NA names it only when it is no longer than NP.
	_socket.put_packet(HolePunchProtocol.encode_nat_probe(NO_KEY, probe_key, _nonce, NO_TOKEN, NO_TOKEN))


func _hear(packet: PackedByteArray, ip: String, port: int) -> void:
	var message := HolePunchProtocol.parse(packet) as HolePunchProtocol.NatAnswer
	if message == null or message.nonce != _nonce:
		return
	var seen := HolePunchProtocol.decode_key(message.remote_key)
	if seen.is_empty():
		return
	if ip != _server.ip or not (port == _server.port or port == _guess.get("port", -1) or port == _probe.get("port", -1)):
		return
	if not _seen.has(port):
		_seen[port] = seen
	if public_endpoint.is_empty() and port == _server.port:
		public_endpoint = seen
		server_ip6 = HolePunchIpv6.from_tokens(message.server_ip6_prefix, message.server_ip6_host, false)
		_probe_key = message.probe_key
		if _probe_key != NO_KEY:
			_probe = HolePunchProtocol.decode_key(_probe_key)
			if _probe.is_empty() or _probe.ip != _server.ip: # Only the server's own address is probed.
				_probe_key = NO_KEY
				_probe = {}
			elif not _seen.has(_probe.port):
				_next_send = 0.0 # Ask the probe port at once.
	if not _probe.is_empty() and _seen.has(_probe.port):
		probe_endpoint = _seen[_probe.port]


func _finish() -> bool:
	if not public_endpoint.is_empty() and public_endpoint.ip in _own:
		nat_type = NatType.OPEN
	elif public_endpoint.is_empty() or probe_endpoint.is_empty():
		nat_type = NatType.UNKNOWN
	elif public_endpoint.ip == probe_endpoint.ip and public_endpoint.port == probe_endpoint.port:
		nat_type = NatType.PORT_PRESERVING
	else:
		nat_type = NatType.PORT_RANDOMISING
	done = true
	stop()
	return true


static func _local_ipv4() -> PackedStringArray:
	var found := PackedStringArray()
	for address in IP.get_local_addresses():
		if not address.contains(":"):
			found.append(address)
	return found
