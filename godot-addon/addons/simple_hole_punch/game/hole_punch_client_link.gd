extends RefCounted
## A client's game port, held by the node in front of the game's ENet client, which connects to it
## from loopback: ENet's datagrams go out from the punched port to the host (or the relay), and
## only the host's come back to ENet.
##
## ENet resends a reliable packet only when its wait runs out, doubles that wait at each resend
## (without bound), and holds back what it sent after it: through loss, a client's hello or the
## end of its authentication lost four or five times in a row waited 8 to 16 s for its next try,
## and a client let in on its side could go unheard by the host until ENet gave up on the
## connection (30 s). So while a connection is being made, and for [constant TWICE] seconds after
## the host let us in (the authentication's and the game's first packets), every datagram to the
## host goes out twice, the copy on the next read, as the host's gate does its own
## ([code]hole_punch_game_gate.gd[/code]): each is lost far less often.
##
## It reads on every physics and process frame, and ENet reads what it passed at once (its
## answers go out in the same read).
##
## The node's game client connects as soon as JH came, not on JG ([code]hole_punch_messages.gd[/code]):
## its connect request may reach the host's punching socket just before the host frees the port
## (a host of ours whose node runs the game takes it on there; the game's own ENet cannot). So
## while the host's ENet has not answered, the host's JH or JG (the host frees its port right
## after JG) sends what the attempt sent again, at once, instead of ENet's resend half a second on.
## It closes with [method close], or by itself once the connection it carried, past the
## handshake, is closed.

const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")

## Seconds after the host let us in during which datagrams to it still go out twice.
const TWICE := 3.0
## Most datagrams read each way per read: a flood cannot stall a frame.
const MAX_READ := 1024
## Most datagrams of an attempt kept to send again until the host's ENet answers.
const MAX_UNANSWERED := 8

## Datagrams on the game's port from anywhere but the host, dropped.
var dropped := 0
## Reads the game's packets as the game's own poll does ([method MultiplayerAPI.poll]), called on a
## process frame's read once ENet took what passed, as the gate does (empty: on the game's next frame).
var poll_game := Callable()
## Seconds: when the host was last heard (-1.0: never).
var heard := -1.0
var _outer := PacketPeerUDP.new()
var _inner := PacketPeerUDP.new()
var _tree: SceneTree
var _host := ""
var _host_ip := ""
var _host_port := 0
## Where the current attempt's ENet client reads (0: nothing sent yet).
var _enet_port := 0
## The current attempt's ENet client's port.
var _attempt_port := -1
## The ENet client of the current attempt, and whether the host let it in.
var _enet: ENetMultiplayerPeer
var _in := false
## Seconds (the tree's clock): until when datagrams to the host go out twice.
var _twice_until := INF
var _again: Array[PackedByteArray] = []
## What the current attempt sent before the host's ENet answered, sent again on JH or JG.
var _unanswered: Array[PackedByteArray] = []
## Whether the host's ENet answered the current attempt.
var _answered := false


## Binds the punched [param local_port] for [param tree]'s game, to reach the host at
## [param ip]:[param port].
func open(tree: SceneTree, local_port: int, ip: String, port: int) -> Error:
	if _outer.bind(local_port, "*") != OK:
		return ERR_CANT_CREATE
	if _inner.bind(0, "127.0.0.1") != OK:
		_outer.close()
		return ERR_CANT_CREATE
	_tree = tree
	_host_ip = ip
	_host_port = port
	_host = HolePunchRoster.address(ip, port)
	for sig: Signal in [tree.physics_frame, tree.process_frame]:
		sig.connect(_pump)
	return OK


## Makes [param enet] an ENet client of the host through this link (a fresh attempt).
func connect_client(enet: ENetMultiplayerPeer) -> Error:
	enet.set_bind_ip("127.0.0.1")
	# ENet does not say which port it bound when given none: it is given one that was free.
	var err := ERR_CANT_CREATE
	var local := 0
	for i in 3:
		local = _free_loopback_port()
		err = enet.create_client("127.0.0.1", _inner.get_local_port(), 0, 0, 0, local)
		if err == OK:
			break
	if err != OK:
		return err
	_enet = enet
	_enet_port = 0
	_attempt_port = local
	_in = false
	_twice_until = INF
	_unanswered.clear()
	_answered = false
	enet.get_host().flush() # The connect request goes now, not on the game's next frame.
	_forward(_now())
	return OK


## The host let us in: the copies stop [constant TWICE] seconds later.
func let_in() -> void:
	_in = true
	_twice_until = _now() + TWICE


## Sends [param packet] to [param ip]:[param port] from the game's port.
func socket_send(ip: String, port: int, packet: PackedByteArray) -> void:
	if _outer.is_bound():
		_outer.set_dest_address(ip, port)
		_outer.put_packet(packet)


## The host is now reached at [param ip]:[param port] (its relay node went silent, and a new one
## relays it): ENet's connection goes on there.
func repoint(ip: String, port: int) -> void:
	_host_ip = ip
	_host_port = port
	_host = HolePunchRoster.address(ip, port)


## [ip, port] of the host (or the relay) the game's datagrams go to: where ENet's connection,
## which ENet sees on loopback, really goes.
func remote() -> Array:
	return [_host_ip, _host_port]


func is_open() -> bool:
	return _outer.is_bound()


## Sends out what ENet still sent (its goodbye to a game that closed), then frees the port.
func close() -> void:
	if _tree == null:
		return
	_forward(_now())
	for sig: Signal in [_tree.physics_frame, _tree.process_frame]:
		if sig.is_connected(_pump):
			sig.disconnect(_pump)
	_tree = null
	_outer.close()
	_inner.close()
	_enet = null


static func _free_loopback_port() -> int:
	var probe := PacketPeerUDP.new()
	probe.bind(0, "127.0.0.1")
	var port := probe.get_local_port()
	probe.close()
	return port


func _now() -> float:
	return Time.get_ticks_msec() / 1000.0


func _pump() -> void:
	var now := _now()
	# ENet reads what passes at once only while the game has taken all it read before: ENet could
	# read the host's goodbye, and the game would drop what came before it (as the gate does).
	var idle := _enet != null and _enet.get_available_packet_count() == 0
	var passed := false
	var nudged := false
	for i in MAX_READ:
		if _outer.get_available_packet_count() == 0:
			break
		var data := _outer.get_packet()
		if HolePunchRoster.address(_outer.get_packet_ip(), _outer.get_packet_port()) != _host or _enet_port == 0:
			dropped += 1
			continue
		heard = now
		if not _answered and _is_handover(data):
			nudged = true
			continue
		_answered = true
		_unanswered.clear()
		_inner.set_dest_address("127.0.0.1", _enet_port)
		_inner.put_packet(data)
		passed = true
	if nudged and not _answered:
		for data in _unanswered:
			_send(data) # The host's port may have been freed only now: ENet's resend would wait.
	# ENet answers what came now, not on the game's next frame, and what the game said since ENet
	# last sent goes out now too.
	if passed and idle and _live():
		_enet.poll()
		if poll_game.is_valid() and not Engine.is_in_physics_frame() and _live():
			poll_game.call()
			if _tree == null:
				return # The game's connection ended as it read (close() sent its last words).
	if _live():
		_enet.get_host().flush()
	_forward(now)
	if _in and _enet != null and _enet.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED:
		close() # The game's connection ended.


## Whether the current attempt's ENet client is still open.
func _live() -> bool:
	return _enet != null and _enet.get_connection_status() != MultiplayerPeer.CONNECTION_DISCONNECTED


## Sends out to the host what ENet sent, and the copies due.
func _forward(now: float) -> void:
	for data in _again:
		_send(data)
	_again.clear()
	for i in MAX_READ:
		if _inner.get_available_packet_count() == 0:
			break
		var data := _inner.get_packet()
		if _inner.get_packet_ip() != "127.0.0.1" or _inner.get_packet_port() != _attempt_port:
			continue # Not the current attempt's ENet (an abandoned one's last words stay here).
		_enet_port = _inner.get_packet_port()
		_send(data)
		if not _answered and _unanswered.size() < MAX_UNANSWERED:
			_unanswered.append(data)
		if now < _twice_until:
			_again.append(data)


## Whether [param data] is the host node's JH or JG (its game's ENet has not answered yet).
static func _is_handover(data: PackedByteArray) -> bool:
	var message := HolePunchProtocol.parse(data)
	return message is HolePunchProtocol.JoinHost or message is HolePunchProtocol.JoinGo


func _send(data: PackedByteArray) -> void:
	_outer.set_dest_address(_host_ip, _host_port)
	_outer.put_packet(data)
