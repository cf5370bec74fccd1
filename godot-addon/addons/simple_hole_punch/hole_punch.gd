class_name HolePunch
extends HolePunchSettings
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
## ends: a silent peer in [signal peer_lost], a handover at [member handover_deadline]. Its
## timers and limits are in [HolePunchSettings].

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
var _bound_port := 0
var _traversal := HolePunchTraversal.new(self)

## This machine's NAT, once diagnosed ([signal nat_diagnosed]); [constant HolePunchNat.UNKNOWN]
## before, or when it could not be told.
var nat_type: HolePunchNat.NatType:
	get:
		return _traversal.nat.nat_type


## Diagnoses this machine's NAT against the server [param serv_key] now, for a lobby to show
## before a session starts; [signal nat_diagnosed] follows. [method host_session],
## [method join_session] and [method random_session] diagnose by themselves when it has not run.
func diagnose_nat(serv_key: String) -> void:
	if HolePunchProtocol.decode_key(serv_key).is_empty():
		push_error("HolePunch.diagnose_nat: \"%s\" is not a server key" % serv_key)
		return
	_traversal.diagnose(serv_key, _now())


## The UDP port this node punched from (0 before a session starts).
func get_local_port() -> int:
	return _bound_port


## The session id: the host's code, or the one joined.
func get_session_id() -> String:
	return _session_id


func _api_host_session(serv_key: String, alias: String) -> void:
	if _begin(_Role.HOST, serv_key, alias):
		_traversal.request(func(ext: Array) -> PackedByteArray: return HolePunchProtocol.encode_host_session(_lan_key, _server.nonce, ext[0], ext[1], ext[2]), _now())


func _api_join_session(id: String, alias: String) -> void:
	if not HolePunchProtocol.is_session_id(id):
		push_error("HolePunch.join_session: \"%s\" is not a session id" % id)
		bad_session.emit(id)
	elif _begin(_Role.JOINER, id.left(HolePunchProtocol.KEY_LENGTH), alias):
		_session_id = id
		_traversal.request(func(ext: Array) -> PackedByteArray: return HolePunchProtocol.encode_join_session(_lan_key, id, _server.nonce, ext[0], ext[1], ext[2]), _now())


func _api_random_session(serv_key: String, alias: String) -> void:
	if _begin(_Role.RANDOM, serv_key, alias):
		_traversal.request(func(ext: Array) -> PackedByteArray: return HolePunchProtocol.encode_random_session(_lan_key, _server.nonce, ext[0], ext[1], ext[2]), _now())


func _api_close_session() -> void:
	if phase == Phase.IDLE or phase == Phase.DONE:
		return
	if phase == Phase.REQUESTING or not _is_host():
		_stop() # A client closing means leaving: nothing is handed over.
	elif phase == Phase.PUNCHING:
		phase = Phase.CLOSING
		_tick(_now())


func _api_get_host() -> String:
	if _is_host() or _peers == null or _peers.first() == null:
		return _public_key
	return _peers.first().key()


func _process(_delta: float) -> void:
	_traversal.tick(_now())
	for i in max_datagrams_per_frame: # The rest waits for the next frame: a flood cannot stall it.
		var datagram := _socket.receive()
		if datagram.is_empty():
			break
		_receive(datagram[0], datagram[1], datagram[2])
	if _socket.is_open():
		_tick(_now())


func _exit_tree() -> void:
	_socket.close()
	_traversal.stop()
	_traversal.nat.stop()


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
	_bound_port = _socket.bound_port()
	_lan_key = HolePunchProtocol.encode_key(HolePunchSocket.find_lan_address(lan_address), _bound_port)
	_traversal.diagnose(serv_key, _now())
	phase = Phase.REQUESTING
	return true


func _stop() -> void:
	_socket.close()
	_traversal.stop()
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
	if message.is_empty() or from_server != HolePunchServerLink.CODES.has(message.code) or (from_server and not _server.accepts(message)):
		# A client that lost its JD already runs its game client: its first ENet packet answers.
		if message.is_empty() and phase == Phase.CLOSING and peer != null and peer.handing_over() and peer.path_at(ip, port) == peer.path:
			peer.done = true
		dropped_datagrams += 1
		return
	if peer != null and (message.get("secret", peer.secret) != peer.secret or message.code == HolePunchProtocol.PEER_READY and peer.secret != ""):
		dropped_datagrams += 1 # Between two peers of ours (RV, not RD), whoever lacks the pair's secret is a stranger.
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
	if _peers.add(message.host_remote_key, message.host_local_key, message.secret, _public_key):
		_traversal.introduce(_peers.first(), message.host_nat, message.host_ip6_prefix, message.host_ip6_host, false, _now())
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
		else:
			_traversal.introduce(_peers.find(message.joiner_remote_key), message.joiner_nat, message.joiner_ip6_prefix, message.joiner_ip6_host, true, _now())


func _on_bad_key(message: Dictionary, _ip: String, _port: int) -> void:
	if phase == Phase.REQUESTING and _role == _Role.JOINER and message.session_id == _session_id:
		_stop()
		bad_session.emit(message.session_id)


func _on_refused(message: Dictionary, _ip: String, _port: int) -> void:
	if phase == Phase.REQUESTING:
		_stop()
		refused.emit(message.reason)


func _on_peer_ready(message: Dictionary, ip: String, port: int) -> void:
	_on_punch(message.names, ip, port)


func _on_peer_ready_verified(message: Dictionary, ip: String, port: int) -> void:
	_on_punch(message.names, ip, port) # The secret was checked on arrival.


func _on_punch(names: PackedStringArray, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	var first := peer.path == ""
	if not _hear(peer, peer.path_at(ip, port)):
		return
	_traversal.heard(peer, ip, port)
	if first and phase == Phase.PUNCHING:
		_send_to(_names.packet(peer.secret), ip, port) # Answer at once: the peer learns the path sooner.
	for alias in _names.take(peer, names, not _is_host()):
		new_name.emit(alias)
	if first and _role == _Role.RANDOM and phase == Phase.PUNCHING:
		start_random.emit()
		_api_close_session()


## Takes a packet from [param peer] heard on [param heard_on] (see [method HolePunchPeer.hear]);
## returns whether it counts (after JH a packet only keeps the peer alive).
func _hear(peer: HolePunchPeer, heard_on: String) -> bool:
	var heard := peer.hear(heard_on, _now(), phase == Phase.PUNCHING, punch_timeout)
	if heard == HolePunchPeer.Heard.NEW_PATH:
		peer_path.emit(peer.public_key, "public" if heard_on == "ipv6" else heard_on)
	elif heard == HolePunchPeer.Heard.IGNORED:
		dropped_datagrams += 1
	return heard != HolePunchPeer.Heard.IGNORED and not peer.handing_over()


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
	if phase == Phase.REQUESTING and _traversal.waiting():
		pass # The first request waits for the NAT diagnosis (at most nat_timeout).
	elif phase == Phase.REQUESTING and _server.timed_out(now):
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
		elif phase == Phase.CLOSING and _peers.hand_over(now, {"local": _lan_key, "public": _public_key, "ipv6": _public_key}):
			_finish_host()


func _finish_host() -> void:
	# The session ends at the server only now: a peer still punching may need it for a relay.
	for copy in 3: # No answer can come back once the port is freed: copies survive loss.
		_server.send(HolePunchProtocol.encode_close_session(_session_id))
	_peers.send_go(3)
	_finish(start_server, [_bound_port])


func _finish_client() -> void:
	_finish(start_client, [_handover[0], _handover[1], _bound_port])


## Frees the port for the game, then tells the game with [param done].
func _finish(done: Signal, args: Array) -> void:
	_socket.close()
	phase = Phase.DONE
	done.emit.callv(args)


func _enter_punching() -> void:
	phase = Phase.PUNCHING
	_server.start_keep_alive(_now())


## Birthday probing got through on [param socket]: it becomes the punching socket (and its port
## the one handed to ENet).
func _adopt_socket(socket: PacketPeerUDP) -> void:
	_socket.adopt(socket)
	_bound_port = _socket.bound_port()


func _send_to(packet: PackedByteArray, ip: String, port: int) -> void:
	_socket.send(packet, ip, port)


func _is_host() -> bool:
	return _role == _Role.HOST or (_role == _Role.RANDOM and phase != Phase.REQUESTING)


static func _now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0
