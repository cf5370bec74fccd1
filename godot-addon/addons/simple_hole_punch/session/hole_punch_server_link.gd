extends RefCounted
## The rendezvous server as a [HolePunch] node sees it: its address, the request that waits for an
## answer (resent on a retry timer ([code]hole_punch_retry.gd[/code]) until
## [member HolePunch.server_timeout]), the host's keep-alives, the nonce that tells the server's
## real answers from forged ones, and the proof of our IPv6 address
## ([code]hole_punch_ip6_proof.gd[/code]), which the request carries.
##
## The server believes a join or random request (and introduces its sender to a host, who will
## punch it) only once its return path is proven: it answers the first one with RC, a cookie sent
## only to the address it came from, and the node resends the request at once with the cookie.
## A spoofed request never gets that far: its sender never sees the cookie. So the first request
## may leave before the NAT diagnosis ends: it only fetches the cookie, and the resend that counts
## waits for the report ([method hold_cookie], [method report]).
##
## It sends through the callable it was given, so the host's link for late joiners
## ([code]hole_punch_late_join.gd[/code]) talks to the same server from a socket of its own
## ([method through]).

const HolePunchIp6Proof := preload("hole_punch_ip6_proof.gd")
const HolePunchNonce := preload("hole_punch_nonce.gd")
const HolePunchRelayPings := preload("../traversal/hole_punch_relay_pings.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRetry := preload("hole_punch_retry.gd")
const HolePunchServerLink := preload("hole_punch_server_link.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")


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
var ip6: String:
	get: return _ip6.server_ip6
## The proof of our IPv6 address, asked of the server's.
var _ip6: HolePunchIp6Proof
var _settings: HolePunchSettings
## Sends a datagram: [code]send.call(packet, ip, port)[/code].
var _send: Callable
var _request := PackedByteArray()
## What builds the request from its extension fields, and those fields (see [method request]).
var _make := Callable()
var _fields := []
var _started := 0.0
var _retry: HolePunchRetry
var _keep_alive_next := INF
## Host: what it publishes in the lobby list (LP's cap, alias, name, mode, map, version and players), sent
## with each keep-alive until the server confirms it (LD); empty when nothing waits.
var _listing := PackedStringArray()
## The round trips to the relay nodes the server listed (RN), sent with RQ once measured.
var relay_pings: HolePunchRelayPings


## The server [param server_key], reached through [param send_to]
## ([code]send_to.call(packet, ip, port)[/code]), with a fresh nonce unless [param with_nonce] is
## false (an original server).
func _init(settings: HolePunchSettings, send_to: Callable, server_key: String, with_nonce: bool) -> void:
	_settings = settings
	_send = send_to
	key = server_key
	var address := HolePunchProtocol.decode_key(server_key)
	ip = address.ip
	port = address.port
	_retry = HolePunchRetry.new(settings.request_interval, settings.max_request_interval)
	_ip6 = HolePunchIp6Proof.new(settings, send_to)
	relay_pings = HolePunchRelayPings.new(send_to)
	if with_nonce:
		nonce = HolePunchNonce.fresh()


## The same server and session (its address, nonce and IPv6 address) reached through
## [param send_to] instead: a socket of the node's other than its punching one.
func through(send_to: Callable) -> HolePunchServerLink:
	var link := HolePunchServerLink.new(_settings, send_to, key, false)
	link.nonce = nonce
	link._listing = _listing # Not confirmed yet: the new link sends it on.
	link._ip6.take_address(_ip6)
	return link


## Whether [param from_ip]:[param from_port] is the server (at its IPv4 or its IPv6 address).
func is_at(from_ip: String, from_port: int) -> bool:
	if from_port != port:
		return false
	return from_ip == ip or _ip6.is_server(from_ip)


## Proves our IPv6 address to the server at [param server_ip6] (empty: it has none) before the
## first request ([code]hole_punch_ip6_proof.gd[/code]). Returns true while it waits at
## [param now]; call it each frame until it returns false.
func proving_ip6(server_ip6: String, now: float) -> bool:
	return _ip6.proving(server_ip6, port, nonce, now)


## Takes IA (its nonce checked already) from [param from_ip]; false when it is not from the
## server's IPv6 address or not awaited.
func heard_ip6_answer(message: HolePunchProtocol.Ip6Answer, from_ip: String) -> bool:
	return _ip6.heard_answer(message, from_ip)


## The request's IPv6 fields: [code][ip6_prefix, ip6_host, ip6_proof][/code] as IA gave them,
## or three empty strings without a proof.
func ip6_claim() -> PackedStringArray:
	return _ip6.claim()


## Whether a server message may be believed: it echoes our nonce (or, for an original server,
## carries none).
func accepts(message: HolePunchProtocol.Message) -> bool:
	var echoed: String = message.field("nonce")
	return echoed == nonce or (_settings.original_server and echoed == "")


## Sends the request [param make] builds from the extension fields [param fields]
## ([code][nat, ip6_prefix, ip6_host, ip6_proof][/code], empty where there is nothing to say)
## plus a cookie, now, and resends it until answered.
func request(make: Callable, fields: Array, now: float) -> void:
	_make = make
	_fields = fields
	var packet: PackedByteArray = make.call(fields + [""])
	if _is_cookie_checked(packet) and nonce != "" and fields[0] == "":
		# The NAT word even when there is nothing to tell: a random request is then no shorter
		# than the server's cookie (RC), which is never longer than the request.
		packet = make.call([HolePunchNat.word(HolePunchNat.NatType.UNKNOWN)] + fields.slice(1) + [""])
	await_answer(packet, now)
	resend(now)


## Makes [param packet] the request that waits for an answer from [param now]: [method resend]
## sends it when due (at once first), until [method timed_out].
func await_answer(packet: PackedByteArray, now: float) -> void:
	_request = packet
	_started = now
	_proven = false
	_retry.start(now)


## Takes RC (its nonce checked already) at [param now]: resends the join or random request at once
## with the cookie, every extension field before it present. Returns false when no such request
## waits. The first RC proves the server answers: the request with the cookie gets a whole
## [member HolePunch.server_timeout], and its resends start again from the first wait, so that
## losses before the cookie do not cut short the tries after it.
func heard_cookie(message: HolePunchProtocol.ReturnCookie, now: float) -> bool:
	if not _make.is_valid() or not _awaits_cookie():
		return false
	if not _proven:
		_proven = true
		_started = now
		_retry.start(now, _settings.request_interval)
	_cookie = message.cookie
	if not _holding:
		_send_with_cookie()
	return true


func _send_with_cookie() -> void:
	var none := HolePunchProtocol.NO_TOKEN # Zeros: an IPv6 address and proof not claimed.
	var fields := [_fields[0] if _fields[0] != "" else HolePunchNat.word(HolePunchNat.NatType.UNKNOWN)]
	for field: String in _fields.slice(1):
		fields.append(field if field != "" else none)
	_request = _make.call(fields + [_cookie])
	send(_request)


## The cookie that RC gave, or "" before.
var _cookie := ""
## Whether an RC answered the request waiting.
var _proven := false
## Whether the resend with the cookie waits for [method report].
var _holding := false


## Makes the resend with the cookie wait for [method report]: the request went before the NAT
## diagnosis ended, and the server takes the report only from that resend.
func hold_cookie() -> void:
	_holding = true


## The request's extension fields [param fields] ([code][nat, ip6_prefix, ip6_host, ip6_proof][/code])
## are known: the resend with the cookie carries them, at once when the cookie came already.
func report(fields: Array) -> void:
	_fields = fields
	_holding = false
	if _cookie != "" and _make.is_valid() and _awaits_cookie():
		_send_with_cookie()


## A joiner repeats its request until it hears the host: starts resending after a wait.
func repeat(now: float) -> void:
	_retry.start(now, _settings.request_interval)


## Resends the request when due at [param now].
func resend(now: float) -> void:
	if _retry.due(now):
		send(_request)


## Whether the request has gone unanswered for [member HolePunch.server_timeout] at [param now].
func timed_out(now: float) -> bool:
	return now - _started >= _settings.server_timeout


## Host: starts keeping the session fresh, the first keep-alive at [param first].
func start_keep_alive(first: float) -> void:
	_keep_alive_next = first


## Host: sends a keep-alive for [param session_id] when due at [param now], and the listing
## while the server has not confirmed it.
func keep_alive(now: float, session_id: String) -> void:
	if now >= _keep_alive_next:
		_keep_alive_next = now + _settings.keep_alive_interval
		say_alive(session_id)
		if not _listing.is_empty():
			_send_listing(session_id)


## Host: lists [param session_id] publicly with [param listing] ([code][cap, alias, name, mode,
## map, version, players][/code], on the wire; an empty name takes it off the list): sent now when the
## session has its id, else with the first keep-alive, and again with each until LD confirms it.
func publish(session_id: String, listing: PackedStringArray) -> void:
	_listing = listing
	if session_id != "":
		_send_listing(session_id)


## Sends the listing that waits for the server's confirmation, if any, for [param session_id] now.
func publish_waiting(session_id: String) -> void:
	if not _listing.is_empty():
		_send_listing(session_id)


## Takes LD (its nonce checked already): the server has the listing. False when none waits.
func heard_listed(message: HolePunchProtocol.LobbyListed, session_id: String) -> bool:
	if _listing.is_empty() or message.session_id != session_id:
		return false
	_listing = PackedStringArray()
	return true


func _send_listing(session_id: String) -> void:
	var l := _listing
	send(HolePunchProtocol.encode_lobby_publish(session_id, nonce, l[0], l[1], l[2], l[3], l[4], l[5], l[6]))


## Host: sends a keep-alive for [param session_id] now (the server takes a host that stays silent
## while a joiner waits for gone).
func say_alive(session_id: String) -> void:
	send(HolePunchProtocol.encode_keep_alive(session_id, nonce))


## Sends RQ: a relay towards the peer [param peer_key] in the session [param session_id] (empty
## for a random joiner), with the round trips to the relay nodes once measured; nothing while
## they are being measured (the RQ that carries them follows).
func ask_relay(session_id: String, peer_key: String) -> void:
	if relay_pings.state == HolePunchRelayPings.State.PINGING:
		return
	var id := session_id if session_id != "" else key + HolePunchProtocol.UNKNOWN_SESSION_SUFFIX
	send(HolePunchProtocol.encode_relay_request(id, peer_key, nonce, relay_pings.figures()))


## Host: ends the session [param session_id] at the server, in [param copies] copies (nothing
## answers CS: copies survive loss).
func close_session(session_id: String, copies: int) -> void:
	for copy in copies:
		send(HolePunchProtocol.encode_close_session(session_id, nonce))


## Sends [param packet] to the server.
func send(packet: PackedByteArray) -> void:
	_send.call(packet, ip, port)


## Whether the request is one the server proves the return path of (JS, RS).
func _awaits_cookie() -> bool:
	return _is_cookie_checked(_request)


static func _is_cookie_checked(packet: PackedByteArray) -> bool:
	return packet.slice(0, 2).get_string_from_ascii() in [HolePunchProtocol.JOIN_SESSION, HolePunchProtocol.RANDOM_SESSION]
