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
## messages only from its server's address, and peer messages only on the paths of the peers the
## server introduced; anything else is dropped and counted in [member dropped_datagrams]. Server
## answers must echo the nonce of our request, and two peers of ours prove themselves to each
## other with the pair secret the server gave them (RV instead of RD). The node keeps at most
## [member max_peers] peers, handles at most [member max_datagrams_per_frame] datagrams a frame,
## probes a claimed LAN address only inside its own network ([HolePunchLanRules]), and every wait
## ends: a silent peer in [signal peer_lost], a handover at [member handover_deadline].

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

## Direct paths win over the relay, the LAN over the public path.
const _PATH_RANK := {"": 0, "relay": 1, "public": 2, "local": 3}
## The codes only the server sends (from its own address; RA comes from a relay port).
const _SERVER_CODES: Array[String] = [HolePunchProtocol.HOST_REGISTERED, HolePunchProtocol.JOIN_REGISTERED, HolePunchProtocol.NEW_JOINER, HolePunchProtocol.BAD_KEY, HolePunchProtocol.REFUSED, HolePunchProtocol.RELAY_GRANTED]
## A random joiner is never told its session id: its RQ names the server key with this suffix,
## and the server finds the session by the pair.
const _RANDOM_SUFFIX := "cycy"

@export_group("Server")
## Seconds before the first resend of an unanswered request (HS, JS, RS, RQ, RB); each further
## resend waits twice as long, up to [member max_request_interval].
@export_range(0.01, 5.0, 0.01, "suffix:s") var request_interval := 0.1
## Longest wait between resends of a request.
@export_range(0.01, 10.0, 0.01, "suffix:s") var max_request_interval := 1.0
## Seconds without an answer from the server before [signal bad_server].
@export_range(0.1, 120.0, 0.1, "suffix:s") var server_timeout := 5.0
## Seconds between keep-alives to the server while hosting.
@export_range(0.5, 60.0, 0.5, "suffix:s") var keep_alive_interval := 5.0
## Talk to an original server: send requests without a nonce and trust its answers without one.
## Leave it off with this project's server, whose answers must then echo our nonce, so that a
## forged answer from the server's address is dropped.
@export var original_server := false

@export_group("Punching")
## Seconds between punch packets to a peer not heard from yet.
@export_range(0.01, 1.0, 0.01, "suffix:s") var punch_interval := 0.05
## Seconds between packets that keep a punched hole open.
@export_range(0.05, 5.0, 0.05, "suffix:s") var keep_open_interval := 0.25
## Seconds to wait for a peer's first packet before asking for a relay (or, without one,
## [signal punch_failed]); a claimed LAN address is probed no longer than this.
@export_range(0.1, 60.0, 0.1, "suffix:s") var punch_timeout := 3.0
## Seconds of silence on the path in use after which a peer counts as gone: [signal peer_lost];
## a client ends its attempt, a host goes on with the others.
@export_range(0.5, 120.0, 0.5, "suffix:s") var peer_timeout := 5.0
## Ask the server for a relay when punching towards a peer fails.
@export var use_relay := true
## Seconds to wait for a relay to be granted and bound before [signal punch_failed].
@export_range(0.1, 60.0, 0.1, "suffix:s") var relay_timeout := 5.0

@export_group("Handover")
## Seconds between resends of JH to a client that has not answered.
@export_range(0.01, 1.0, 0.01, "suffix:s") var handover_interval := 0.05
## Host: seconds of silence from a client after JH that count as its answer (its JD was lost
## and it already started its game client).
@export_range(0.1, 10.0, 0.1, "suffix:s") var handover_silence := 1.0
## Host: seconds after the first JH to a client after which it no longer holds the handover up,
## whatever it sends (a client that keeps punching instead of answering is left behind).
@export_range(0.1, 30.0, 0.1, "suffix:s") var handover_deadline := 3.0
## Client: after answering JH, seconds without a further JH before starting the game client
## even though no JG came (all copies lost, or a host that sends none).
@export_range(0.1, 10.0, 0.1, "suffix:s") var handover_timeout := 1.0

@export_group("Network")
## Local UDP port to punch from; 0 lets the system pick a free one.
@export_range(0, 65535) var local_port := 0
## The LAN IPv4 address to tell peers; empty finds one with [method IP.get_local_addresses].
## When set, it also defines our own subnet for [member lan_subnet_bits].
@export var lan_address := ""
## Prefix length of our own subnets: a peer's claimed LAN address is probed only inside them.
@export_range(8, 32) var lan_subnet_bits := 24

@export_group("Limits")
## Most peers at once (the server's default cap per session is 32); further introductions are
## dropped, as is a peer that already failed in this session.
@export_range(1, 1024) var max_peers := 32
## Most datagrams handled per frame; the rest wait for the next frame, so a flood cannot stall
## the game.
@export_range(1, 65536) var max_datagrams_per_frame := 256

@export_group("Debugging")
## Print every datagram sent and received, with a millisecond clock, for debugging a network.
@export var trace_datagrams := false

## Where this node is in a session's life.
var phase: Phase = Phase.IDLE
## Datagrams dropped: malformed, from an address the server did not introduce, or not valid
## where they arrived (a wrong nonce or secret, a path not in use).
var dropped_datagrams := 0

var _role: _Role = _Role.NONE
var _socket := HolePunchSocket.new()
var _server: HolePunchServerLink
var _peers: HolePunchPeers
var _names: HolePunchNames
var _session_id := ""
var _lan_key := ""
var _public_key := ""
var _last_join_host := 0.0
var _handover := ["", 0]


## The UDP port this node punched from (0 before a session starts).
func get_local_port() -> int:
	return _socket.bound_port()


## The session id: the host's code, or the one joined.
func get_session_id() -> String:
	return _session_id


func _api_host_session(serv_key: String, alias: String) -> void:
	if _begin(_Role.HOST, serv_key, alias):
		_server.request(HolePunchProtocol.encode_host_session(_lan_key, _server.nonce), _now())


func _api_join_session(id: String, alias: String) -> void:
	if not HolePunchProtocol.is_session_id(id):
		push_error("HolePunch.join_session: \"%s\" is not a session id" % id)
		bad_session.emit(id)
	elif _begin(_Role.JOINER, id.left(HolePunchProtocol.KEY_LENGTH), alias):
		_session_id = id
		_server.request(HolePunchProtocol.encode_join_session(_lan_key, id, _server.nonce), _now())


func _api_random_session(serv_key: String, alias: String) -> void:
	if _begin(_Role.RANDOM, serv_key, alias):
		_server.request(HolePunchProtocol.encode_random_session(_lan_key, _server.nonce), _now())


func _api_close_session() -> void:
	if phase == Phase.REQUESTING or (phase == Phase.PUNCHING and not _is_host()):
		_stop() # A client closing means leaving: nothing is handed over.
	elif phase == Phase.PUNCHING:
		phase = Phase.CLOSING
		_tick(_now())


func _api_get_host() -> String:
	if _is_host() or _peers == null or _peers.first() == null:
		return _public_key
	return _peers.first().key()


func _process(_delta: float) -> void:
	for i in max_datagrams_per_frame: # The rest waits for the next frame: a flood cannot stall it.
		var datagram := _socket.receive()
		if datagram.is_empty():
			break
		_receive(datagram[0], datagram[1], datagram[2])
	if _socket.is_open():
		_tick(_now())


func _exit_tree() -> void:
	_socket.close()


func _begin(role: _Role, serv_key: String, alias: String) -> bool:
	if phase != Phase.IDLE and phase != Phase.DONE:
		push_error("HolePunch: a session is already under way (phase %s)" % Phase.keys()[phase])
		return false
	if not HolePunchProtocol.is_name(alias):
		push_error("HolePunch: alias \"%s\" must be 1 to %d printable ASCII characters without ':'" % [alias, HolePunchProtocol.MAX_NAME_LENGTH])
		return false
	if HolePunchProtocol.decode_key(serv_key).is_empty():
		push_error("HolePunch: \"%s\" is not a server key" % serv_key)
		bad_server.emit(serv_key)
		return false
	_stop()
	var err := _socket.open(local_port)
	if err != OK:
		push_error("HolePunch: cannot bind UDP port %d: %s" % [local_port, error_string(err)])
		bad_server.emit(serv_key)
		return false
	_socket.trace = trace_datagrams
	_role = role
	_server = HolePunchServerLink.new(self, serv_key, not original_server)
	_peers = HolePunchPeers.new(self)
	_names = HolePunchNames.new(alias, max_peers)
	_lan_key = HolePunchProtocol.encode_key(HolePunchSocket.find_lan_address(lan_address), _socket.bound_port())
	phase = Phase.REQUESTING
	return true


func _stop() -> void:
	_socket.close()
	phase = Phase.IDLE
	_role = _Role.NONE
	_session_id = ""
	_public_key = ""
	_peers = null


# --- Receiving ---------------------------------------------------------------------------

func _receive(packet: PackedByteArray, ip: String, port: int) -> void:
	# The sender first: nothing from an address we do not know is even parsed.
	var from_server := _server.is_at(ip, port)
	var peer := null if from_server or _peers == null else _peers.at(ip, port)
	if not from_server and peer == null:
		dropped_datagrams += 1
		return
	var message := HolePunchProtocol.parse(packet)
	if message.is_empty() or from_server != _SERVER_CODES.has(message.code) or (from_server and not _server.accepts(message)):
		# A client that lost its JD already runs its game client: its first ENet packet answers.
		if message.is_empty() and phase == Phase.CLOSING and peer.handing_over() and peer.path_at(ip, port) == peer.path:
			peer.done = true
		dropped_datagrams += 1
		return
	if peer != null and message.get("secret", peer.secret) != peer.secret:
		dropped_datagrams += 1 # Between two peers of ours, whoever lacks the pair's secret is a stranger.
		return
	_dispatch(message, ip, port)


func _on_host_registered(message: Dictionary, _ip: String, _port: int) -> void:
	if phase != Phase.REQUESTING or _role == _Role.JOINER:
		return # A duplicate answer, or one we never asked for.
	_public_key = message.remote_key
	_session_id = message.session_id
	_enter_punching()
	if _role == _Role.HOST:
		start_session.emit(_session_id)


func _on_join_registered(message: Dictionary, _ip: String, _port: int) -> void:
	if phase != Phase.REQUESTING or _role == _Role.HOST:
		return
	_public_key = message.joiner_remote_key
	_peers.add(message.host_remote_key, message.host_local_key, message.secret, _public_key)
	var was_random := _role == _Role.RANDOM
	_role = _Role.JOINER
	_enter_punching()
	# The server told the host in one NJ, which may be lost: repeat the request (the server
	# answers a duplicate with NJ and JR again) until the host is heard, less often each time.
	_server.repeat(_now())
	if was_random:
		start_random.emit()
	else:
		start_session.emit(_session_id)


func _on_new_joiner(message: Dictionary, _ip: String, _port: int) -> void:
	if phase == Phase.PUNCHING and _is_host() and _peers.find(message.joiner_remote_key) == null:
		if not _peers.add(message.joiner_remote_key, message.joiner_local_key, message.secret, _public_key):
			dropped_datagrams += 1 # Full, or a peer that already failed in this session.


func _on_bad_key(message: Dictionary, _ip: String, _port: int) -> void:
	if phase == Phase.REQUESTING and _role == _Role.JOINER and message.session_id == _session_id:
		_stop()
		bad_session.emit(message.session_id)


func _on_refused(message: Dictionary, _ip: String, _port: int) -> void:
	if phase == Phase.REQUESTING:
		_stop()
		refused.emit(message.reason)


func _on_peer_ready(message: Dictionary, ip: String, port: int) -> void:
	if _peers.at(ip, port).secret == "":
		_on_punch(message.names, ip, port)
	else:
		dropped_datagrams += 1 # Our peer sends RV: an RD on its path comes from someone else.


func _on_peer_ready_verified(message: Dictionary, ip: String, port: int) -> void:
	_on_punch(message.names, ip, port) # The secret was checked on arrival.


func _on_punch(names: PackedStringArray, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	var first := peer.path == ""
	if not _hear(peer, peer.path_at(ip, port)):
		return
	if first and phase == Phase.PUNCHING:
		_send_to(_punch_packet(peer), ip, port) # Answer at once: the peer learns the path sooner.
	if peer.name == "":
		peer.name = names[0] # A peer's alias is the first name of its first packet, and only that.
		if _names.add(peer.name):
			new_name.emit(peer.name)
	if not _is_host(): # A client takes the other clients' names from its host.
		for i in range(1, names.size()):
			if _names.add(names[i]):
				new_name.emit(names[i])
	if first and _role == _Role.RANDOM and phase == Phase.PUNCHING:
		start_random.emit()
		_api_close_session()


## Takes a packet from [param peer] heard on [param heard_on]: the first one sets the path; a
## better path replaces it only while punching (the LAN only while it is still probed); after JH
## a packet keeps the peer alive but changes nothing. Returns whether the packet counts.
func _hear(peer: HolePunchPeer, heard_on: String) -> bool:
	var now := _now()
	if heard_on != peer.path:
		var better: bool = _PATH_RANK[heard_on] > _PATH_RANK[peer.path] and (heard_on != "local" or now - peer.started < punch_timeout)
		if peer.path != "" and not (better and phase == Phase.PUNCHING and not peer.handing_over()):
			dropped_datagrams += 1
			return false
		peer.path = heard_on
		if heard_on != "relay":
			peer.relay.stop_trying() # A direct path: no relay needed.
		peer_path.emit(peer.public_key, heard_on)
	peer.last_heard = now
	return not peer.handing_over()


func _on_join_host(message: Dictionary, ip: String, port: int) -> void:
	if _is_host() or (phase != Phase.PUNCHING and phase != Phase.HANDING_OVER):
		return
	var host := _peers.first()
	var heard_on := host.path_at(ip, port)
	# Only to one of the host's own addresses, and only on the path in use (or as the first
	# packet through, when every RD was lost).
	if not message.host_key in [host.public_key, host.lan_key, host.relay.key] or (host.path != "" and heard_on != host.path) or not _hear(host, heard_on):
		dropped_datagrams += 1
		return
	_send_to(HolePunchProtocol.encode_join_done(host.secret), ip, port)
	_last_join_host = _now()
	if phase == Phase.PUNCHING:
		_handover = [ip, port] # Connect to where JH came from: that path is proven open.
		phase = Phase.HANDING_OVER


func _on_join_go(_message: Dictionary, ip: String, port: int) -> void:
	# The host frees its port right after JG: the game client's first packet finds its server.
	if phase == Phase.HANDING_OVER and _handover == [ip, port]:
		_finish_client()


func _on_relay_granted(message: Dictionary, _ip: String, _port: int) -> void:
	var peer := _peers.find(message.peer_key)
	if peer == null or peer.path != "" or not peer.relay.grant(message.relay_key, message.token, _server.ip, _now()):
		dropped_datagrams += 1 # A duplicate, a grant for a peer already reached, or a relay elsewhere.


func _on_relay_bound(message: Dictionary, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	if peer.path_at(ip, port) == "relay" and peer.relay.bind(message.token):
		peer.next_ping = _now() # Punch packets now go through the relay too.


func _on_join_done(_message: Dictionary, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	if phase == Phase.CLOSING and peer.handing_over() and peer.path_at(ip, port) == peer.path:
		peer.done = true


# --- Sending on time ---------------------------------------------------------------------

func _tick(now: float) -> void:
	if phase == Phase.REQUESTING and _server.timed_out(now):
		_stop()
		bad_server.emit(_server.key)
	elif phase == Phase.REQUESTING:
		_server.resend(now)
	elif phase == Phase.HANDING_OVER and now - _last_join_host >= handover_timeout:
		_finish_client()
	elif phase == Phase.PUNCHING or phase == Phase.CLOSING:
		for gone: Array in _peers.tick(now):
			var peer: HolePunchPeer = gone[0]
			if gone[1] == HolePunchPeers.Gone.LOST:
				peer_lost.emit(peer.public_key)
			else:
				punch_failed.emit(peer.public_key)
			if not _is_host():
				_stop()
				return
		if phase == Phase.PUNCHING and not _is_host() and _peers.first().path == "":
			_server.resend(now)
		elif phase == Phase.PUNCHING and _is_host():
			_server.keep_alive(now, _session_id)
		elif phase == Phase.CLOSING and _peers.hand_over(now, {"local": _lan_key, "public": _public_key}):
			_finish_host()


func _finish_host() -> void:
	# The session ends at the server only now: a peer still punching may need it for a relay.
	for copy in 3: # No answer can come back once the port is freed: copies survive loss.
		_server.send(HolePunchProtocol.encode_close_session(_session_id))
		for peer in _peers.all():
			var to := peer.endpoint()
			_send_to(HolePunchProtocol.encode_join_go(peer.secret), to[0], to[1])
	var port := _socket.bound_port()
	_socket.close()
	phase = Phase.DONE
	start_server.emit(port)


func _finish_client() -> void:
	var port := _socket.bound_port()
	_socket.close()
	phase = Phase.DONE
	start_client.emit(_handover[0], _handover[1], port)


func _enter_punching() -> void:
	phase = Phase.PUNCHING
	_server.start_keep_alive(_now())


## The punch packet for [param peer]: RV with the pair's secret, or RD; as many names as fit.
func _punch_packet(peer: HolePunchPeer) -> PackedByteArray:
	if peer.secret == "":
		return HolePunchProtocol.encode_peer_ready(_names.fitting(HolePunchProtocol.PEER_READY))
	var names := _names.fitting(HolePunchProtocol.PEER_READY_VERIFIED, PackedStringArray([peer.secret]))
	return HolePunchProtocol.encode_peer_ready_verified(peer.secret, names)


## RQ for [param peer]. A random joiner is never told its session id: it names the server key
## with a fixed suffix, and the server finds the session by the pair.
func _relay_request(peer: HolePunchPeer) -> PackedByteArray:
	var id := _session_id if _session_id != "" else _server.key + _RANDOM_SUFFIX
	return HolePunchProtocol.encode_relay_request(id, peer.public_key, _server.nonce)


func _send_to(packet: PackedByteArray, ip: String, port: int) -> void:
	_socket.send(packet, ip, port)


func _is_host() -> bool:
	return _role == _Role.HOST or (_role == _Role.RANDOM and phase != Phase.REQUESTING)


static func _now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0
