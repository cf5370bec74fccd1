extends RefCounted
## The rendezvous server as a [HolePunch] node sees it: its address, the request that waits for an
## answer (resent on a retry timer ([code]hole_punch_retry.gd[/code]) until
## [member HolePunch.server_timeout]), the host's keep-alives, the nonce that tells the server's
## real answers from forged ones, and the proof of our IPv6 address.
##
## The server passes a node's IPv6 address to its peers (who will punch it) only when the node
## proved it receives there: before the first request the node sends NP from its punching socket
## to the server's IPv6 address (which the NAT diagnosis's NA named), and the server answers IA,
## only to the address and port it saw, with that address and a proof (a MAC of the address, the
## port and this session's nonce). The request then carries the address and the proof.
##
## The server believes a join or random request (and introduces its sender to a host, who will
## punch it) only once its return path is proven: it answers the first one with RC, a cookie sent
## only to the address it came from, and the node resends the request at once with the cookie.
## A spoofed request never gets that far: its sender never sees the cookie.

const HolePunchIpv6 := preload("../traversal/hole_punch_ipv6.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRetry := preload("hole_punch_retry.gd")


## The server key.
var key := ""
## The server's address.
var ip := ""
## The server's port.
var port := 0
## The nonce of this session: 16 random letters sent with every request and echoed in every
## answer; empty when talking to an original server.
var nonce := ""
## The server's IPv6 address, once a proof was asked of it; empty before, or when it has none.
var ip6 := ""
var _ip6_bytes := PackedByteArray()
## What IA said: our IPv6 address as the server saw it and its proof; empty until it came.
var _ip6_claim := PackedStringArray()
var _ip6_deadline := -1.0
var _ip6_retry: HolePunchRetry
var _node: HolePunch
var _request := PackedByteArray()
## What builds the request from its extension fields, and those fields (see [method request]).
var _make := Callable()
var _fields := []
var _started := 0.0
var _retry: HolePunchRetry
var _keep_alive_next := INF


func _init(node: HolePunch, server_key: String, with_nonce: bool) -> void:
	_node = node
	key = server_key
	var address := HolePunchProtocol.decode_key(server_key)
	ip = address.ip
	port = address.port
	_retry = HolePunchRetry.new(node.request_interval, node.max_request_interval)
	_ip6_retry = HolePunchRetry.new(node.request_interval, node.max_request_interval)
	if with_nonce:
		var bytes := Crypto.new().generate_random_bytes(HolePunchProtocol.TOKEN_LENGTH >> 1) # Two letters a byte.
		for byte in bytes:
			nonce += HolePunchProtocol.BIGRAMS[byte]


## Whether [param from_ip]:[param from_port] is the server (at its IPv4 or its IPv6 address).
func is_at(from_ip: String, from_port: int) -> bool:
	if from_port != port:
		return false
	return from_ip == ip or (not _ip6_bytes.is_empty() and from_ip.contains(":") and HolePunchIpv6.parse(from_ip) == _ip6_bytes)


## Proves our IPv6 address to the server at [param server_ip6] (empty: it has none) before the
## first request: sends NP from the punching socket until IA comes or [member HolePunch.nat_timeout]
## passes. Returns true while it waits at [param now]; call it each frame until it returns false.
func proving_ip6(server_ip6: String, now: float) -> bool:
	if server_ip6 == "" or nonce == "":
		return false
	if _ip6_deadline < 0.0:
		ip6 = server_ip6
		_ip6_bytes = HolePunchIpv6.parse(server_ip6)
		_ip6_deadline = now + _node.nat_timeout
		_ip6_retry.start(now)
	if not _ip6_claim.is_empty() or now >= _ip6_deadline:
		return false
	if _ip6_retry.due(now):
		var tokens := HolePunchIpv6.to_tokens(ip6)
		# As long as the answer could be (IA is shorter): the server answers no shorter NP.
		_node._send_to(HolePunchProtocol.encode_nat_probe(HolePunchNat.NO_KEY, HolePunchNat.NO_KEY, nonce, tokens[0], tokens[1]), ip6, port)
	return true


## Takes IA (its nonce checked already) from [param from_ip]; false when it is not from the
## server's IPv6 address or not awaited.
func heard_ip6_answer(message: Dictionary, from_ip: String) -> bool:
	if _ip6_bytes.is_empty() or not _ip6_claim.is_empty() or HolePunchIpv6.parse(from_ip) != _ip6_bytes:
		return false
	_ip6_claim = PackedStringArray([message.ip6_prefix, message.ip6_host, message.proof])
	return true


## The request's IPv6 fields: [code][ip6_prefix, ip6_host, ip6_proof][/code] as IA gave them,
## or three empty strings without a proof (the address would not be passed on).
func ip6_claim() -> PackedStringArray:
	return _ip6_claim if not _ip6_claim.is_empty() else PackedStringArray(["", "", ""])


## Whether a server message may be believed: it echoes our nonce (or, for an original server,
## carries none).
func accepts(message: Dictionary) -> bool:
	var echoed: String = message.get("nonce", "")
	return echoed == nonce or (_node.original_server and echoed == "")


## Sends the request [param make] builds from the extension fields [param fields]
## ([code][nat, ip6_prefix, ip6_host, ip6_proof][/code], empty where there is nothing to say)
## plus a cookie, now, and resends it until answered.
func request(make: Callable, fields: Array, now: float) -> void:
	_make = make
	_fields = fields
	_request = make.call(fields + [""])
	if _awaits_cookie() and nonce != "" and fields[0] == "":
		# The NAT word even when there is nothing to tell: a random request is then no shorter
		# than the server's cookie (RC), which is never longer than the request.
		_request = make.call([HolePunchNat.word(HolePunchNat.NatType.UNKNOWN)] + fields.slice(1) + [""])
	_started = now
	_retry.start(now)
	resend(now)


## Takes RC (its nonce checked already): resends the join or random request at once with the
## cookie, every extension field before it present. Returns false when no such request waits.
func heard_cookie(message: Dictionary) -> bool:
	if not _make.is_valid() or not _awaits_cookie():
		return false
	var none := "cy".repeat(HolePunchProtocol.TOKEN_LENGTH >> 1) # Zeros: an IPv6 address and proof not claimed.
	var fields := [_fields[0] if _fields[0] != "" else HolePunchNat.word(HolePunchNat.NatType.UNKNOWN)]
	for field: String in _fields.slice(1):
		fields.append(field if field != "" else none)
	_request = _make.call(fields + [message.cookie])
	send(_request)
	return true


## A joiner repeats its request until it hears the host: starts resending after a wait.
func repeat(now: float) -> void:
	_retry.start(now, _node.request_interval)


## Resends the request when due at [param now].
func resend(now: float) -> void:
	if _retry.due(now):
		send(_request)


## Whether the request has gone unanswered for [member HolePunch.server_timeout] at [param now].
func timed_out(now: float) -> bool:
	return now - _started >= _node.server_timeout


## Host: starts keeping the session fresh from [param now].
func start_keep_alive(now: float) -> void:
	# The first at once: it proves to the server that HR reached us, which confirms the session.
	_keep_alive_next = now


## Host: sends a keep-alive for [param session_id] when due at [param now].
func keep_alive(now: float, session_id: String) -> void:
	if now >= _keep_alive_next:
		_keep_alive_next = now + _node.keep_alive_interval
		send(HolePunchProtocol.encode_keep_alive(session_id, nonce))


## RQ for the peer [param peer_key] in the session [param session_id] (empty for a random joiner).
func relay_request(session_id: String, peer_key: String) -> PackedByteArray:
	var id := session_id if session_id != "" else key + HolePunchProtocol.UNKNOWN_SESSION_SUFFIX
	return HolePunchProtocol.encode_relay_request(id, peer_key, nonce)


## Sends [param packet] to the server.
func send(packet: PackedByteArray) -> void:
	_node._send_to(packet, ip, port)


## Whether the request is one the server proves the return path of (JS, RS).
func _awaits_cookie() -> bool:
	return _request.slice(0, 2).get_string_from_ascii() in [HolePunchProtocol.JOIN_SESSION, HolePunchProtocol.RANDOM_SESSION]
