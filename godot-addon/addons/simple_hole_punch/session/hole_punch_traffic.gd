extends "hole_punch_session_state.gd"
## A [HolePunch] node's session, its traffic: which datagrams it admits (the sender first, then the
## message, then the pair's secret) before the generated dispatch routes them to
## [code]hole_punch_messages.gd[/code]; what it sends on time in each phase; and the handover of
## the port to the game. See [code]hole_punch_session_state.gd[/code] for the layers.

## Host: the players refused in this session, answered again when they keep punching.
var _refusals: HolePunchRefusals
## The port punched from, which goes to the game.
var _bound_port := 0
## Client: when the host's last JH came, and where from ([code][ip, port][/code]: the game connects there).
var _last_join_host := 0.0
var _handover := ["", 0]
## Host: the game's datagrams that came to the punching socket from clients being handed over
## ([code][packet, ip, port][/code]): a client whose node runs its game connects on JH. The node's
## game takes them on once it runs ([code]HolePunchGamePeer.take_early()[/code]); the game's own
## ENet cannot, and its clients' resends reach it.
var _early_game: Array[Array] = []
## Most such datagrams kept: a client's connect request and its copy, a few times over.
const MAX_EARLY_GAME := 16

func _receive(packet: PackedByteArray, ip: String, port: int) -> void:
	# The sender first: nothing from an address we do not know is even parsed.
	var from_server := _server.is_at(ip, port)
	if not from_server and _server.relay_pings.is_pinging(ip, port):
		var echo := HolePunchProtocol.parse(packet) as HolePunchProtocol.RelayEcho
		if echo == null or not _server.relay_pings.hear(echo, ip, port, _now()):
			dropped_datagrams += 1
		return
	var peer := null if from_server or _peers == null else _peers.at(ip, port)
	if not from_server and peer == null:
		dropped_datagrams += 1
		var again := PackedByteArray() if _refusals == null else _refusals.answer(packet, ip, port, _now())
		if not again.is_empty(): # A refused player still punching: its RJ was lost.
			_send_to(again, ip, port)
		return
	var message := HolePunchProtocol.parse(packet)
	if message == null or from_server != HolePunchProtocol.SERVER_CODES.has(message.code) or (from_server and not _server.accepts(message)):
		# A client that lost its JD already runs its game client: its first ENet packet answers.
		if message == null and phase == Phase.CLOSING and peer != null and peer.handing_over() and peer.path_at(ip, port) == peer.path:
			peer.done = true
			if _early_game.size() < MAX_EARLY_GAME:
				_early_game.append([packet, ip, port]) # Its connect request: the game takes it on once it runs.
		dropped_datagrams += 1
		return
	if peer != null and (message.field("secret", peer.secret) != peer.secret or message.code == HolePunchProtocol.PEER_READY and peer.secret != ""):
		dropped_datagrams += 1 # Between two peers of ours (RV, not RD), whoever lacks the pair's secret is a stranger.
		return
	_dispatch(message, ip, port)


func _tick(now: float) -> void:
	if phase == Phase.REQUESTING and _traversal.waiting():
		pass # The first request waits for the NAT diagnosis (at most nat_timeout).
	elif phase == Phase.REQUESTING and _server.timed_out(now):
		_stop()
		_node.bad_server.emit(_server.key)
		_fail(HolePunchBase.Failure.SERVER_SILENT, "%s:%d" % [_server.ip, _server.port]) # Where we sent: a key says nothing to a person.
	elif phase == Phase.REQUESTING:
		_server.resend(now)
	elif phase == Phase.HANDING_OVER and now - _last_join_host >= _settings.handover_timeout:
		_finish_client()
	elif phase == Phase.PUNCHING or phase == Phase.CLOSING:
		if _server.relay_pings.finish(now):
			_peers.ask_relays_again(now) # With the round trips, at once.
		for gone: Array in _peers.tick(now):
			var peer: HolePunchPeer = gone[0]
			var lost: bool = gone[1] == HolePunchPeers.Gone.LOST
			(_node.peer_lost if lost else _node.punch_failed).emit(peer.public_key)
			if _is_host():
				_node.player_left.emit(peer.public_key, HolePunchAlias.decode(peer.name), "lost" if lost else "unreachable")
			else:
				_stop()
				var why := HolePunchBase.Failure.HOST_LOST if lost else HolePunchBase.Failure.RELAY_UNAVAILABLE if _settings.use_relay else HolePunchBase.Failure.PUNCHING_FAILED
				_fail(why, peer.public_key)
				return
		if _is_host():
			dropped_datagrams += _admission.admit_waiting(now) # Peers whose JP is no longer awaited.
		if _peers == null:
			return # A handler ended the session.
		if phase == Phase.PUNCHING and not _is_host() and _peers.first().path == "":
			_server.resend(now)
		elif phase == Phase.PUNCHING and _is_host():
			_server.keep_alive(now, _session_id)
		elif phase == Phase.CLOSING and _peers.hand_over(now, {"local": _lan_key, "public": _public_key}):
			_finish_host()


func _finish_host() -> void:
	# The session ends at the server only now: a peer still punching may need it for a relay.
	var late := (_settings.keep_open or _settings.rejoin_grace > 0.0) and _settings.manage_game_peer and _server.nonce != ""
	_server.close_session(_session_id, 0 if late else 3) # No answer can come back once the port is freed: copies survive loss.
	_peers.send_go(3)
	_game.expect(_peers.all(), [_server.ip, _server.port])
	_finish(_node.start_server, [_bound_port])
	var early := _early_game
	_early_game = []
	_game.take_early(early)
	if late and _game.peer != null:
		_start_late_join()


func _finish_client() -> void:
	_game.expect(_peers.all(), [_server.ip, _server.port])
	_finish(_node.start_client, [_handover[0], _handover[1], _bound_port])


## Frees the port for the game, then tells the game with [param done].
func _finish(done: Signal, args: Array) -> void:
	_socket.close()
	phase = Phase.DONE
	HolePunchTrace.note("handover done: %s %s" % [done.get_name(), args])
	done.emit.callv(args)


func _enter_punching() -> void:
	phase = Phase.PUNCHING
	_server.start_keep_alive(_now()) # The first at once: it proves to the server that HR reached us, which confirms the session.


## What goes to [param peer] on each punch: our names, and a joiner's JP: its
## [member HolePunch.join_payload] (empty too: the host then knows it has all) and the proof of its
## [member HolePunch.password].
func _punch_packets(peer: HolePunchPeer) -> Array[PackedByteArray]:
	var packets: Array[PackedByteArray] = [_names.packet(peer.secret)]
	if not _is_host():
		var proof := HolePunchPassword.proof(_settings.password, peer.secret)
		packets.append(HolePunchProtocol.encode_join_payload(HolePunchAlias.encode(_settings.join_payload), peer.secret, proof))
	return packets


## Birthday probing got through on [param socket] to the peer at [param to] ([code][ip, port][/code]);
## its port is the one handed to ENet. A client takes it as its punching socket; a host keeps its
## registered socket for the server and its other peers (null [param socket]: the peer is gone).
func _take_socket(socket: PacketPeerUDP, to: Array) -> void:
	if _is_host():
		_socket.keep(socket, to)
	else:
		_socket.adopt(socket)
	_bound_port = _socket.game_port()
