class_name HolePunch
extends HolePunchBase
## Connects players peer to peer through NATs, then hands the punched UDP ports to your game.
##
## A host calls [method host_session] and shares the code that [signal start_session] brings;
## clients call [method join_session] with it (or two strangers call [method random_session]).
## Every peer pings the others on their LAN and public addresses until the hole is punched. When
## the host calls [method close_session], the host gets [signal start_server] and every client
## gets [signal start_client], with ports that are free to bind again:
## [codeblock]
## hole_punch.start_server.connect(func(port: int) -> void:
##     var peer := ENetMultiplayerPeer.new()
##     peer.create_server(port)
##     multiplayer.multiplayer_peer = peer)
## hole_punch.start_client.connect(func(ip: String, port: int, local_port: int) -> void:
##     var peer := ENetMultiplayerPeer.new()
##     peer.create_client(ip, port, 0, 0, 0, local_port)
##     multiplayer.multiplayer_peer = peer)
## [/codeblock]
## The server only answers, so this node resends whatever is not yet answered. It accepts server
## messages only from its server's address and peer messages only from the peers the server
## introduced; anything else is dropped and counted in [member dropped_datagrams].

## Where this node is in a session's life.
enum Phase {
	IDLE, ## Nothing under way.
	REQUESTING, ## Waiting for the server to answer HS, JS or RS.
	PUNCHING, ## Registered: pinging peers and keeping holes open.
	CLOSING, ## Host: handing peers over (JH until JD).
	HANDING_OVER, ## Client: answered JH, waiting for JG to free the port.
	DONE, ## The port was handed to the game.
}

enum _Role { NONE, HOST, JOINER, RANDOM }
enum _Relay { NONE, REQUESTING, BINDING, BOUND }

## Direct paths always win over the relay; the LAN wins over the public path.
const _PATH_RANK := {"": 0, "relay": 1, "remote": 2, "local": 3}
## What [signal peer_path] calls each path.
const _PATH_NAMES := {"local": "local", "remote": "public", "relay": "relay"}

## Seconds before the first resend of an unanswered request (HS, JS, RS); each further resend
## waits twice as long, up to [member max_request_interval].
@export var request_interval := 0.1
## Longest wait between resends of a request.
@export var max_request_interval := 1.0
## Seconds without an answer from the server before [signal bad_server].
@export var server_timeout := 5.0
## Seconds between keep-alives to the server while hosting.
@export var keep_alive_interval := 5.0
## Seconds between punch packets to a peer not heard from yet.
@export var punch_interval := 0.05
## Seconds between packets that keep a punched hole open.
@export var keep_open_interval := 0.25
## Seconds to wait for a peer's first packet before asking for a relay (or, without one,
## [signal punch_failed]).
@export var punch_timeout := 3.0
## Ask the server for a relay when punching towards a peer fails.
@export var use_relay := true
## Seconds to wait for a relay to be granted and bound before [signal punch_failed].
@export var relay_timeout := 5.0
## Seconds between resends of JH to a client that has not answered.
@export var handover_interval := 0.05
## Host: seconds of silence from a client after JH that count as its answer (its JD was lost
## and it already started its game client).
@export var handover_silence := 1.0
## Client: after answering JH, seconds without a further JH before starting the game client
## even though no JG came (all copies lost, or a host that sends none).
@export var handover_timeout := 1.0
## Local UDP port to punch from; 0 lets the system pick a free one.
@export var local_port := 0
## The LAN IPv4 address to tell peers; empty finds one with [method IP.get_local_addresses].
@export var lan_address := ""
## Print every datagram sent and received, with a millisecond clock, for debugging a network.
@export var trace_datagrams := false

## Where this node is in a session's life.
var phase: Phase = Phase.IDLE
## Datagrams dropped: malformed, or from an address the server did not introduce.
var dropped_datagrams := 0

var _role: _Role = _Role.NONE
var _socket: PacketPeerUDP
var _bound_port := 0
var _alias := ""
var _server_key := ""
var _server_ip := ""
var _server_port := 0
var _session_id := ""
var _local_key := ""
var _remote_key := ""
var _request := PackedByteArray()
var _request_started := 0.0
var _request_next := 0.0
var _request_backoff := 0.0
var _keep_alive_next := 0.0
var _names: Array[String] = []
var _peers: Array[_Peer] = []
var _last_join_host := 0.0
var _handover_ip := ""
var _handover_port := 0


## A peer the server introduced: the host for a client, each client for the host.
class _Peer:
	var remote_key: String
	var local_key: String
	var remote_ip: String
	var remote_port: int
	var local_ip: String
	var local_port: int
	## "" until heard from, then "remote" or "local" (LAN wins once heard there).
	var path := ""
	## Relay to this peer, once punching failed: NONE, REQUESTING (RQ), BINDING (RB), BOUND.
	var relay := _Relay.NONE
	var relay_key := ""
	var relay_ip := ""
	var relay_port := 0
	var relay_token := ""
	var relay_started := 0.0
	var next_relay := 0.0
	var relay_backoff := 0.0
	var started := 0.0
	var next_ping := 0.0
	var last_heard := 0.0
	var handover_started := 0.0
	var next_handover := 0.0
	var done := false

	func _init(remote: String, local: String, now: float) -> void:
		remote_key = remote
		local_key = local
		var r := HolePunchProtocol.decode_key(remote)
		var l := HolePunchProtocol.decode_key(local)
		remote_ip = r.ip
		remote_port = r.port
		local_ip = l.ip
		local_port = l.port
		started = now
		next_ping = now

	func is_at(ip: String, port: int) -> bool:
		return path_at(ip, port) != ""

	## Which of this peer's paths [param ip]:[param port] is: "local", "remote", "relay" or "".
	func path_at(ip: String, port: int) -> String:
		if ip == local_ip and port == local_port and has_lan_path():
			return "local"
		if ip == remote_ip and port == remote_port:
			return "remote"
		if relay != _Relay.NONE and relay != _Relay.REQUESTING and ip == relay_ip and port == relay_port:
			return "relay"
		return ""

	## The address of the path in use.
	func endpoint() -> Array:
		match path:
			"local":
				return [local_ip, local_port]
			"relay":
				return [relay_ip, relay_port]
		return [remote_ip, remote_port]

	func has_lan_path() -> bool:
		# 0.0.0.0 marks a peer that found no LAN address; a local key equal to the remote one
		# means no NAT, and one path is enough.
		return local_ip != "0.0.0.0" and local_key != remote_key


## The UDP port this node punched from (0 before a session starts).
func get_local_port() -> int:
	return _bound_port


## The session id: the host's code, or the one joined.
func get_session_id() -> String:
	return _session_id


func _api_host_session(serv_key: String, alias: String) -> void:
	if _begin(_Role.HOST, serv_key, alias):
		_send_request(HolePunchProtocol.encode_host_session(_local_key))


func _api_join_session(id: String, alias: String) -> void:
	if not HolePunchProtocol.is_session_id(id):
		push_error("HolePunch.join_session: \"%s\" is not a session id" % id)
		bad_session.emit(id)
		return
	if _begin(_Role.JOINER, id.left(HolePunchProtocol.KEY_LENGTH), alias):
		_session_id = id
		_send_request(HolePunchProtocol.encode_join_session(_local_key, id))


func _api_random_session(serv_key: String, alias: String) -> void:
	if _begin(_Role.RANDOM, serv_key, alias):
		_send_request(HolePunchProtocol.encode_random_session(_local_key))


func _api_close_session() -> void:
	if phase == Phase.IDLE or phase == Phase.DONE:
		return
	if not _is_host():
		_stop() # A client closing means leaving: nothing is handed over.
		return
	if phase != Phase.PUNCHING:
		if phase == Phase.REQUESTING:
			_stop()
		return
	phase = Phase.CLOSING
	_tick_closing(_now())


func _api_get_host() -> String:
	if _is_host():
		return _remote_key
	if _peers.is_empty():
		return ""
	var host := _peers[0]
	match host.path:
		"local":
			return host.local_key
		"relay":
			return host.relay_key
	return host.remote_key


func _process(_delta: float) -> void:
	if _socket == null:
		return
	while _socket != null and _socket.get_available_packet_count() > 0:
		var packet := _socket.get_packet()
		_receive(packet, _socket.get_packet_ip(), _socket.get_packet_port())
	if _socket != null:
		_tick(_now())


func _exit_tree() -> void:
	_close_socket()


# --- Starting and stopping ---------------------------------------------------------------

func _begin(role: _Role, serv_key: String, alias: String) -> bool:
	if phase != Phase.IDLE and phase != Phase.DONE:
		push_error("HolePunch: a session is already under way (phase %s)" % Phase.keys()[phase])
		return false
	if not HolePunchProtocol.is_name(alias):
		push_error("HolePunch: alias \"%s\" must be 1 to %d printable ASCII characters without ':'" % [alias, HolePunchProtocol.MAX_NAME_LENGTH])
		return false
	var server := HolePunchProtocol.decode_key(serv_key)
	if server.is_empty():
		push_error("HolePunch: \"%s\" is not a server key" % serv_key)
		bad_server.emit(serv_key)
		return false
	_reset()
	_role = role
	_alias = alias
	_server_key = serv_key
	_server_ip = server.ip
	_server_port = server.port
	_socket = PacketPeerUDP.new()
	var err := _socket.bind(local_port, "*")
	if err != OK:
		push_error("HolePunch: cannot bind UDP port %d: %s" % [local_port, error_string(err)])
		_socket = null
		bad_server.emit(serv_key)
		return false
	_bound_port = _socket.get_local_port()
	_local_key = HolePunchProtocol.encode_key(_find_lan_address(), _bound_port)
	phase = Phase.REQUESTING
	return true


func _reset() -> void:
	_close_socket()
	phase = Phase.IDLE
	_role = _Role.NONE
	_session_id = ""
	_remote_key = ""
	_request = PackedByteArray()
	_names.clear()
	_peers.clear()


func _stop() -> void:
	_reset()


func _close_socket() -> void:
	if _socket != null:
		_socket.close()
		_socket = null


func _find_lan_address() -> String:
	if lan_address != "":
		return lan_address
	var fallback := ""
	for address in IP.get_local_addresses():
		if address.contains(":") or address.begins_with("127.") or address.begins_with("169.254."):
			continue
		if _is_private(address):
			return address
		if fallback == "":
			fallback = address
	# No LAN at all: 0.0.0.0 tells peers to use the public path only.
	return fallback if fallback != "" else "0.0.0.0"


static func _is_private(address: String) -> bool:
	if address.begins_with("10.") or address.begins_with("192.168."):
		return true
	if address.begins_with("172."):
		var second := address.split(".")[1].to_int()
		return second >= 16 and second <= 31
	return false


# --- Receiving ---------------------------------------------------------------------------

func _receive(packet: PackedByteArray, ip: String, port: int) -> void:
	if trace_datagrams:
		print("HolePunch %d < %s from %s:%d" % [Time.get_ticks_msec(), packet.get_string_from_ascii().left(60), ip, port])
	var from_server := ip == _server_ip and port == _server_port
	var peer := _peer_at(ip, port)
	var message := HolePunchProtocol.parse(packet)
	if message.is_empty():
		# A client that lost its JD already runs its game client; its first ENet packet is the answer.
		if phase == Phase.CLOSING and peer != null and peer.handover_started > 0.0:
			peer.done = true
		dropped_datagrams += 1
		return
	var code: String = message.code
	var server_code := code in [HolePunchProtocol.HOST_REGISTERED, HolePunchProtocol.JOIN_REGISTERED, HolePunchProtocol.NEW_JOINER, HolePunchProtocol.BAD_KEY, HolePunchProtocol.RELAY_GRANTED]
	if (server_code and not from_server) or (not server_code and peer == null):
		dropped_datagrams += 1
		return
	_dispatch(message, ip, port)


func _peer_at(ip: String, port: int) -> _Peer:
	for peer in _peers:
		if peer.is_at(ip, port):
			return peer
	return null


func _on_host_registered(message: Dictionary, _ip: String, _port: int) -> void:
	if phase != Phase.REQUESTING or _role == _Role.JOINER:
		return # A duplicate answer, or one we never asked for.
	_remote_key = message.remote_key
	_session_id = message.session_id
	_enter_punching()
	if _role == _Role.HOST:
		start_session.emit(_session_id)


func _on_join_registered(message: Dictionary, _ip: String, _port: int) -> void:
	if phase != Phase.REQUESTING or _role == _Role.HOST:
		return
	_remote_key = message.joiner_remote_key
	_peers.append(_Peer.new(message.host_remote_key, message.host_local_key, _now()))
	var was_random := _role == _Role.RANDOM
	_role = _Role.JOINER
	_enter_punching()
	# The server told the host in one NJ, which may be lost: repeat the request (the server
	# answers a duplicate with NJ and JR again) until the host is heard, less often each time.
	_request_backoff = request_interval
	_request_next = _now() + _request_backoff
	if was_random:
		start_random.emit()
	else:
		start_session.emit(_session_id)


func _on_new_joiner(message: Dictionary, _ip: String, _port: int) -> void:
	if phase != Phase.PUNCHING or not _is_host():
		return
	if _find_peer(message.joiner_remote_key) != null:
		return # The server repeats NJ for every duplicate JS.
	_peers.append(_Peer.new(message.joiner_remote_key, message.joiner_local_key, _now()))


func _on_bad_key(message: Dictionary, _ip: String, _port: int) -> void:
	if phase != Phase.REQUESTING or _role != _Role.JOINER or message.session_id != _session_id:
		return
	var id := _session_id
	_stop()
	bad_session.emit(id)


func _on_peer_ready(message: Dictionary, ip: String, port: int) -> void:
	var peer := _peer_at(ip, port)
	var first := _note_path(peer, ip, port)
	if first and phase == Phase.PUNCHING:
		_send_to(_encode_ready(), ip, port) # Answer at once: the peer learns the path a round trip sooner.
	for name: String in message.names:
		if name != _alias and not _names.has(name):
			_names.append(name)
			new_name.emit(name)
	if first and _role == _Role.RANDOM and phase == Phase.PUNCHING:
		start_random.emit()
		_api_close_session()


## Records that [param peer] was heard at [param ip]:[param port]: its path is set, or upgraded
## while nothing was handed over yet. Returns whether this was the first packet from it.
func _note_path(peer: _Peer, ip: String, port: int) -> bool:
	var first := peer.path == ""
	var heard_on := peer.path_at(ip, port)
	if _PATH_RANK[heard_on] > _PATH_RANK[peer.path] and (first or (peer.handover_started == 0.0 and phase != Phase.HANDING_OVER)):
		peer.path = heard_on
		peer_path.emit(peer.remote_key, _PATH_NAMES[heard_on])
	peer.last_heard = _now()
	return first


func _on_join_host(message: Dictionary, ip: String, port: int) -> void:
	if _is_host() or (phase != Phase.PUNCHING and phase != Phase.HANDING_OVER):
		return
	var host := _peers[0]
	_note_path(host, ip, port) # JH can be the first packet through, when every RD was lost.
	var key: String = message.host_key
	if key != host.remote_key and key != host.local_key and (key != host.relay_key or host.relay_key == ""):
		dropped_datagrams += 1 # The host may only send us to one of its own addresses.
		return
	_send_to(HolePunchProtocol.encode_join_done(), ip, port)
	_last_join_host = _now()
	if phase == Phase.PUNCHING:
		# Connect to where JH came from: that path is proven open, whichever key the host named.
		_handover_ip = ip
		_handover_port = port
		phase = Phase.HANDING_OVER


func _on_join_go(_message: Dictionary, _ip: String, _port: int) -> void:
	# The host frees its port right after sending JG, so the game client's first packet finds
	# the game server listening: no ENet retransmission wait.
	if phase == Phase.HANDING_OVER and not _is_host():
		_finish_client()


func _on_relay_granted(message: Dictionary, _ip: String, _port: int) -> void:
	var peer := _find_peer(message.peer_key)
	if peer == null or peer.relay != _Relay.REQUESTING:
		return # A duplicate grant, or one for a peer we no longer wait for.
	var relay := HolePunchProtocol.decode_key(message.relay_key)
	peer.relay_key = message.relay_key
	peer.relay_ip = relay.ip
	peer.relay_port = relay.port
	peer.relay_token = message.token
	peer.relay = _Relay.BINDING
	peer.relay_backoff = request_interval
	peer.next_relay = _now() # Bind at once.


func _on_relay_bound(message: Dictionary, ip: String, port: int) -> void:
	var peer := _peer_at(ip, port)
	if peer.relay != _Relay.BINDING or message.token != peer.relay_token or peer.path_at(ip, port) != "relay":
		return
	peer.relay = _Relay.BOUND
	peer.next_ping = _now() # Punch packets now go through the relay too.


func _on_join_done(_message: Dictionary, ip: String, port: int) -> void:
	if phase != Phase.CLOSING:
		return
	var peer := _peer_at(ip, port)
	if peer.handover_started > 0.0:
		peer.done = true


# --- Sending on time ---------------------------------------------------------------------

func _tick(now: float) -> void:
	match phase:
		Phase.REQUESTING:
			if now - _request_started >= server_timeout:
				var key := _server_key
				_stop()
				bad_server.emit(key)
			elif now >= _request_next:
				_request_backoff = minf(_request_backoff * 2.0, max_request_interval)
				_request_next = now + _request_backoff
				_send_to(_request, _server_ip, _server_port)
		Phase.PUNCHING:
			_tick_punching(now)
			if _role == _Role.JOINER and not _peers.is_empty() and _peers[0].path == "" and now >= _request_next:
				_request_backoff = minf(_request_backoff * 2.0, max_request_interval)
				_request_next = now + _request_backoff
				_send_to(_request, _server_ip, _server_port)
			if _is_host() and now >= _keep_alive_next:
				_keep_alive_next = now + keep_alive_interval
				_send_to(HolePunchProtocol.encode_keep_alive(_session_id), _server_ip, _server_port)
		Phase.CLOSING:
			_tick_punching(now)
			_tick_closing(now)
		Phase.HANDING_OVER:
			if now - _last_join_host >= handover_timeout:
				_finish_client()


func _tick_punching(now: float) -> void:
	for peer in _peers.duplicate():
		if peer.path == "" and now - peer.started >= punch_timeout:
			if use_relay and peer.relay == _Relay.NONE:
				peer.relay = _Relay.REQUESTING
				peer.relay_started = now
				peer.relay_backoff = request_interval
				peer.next_relay = now
			elif peer.relay == _Relay.NONE or now - peer.relay_started >= relay_timeout:
				_peers.erase(peer)
				punch_failed.emit(peer.remote_key)
				if not _is_host():
					_stop()
					return
				continue
		_tick_relay(peer, now)
		if now < peer.next_ping or peer.handover_started > 0.0:
			continue
		peer.next_ping = now + (punch_interval if peer.path == "" else keep_open_interval)
		var ready := _encode_ready()
		if peer.path == "local":
			_send_to(ready, peer.local_ip, peer.local_port)
			continue
		# Until a direct path is heard, try every path: direct ones may still open and win.
		_send_to(ready, peer.remote_ip, peer.remote_port)
		if peer.has_lan_path():
			_send_to(ready, peer.local_ip, peer.local_port)
		if peer.relay == _Relay.BOUND and peer.path != "remote":
			_send_to(ready, peer.relay_ip, peer.relay_port)


## Resends RQ until RG, then RB until RA, backing off like any request.
func _tick_relay(peer: _Peer, now: float) -> void:
	if now < peer.next_relay or (peer.relay != _Relay.REQUESTING and peer.relay != _Relay.BINDING):
		return
	peer.next_relay = now + peer.relay_backoff
	peer.relay_backoff = minf(peer.relay_backoff * 2.0, max_request_interval)
	if peer.relay == _Relay.REQUESTING:
		# A random joiner is never told its session id; the server finds the session by the pair.
		var id := _session_id if _session_id != "" else _server_key + "cycy"
		_send_to(HolePunchProtocol.encode_relay_request(id, peer.remote_key), _server_ip, _server_port)
	else:
		_send_to(HolePunchProtocol.encode_relay_bind(peer.relay_token), peer.relay_ip, peer.relay_port)


func _tick_closing(now: float) -> void:
	var waiting := false
	for peer in _peers:
		if peer.done:
			continue
		if peer.path == "":
			waiting = true # Still punching: hand over once heard, or drop on punch_timeout.
			continue
		if peer.handover_started > 0.0 and now - peer.last_heard >= handover_silence and now - peer.handover_started >= handover_silence:
			peer.done = true
			continue
		waiting = true
		if now >= peer.next_handover:
			if peer.handover_started == 0.0:
				peer.handover_started = now
			peer.next_handover = now + handover_interval
			var key: String = {"local": _local_key, "remote": _remote_key, "relay": peer.relay_key}[peer.path]
			var to := peer.endpoint()
			_send_to(HolePunchProtocol.encode_join_host(key), to[0], to[1])
	if not waiting:
		# The session ends at the server only now: a peer still punching may need it for a relay.
		var close := HolePunchProtocol.encode_close_session(_session_id)
		var go := HolePunchProtocol.encode_join_go()
		for copy in 3: # No answer can come back once the port is freed: copies survive loss.
			_send_to(close, _server_ip, _server_port)
			for peer in _peers:
				var to := peer.endpoint()
				_send_to(go, to[0], to[1])
		var local := _bound_port
		_close_socket()
		phase = Phase.DONE
		start_server.emit(local)


func _finish_client() -> void:
	var ip := _handover_ip
	var port := _handover_port
	var local := _bound_port
	_close_socket()
	phase = Phase.DONE
	start_client.emit(ip, port, local)


func _send_request(request: PackedByteArray) -> void:
	_request = request
	_request_started = _now()
	_request_backoff = request_interval
	_request_next = _request_started + _request_backoff
	_send_to(_request, _server_ip, _server_port)


func _enter_punching() -> void:
	phase = Phase.PUNCHING
	_keep_alive_next = _now() + keep_alive_interval


func _encode_ready() -> PackedByteArray:
	var names := PackedStringArray([_alias])
	for name in _names:
		if names.size() < HolePunchProtocol.MAX_NAMES:
			names.append(name)
	return HolePunchProtocol.encode_peer_ready(names)


func _send_to(packet: PackedByteArray, ip: String, port: int) -> void:
	if _socket == null:
		return
	if trace_datagrams:
		print("HolePunch %d > %s to %s:%d" % [Time.get_ticks_msec(), packet.get_string_from_ascii().left(60), ip, port])
	_socket.set_dest_address(ip, port)
	_socket.put_packet(packet) # Loss is normal here; every sender retries on its own timer.


func _find_peer(remote_key: String) -> _Peer:
	for peer in _peers:
		if peer.remote_key == remote_key:
			return peer
	return null


func _is_host() -> bool:
	return _role == _Role.HOST or (_role == _Role.RANDOM and phase != Phase.REQUESTING)


static func _now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0
