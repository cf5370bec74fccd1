extends "hole_punch_machine.gd"
## What each message does to a [HolePunch] node's session: one [code]_on_*[/code] handler per
## message a client receives, each with its message typed as the schema says. The generated
## [code]generated/hole_punch_dispatch.gd[/code] routes every admitted message here; a message the
## schema adds without a handler reaches [code]_unhandled_message[/code], which drops it. The
## node's read-only queries ([method HolePunch.get_players] and the like) close the file.



func _on_host_registered(message: HolePunchProtocol.HostRegistered, _ip: String, _port: int) -> void:
	if phase != Phase.REQUESTING or _role == _Role.JOINER:
		return # A duplicate answer, or one we never asked for.
	_public_key = message.remote_key
	_session_id = message.session_id
	_enter_punching()
	if _role == _Role.HOST:
		_node.start_session.emit(_session_id)


func _on_join_registered(message: HolePunchProtocol.JoinRegistered, _ip: String, _port: int) -> void:
	# A stranger waiting as a random host with nobody yet may be matched as a joiner instead (the
	# server queued it again after an outage and found it another waiting stranger).
	var waiting_alone := phase == Phase.PUNCHING and _role == _Role.RANDOM and _peers.first() == null
	if (phase != Phase.REQUESTING and not waiting_alone) or _role == _Role.HOST:
		return
	if waiting_alone:
		HolePunchTrace.note("matched while waiting: the server answered (JR)")
		_server.start_keep_alive(INF) # Our own session is gone at the server: no more keep-alives for it.
		_session_id = "" # An answer about it (BK) must not end this one.
	else:
		HolePunchTrace.note("joined: the server answered (JR)")
	_public_key = message.joiner_remote_key
	var was_random := _role == _Role.RANDOM
	if _peers.add(message.host_remote_key, message.host_local_key, message.secret, _public_key):
		_traversal.introduce(_peers.first(), message.host_nat, message.host_ip6_prefix, message.host_ip6_host, false, was_random, _now())
	_role = _Role.JOINER
	if not waiting_alone:
		_enter_punching()
	# The server told the host in one NJ, which may be lost: repeat the request (the server
	# answers a duplicate with NJ and JR again) until the host is heard, less often each time.
	_server.repeat(_now())
	if was_random:
		_node.start_random.emit()
	else:
		_node.start_session.emit(_session_id)


func _on_new_joiner(message: HolePunchProtocol.NewJoiner, _ip: String, _port: int) -> void:
	if phase == Phase.PUNCHING and _is_host() and _session_id != "":
		# The server takes a host that stays silent while a joiner waits for gone: say we are here.
		_server.say_alive(_session_id)
	if phase == Phase.PUNCHING and _is_host() and _peers.find(message.joiner_remote_key) == null:
		HolePunchTrace.note("the server introduced a joiner (NJ)")
		if not _peers.add(message.joiner_remote_key, message.joiner_local_key, message.secret, _public_key):
			dropped_datagrams += 1 # Full, or a peer that already failed in this session.
		else:
			_traversal.introduce(_peers.find(message.joiner_remote_key), message.joiner_nat, message.joiner_ip6_prefix, message.joiner_ip6_host, true, _role == _Role.RANDOM, _now())


func _on_bad_key(message: HolePunchProtocol.BadKey, _ip: String, _port: int) -> void:
	if _role != _Role.JOINER or message.session_id != _session_id:
		return
	if phase == Phase.REQUESTING:
		_stop()
		_node.bad_session.emit(message.session_id)
		_fail(HolePunchBase.Failure.CODE_UNKNOWN, message.session_id)
	elif phase == Phase.PUNCHING:
		# The answer to a repeated JS: the session ended since JR (its host left or went silent).
		_stop()
		_fail(HolePunchBase.Failure.HOST_LEFT, message.session_id)


func _on_refused(message: HolePunchProtocol.Refused, _ip: String, _port: int) -> void:
	if phase == Phase.REQUESTING:
		_stop()
		_node.refused.emit(message.reason)
		_fail(HolePunchBase.REASON_FAILURES[message.reason], message.reason)


func _on_peer_ready(message: HolePunchProtocol.PeerReady, ip: String, port: int) -> void:
	_on_punch(message.names, ip, port)


func _on_peer_ready_verified(message: HolePunchProtocol.PeerReadyVerified, ip: String, port: int) -> void:
	_on_punch(message.names, ip, port) # The secret was checked on arrival.


func _on_punch(names: PackedStringArray, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	var first := peer.path == ""
	# Before anything else, the handover included: a probing peer listens where it last sent from.
	_traversal.heard(peer, ip, port)
	if not _hear(peer, peer.path_at(ip, port)):
		return
	if first:
		HolePunchTrace.note("punched %s:%d" % [ip, port])
	if first and phase == Phase.PUNCHING:
		_send_to(_names.packet(peer.secret), ip, port) # Answer at once: the peer learns the path sooner.
	var unnamed := peer.name == ""
	if first:
		peer.named_at = minf(peer.named_at, _now())
	for alias in _names.take(peer, names, not _is_host()):
		_node.new_name.emit(HolePunchAlias.decode(alias))
	if unnamed and peer.name != "" and _is_host():
		if not _admission.admit(peer, _now()):
			dropped_datagrams += 1
		if _peers == null or _peers.find(peer.public_key) != peer:
			return # Refused, or the game ended the session in a handler.
	elif unnamed and peer.name != "" and _game.rejoin.is_empty(): # Each peer once, whatever its alias: aliases may repeat; a rejoin's host is known.
		_node.player_joined.emit(peer.public_key, HolePunchAlias.decode(peer.name))
	if first and _role == _Role.RANDOM and phase == Phase.PUNCHING:
		_node.start_random.emit()
		close_session()


## Takes a packet from [param peer] heard on [param heard_on] (see
## [code]HolePunchPeer.hear()[/code]); returns whether it counts (after JH a packet only keeps the
## peer alive).
func _hear(peer: HolePunchPeer, heard_on: String) -> bool:
	var was := peer.shown_path() if peer.path != "" else ""
	var heard := peer.hear(heard_on, _now(), phase == Phase.PUNCHING, _settings.punch_timeout)
	if heard == HolePunchPeer.Heard.NEW_PATH:
		_node.peer_path.emit(peer.public_key, peer.shown_path())
		if was != "" and was != peer.shown_path() and (peer.admitted or not _is_host()):
			_node.player_path.emit(peer.public_key, peer.shown_path()) # A player of get_players() took a better path.
	elif heard == HolePunchPeer.Heard.IGNORED:
		dropped_datagrams += 1
	return heard != HolePunchPeer.Heard.IGNORED and not peer.handing_over()


func _on_join_host(message: HolePunchProtocol.JoinHost, ip: String, port: int) -> void:
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
		HolePunchTrace.note("handover heard (JH) from %s:%d" % [ip, port])
		phase = Phase.HANDING_OVER
		if _settings.manage_game_peer:
			# The node's game client connects now, not a round trip later on JG: a connect request
			# that reaches the host's punching socket still counts as JD there, and its game takes it
			# on (a host of ours that runs its game); the link sends it again when JH or JG comes
			# before the host's ENet answered ([code]hole_punch_client_link.gd[/code]).
			_finish_client()


func _on_join_go(_message: HolePunchProtocol.JoinGo, ip: String, port: int) -> void:
	# The host frees its port right after JG: the game client's first packet finds its server.
	if phase == Phase.HANDING_OVER and _handover == [ip, port]:
		_finish_client()


func _on_relay_nodes(message: HolePunchProtocol.RelayNodes, _ip: String, _port: int) -> void:
	# Only while asking for a relay: the node pings the candidates, then asks again with the figures.
	if not phase in [Phase.PUNCHING, Phase.CLOSING] or not _peers.asking_relay():
		dropped_datagrams += 1
		return
	_server.relay_pings.start(message.ticket, message.node_key, _now())


func _on_relay_granted(message: HolePunchProtocol.RelayGranted, _ip: String, _port: int) -> void:
	var peer := _peers.find(message.peer_key)
	if peer == null or peer.path != "" or not peer.relay.grant(message.relay_key, message.token, _server.ip, _now(), message.grant):
		dropped_datagrams += 1 # A duplicate, a grant for a peer already reached, or a relay elsewhere.


func _on_relay_bound(message: HolePunchProtocol.RelayBound, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	if peer.path_at(ip, port) == "relay" and peer.relay.bind(message.token):
		peer.next_ping = _now() # Punch packets now go through the relay too.


func _on_join_done(_message: HolePunchProtocol.JoinDone, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	if phase == Phase.CLOSING and peer.handing_over() and peer.path_at(ip, port) == peer.path:
		peer.done = true


# --- The lobby on the host ---------------------------------------------------------------

func _on_join_payload(message: HolePunchProtocol.JoinPayload, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	if not _is_host() or not phase in [Phase.PUNCHING, Phase.CLOSING] or peer.payload_heard or peer.handing_over():
		return
	if not _admission.hear_payload(peer, message.payload, message.password, _now()):
		dropped_datagrams += 1


func _on_leave(_message: HolePunchProtocol.Leave, ip: String, port: int) -> void:
	var peer := _peers.at(ip, port)
	if peer.secret == "" or not phase in [Phase.PUNCHING, Phase.CLOSING, Phase.HANDING_OVER]:
		dropped_datagrams += 1 # Only a peer of ours, proven by the pair's secret, leaves this way.
	elif not _is_host():
		_stop() # Our only peer is the host.
		_fail(HolePunchBase.Failure.HOST_LEFT, peer.public_key)
	else:
		_peers.remove(peer)
		if peer.name != "":
			_node.player_left.emit(peer.public_key, HolePunchAlias.decode(peer.name), "left")


func _on_refused_join(message: HolePunchProtocol.RefusedJoin, _ip: String, _port: int) -> void:
	if not _is_host() and (phase == Phase.PUNCHING or phase == Phase.HANDING_OVER):
		_stop()
		var reason := HolePunchAlias.decode(message.reason)
		_fail(HolePunchFailures.of_refusal(reason), reason)


func refuse_player(key: String, reason: String) -> Error:
	var peer := _peers.find(key) if _peers != null and _is_host() and (phase == Phase.PUNCHING or phase == Phase.CLOSING) else null
	var in_game := peer == null and _game.roster.is_hosting() and _game.roster.players().has(key)
	if peer == null and not in_game:
		return ERR_DOES_NOT_EXIST
	if HolePunchAlias.encode(reason) == "":
		return ERR_INVALID_PARAMETER
	if in_game: # A late joiner, or a player handed over: the game's peer lets it go.
		return OK if _game.roster.refuse(key, HolePunchAlias.encode(reason)) else ERR_DOES_NOT_EXIST
	_admission.refuse(peer, reason)
	if peer.joined:
		_node.player_left.emit(key, HolePunchAlias.decode(peer.name), "removed")
	return OK


func _on_return_cookie(message: HolePunchProtocol.ReturnCookie, _ip: String, _port: int) -> void:
	HolePunchTrace.note("the server's cookie (RC)")
	if not _server.heard_cookie(message, _now()):
		dropped_datagrams += 1 # No join or random request of ours waits for it.


func _on_nat_answer(_message: HolePunchProtocol.NatAnswer, _ip: String, _port: int) -> void:
	dropped_datagrams += 1 # The NAT diagnosis has a socket of its own (HolePunchNat): none is awaited here.


func _on_lobby_listed(message: HolePunchProtocol.LobbyListed, _ip: String, _port: int) -> void:
	if not _server.heard_listed(message, _session_id):
		dropped_datagrams += 1 # No listing awaited its answer.


func _on_ip6_answer(message: HolePunchProtocol.Ip6Answer, ip: String, _port: int) -> void:
	if not _server.heard_ip6_answer(message, ip):
		dropped_datagrams += 1 # Not from the server's IPv6 address, or not awaited.


# --- Queries ------------------------------------------------------------------------------

func get_nat_type() -> HolePunchNat.NatType:
	return nat_type

func get_local_port() -> int:
	return _bound_port


func get_session_id() -> String:
	return _session_id

func get_players() -> Dictionary:
	return HolePunchPlayers.of(HolePunchPeers.none() if _peers == null else _peers.all(), _is_host(), _game)


func get_peer_id(key: String) -> int:
	return _game.peer_id(key)


func get_peer_address(peer_id: int) -> Array:
	return _game.remote_address(peer_id)


func get_host() -> String:
	if _is_host() or _peers == null or _peers.first() == null:
		return _public_key
	return _peers.first().key()


func _unhandled_message(_message: HolePunchProtocol.Message) -> void:
	dropped_datagrams += 1 # A message the schema has and this node does not handle.
