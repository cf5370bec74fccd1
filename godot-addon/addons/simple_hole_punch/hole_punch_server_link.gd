class_name HolePunchServerLink
extends RefCounted
## The rendezvous server as a [HolePunch] node sees it: its address, the request that waits for
## an answer (resent on a [HolePunchRetry] until [member HolePunch.server_timeout]), the host's
## keep-alives, and the nonce that tells the server's real answers from forged ones.


## The server key.
var key := ""
## The server's address.
var ip := ""
## The server's port.
var port := 0
## The nonce of this session: 16 random letters sent with every request and echoed in every
## answer; empty when talking to an original server.
var nonce := ""
var _node: HolePunch
var _request := PackedByteArray()
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
	if with_nonce:
		var bytes := Crypto.new().generate_random_bytes(HolePunchProtocol.TOKEN_LENGTH >> 1) # Two letters a byte.
		for byte in bytes:
			nonce += HolePunchProtocol.BIGRAMS[byte]


## Whether [param from_ip]:[param from_port] is the server.
func is_at(from_ip: String, from_port: int) -> bool:
	return from_ip == ip and from_port == port


## Whether a server message may be believed: it echoes our nonce (or, for an original server,
## carries none).
func accepts(message: Dictionary) -> bool:
	var echoed: String = message.get("nonce", "")
	return echoed == nonce or (_node.original_server and echoed == "")


## Sends [param request] now and resends it until [method answered].
func request(request_packet: PackedByteArray, now: float) -> void:
	_request = request_packet
	_started = now
	_retry.start(now)
	resend(now)


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
