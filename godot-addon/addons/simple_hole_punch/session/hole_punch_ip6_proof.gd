extends RefCounted
## The proof of our IPv6 address that a [HolePunch] node asks of the rendezvous server
## ([code]hole_punch_server_link.gd[/code] holds one). The server passes a node's IPv6 address to
## its peers (who will punch it) only when the node proved it receives there: before the first
## request the node sends NP from its punching socket to the server's IPv6 address (which the NAT
## diagnosis's NA named), and the server answers IA, only to the address and port it saw, with that
## address and a proof (a MAC of the address, the port and this session's nonce). The request then
## carries the address and the proof.

const HolePunchIp6Proof := preload("hole_punch_ip6_proof.gd")
const HolePunchIpv6 := preload("../traversal/hole_punch_ipv6.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRetry := preload("hole_punch_retry.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## The server's IPv6 address, once a proof was asked of it; empty before, or when it has none.
var server_ip6 := ""
var _server_bytes := PackedByteArray()
## What IA said: our IPv6 address as the server saw it and its proof; empty until it came.
var _claim := PackedStringArray()
var _deadline := -1.0
var _retry: HolePunchRetry
var _settings: HolePunchSettings
## Sends a datagram: [code]send.call(packet, ip, port)[/code].
var _send: Callable


## A proof asked through [param send_to] ([code]send_to.call(packet, ip, port)[/code]).
func _init(settings: HolePunchSettings, send_to: Callable) -> void:
	_settings = settings
	_send = send_to
	_retry = HolePunchRetry.new(settings.request_interval, settings.max_request_interval)


## Knows the server's IPv6 address as [param other] knows it (the same server through another
## socket); the proof itself stays with [param other].
func take_address(other: HolePunchIp6Proof) -> void:
	server_ip6 = other.server_ip6
	_server_bytes = other._server_bytes


## Whether [param from_ip] is the server's IPv6 address.
func is_server(from_ip: String) -> bool:
	return not _server_bytes.is_empty() and from_ip.contains(":") and HolePunchIpv6.parse(from_ip) == _server_bytes


## Sends NP with [param nonce] to the server at [param address]:[param port] (empty: it has none)
## until IA comes or [member HolePunch.nat_timeout] passes. Returns true while it waits at
## [param now]; call it each frame until it returns false.
func proving(address: String, port: int, nonce: String, now: float) -> bool:
	if address == "" or nonce == "":
		return false
	if _deadline < 0.0:
		server_ip6 = address
		_server_bytes = HolePunchIpv6.parse(address)
		_deadline = now + _settings.nat_timeout
		_retry.start(now)
	if not _claim.is_empty() or now >= _deadline:
		return false
	if _retry.due(now):
		var tokens := HolePunchIpv6.to_tokens(server_ip6)
		# As long as the answer could be (IA is shorter): the server answers no shorter NP.
		_send.call(HolePunchProtocol.encode_nat_probe(HolePunchNat.NO_KEY, HolePunchNat.NO_KEY, nonce, tokens[0], tokens[1]), server_ip6, port)
	return true


## Takes IA (its nonce checked already) from [param from_ip]; false when it is not from the
## server's IPv6 address or not awaited.
func heard_answer(message: HolePunchProtocol.Ip6Answer, from_ip: String) -> bool:
	if _server_bytes.is_empty() or not _claim.is_empty() or HolePunchIpv6.parse(from_ip) != _server_bytes:
		return false
	_claim = PackedStringArray([message.ip6_prefix, message.ip6_host, message.proof])
	return true


## The request's IPv6 fields: [code][ip6_prefix, ip6_host, ip6_proof][/code] as IA gave them,
## or three empty strings without a proof (the address would not be passed on).
func claim() -> PackedStringArray:
	return _claim if not _claim.is_empty() else PackedStringArray(["", "", ""])
