extends RefCounted
## Moves a game connection relayed through a relay node off that node when it goes silent, under
## ENet: the connection lives on, and the game sees nothing but a pause.
##
## When nothing came from the relay for [constant SILENCE] seconds, this side asks the server for
## the same pair on another node (RR, from a socket of its own: the server needs no session, the
## pair's last grant stands for it, and the server answers only the two addresses it names), pings
## the nodes the server lists, asks again with the round trips (the silent node, dead, has none:
## one that answers is alive, the silence is the peer's, and the rebind ends there), and once
## granted (the server waits for both sides, so both get the same node) points the game's
## connection at the new relay ([code]moved[/code]) and binds there from the game's
## port (RB, until the game is heard through it). A rebind that takes longer than
## [constant GIVE_UP] seconds is dropped: the game's own timeout then ends the connection as before.

const HolePunchNonce := preload("../session/hole_punch_nonce.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRelayPings := preload("../traversal/hole_punch_relay_pings.gd")
const HolePunchRetry := preload("../session/hole_punch_retry.gd")
const HolePunchSocket := preload("../traversal/hole_punch_socket.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## Seconds without a datagram through the relay after which its node is taken for silent (ENet
## pings every half second on a live connection).
const SILENCE := 0.75
## Seconds a rebind may take in all.
const GIVE_UP := 8.0
## Seconds the silent peer is still kept after the new relay answered the bind (RA, which comes
## before the game's first datagram through it): the game's heartbeats resume within them.
const SETTLE := 2.0
## Seconds between the first resends of RR and RB (each further one waits twice as long, to 1 s).
const RESEND := 0.1

enum State {
	WATCHING, ## The relay carries the game.
	ASKING, ## RR sent, waiting for RN or RG.
	BINDING, ## Granted and pointed at the new relay: RB sent until the game is heard through it.
}

var state := State.WATCHING
## The relay carrying the game: its address, and its key and grant as the last RG gave them.
var relay_ip := ""
var relay_port := 0
var relay_key := ""
var grant := ""
## Rebinds done.
var rebinds := 0
var _server_ip := ""
var _server_port := 0
## [code]heard.call(ip, port) -> float[/code]: when the game was last heard from there (seconds,
## negative when it never was).
var _heard: Callable
## [code]send_game.call(packet, ip, port)[/code]: sends from the game's port.
var _send_game: Callable
## [code]moved.call(old_ip, old_port, ip, port)[/code]: the game's connection now goes through the relay there.
var _moved: Callable
var _socket := HolePunchSocket.new()
var _pings: HolePunchRelayPings
var _retry := HolePunchRetry.new(RESEND, 1.0)
var _nonce := ""
var _since := 0.0
var _token := ""
## When the last rebind gave up: the next starts only once the game was heard after it.
var _gave_up := -1.0
## Until when (seconds) the silent peer is kept after the last rebind, and the time of the last tick.
var _settle_until := -1.0
var _now := 0.0


## Watches the game relayed through [param relay] ([code][ip, port, key, grant][/code]) for the
## server at [param server] ([code][ip, port][/code]).
func _init(relay: Array, server: Array, heard: Callable, send_game: Callable, moved: Callable) -> void:
	relay_ip = relay[0]
	relay_port = relay[1]
	relay_key = relay[2]
	grant = relay[3]
	_server_ip = server[0]
	_server_port = server[1]
	_heard = heard
	_send_game = send_game
	_moved = moved


## Whether a rebind is under way: the game's silence is the node's, and may end soon.
func busy() -> bool:
	return state != State.WATCHING or _now < _settle_until


## Does what is due at [param now].
func tick(now: float) -> void:
	_now = now
	var heard: float = _heard.call(relay_ip, relay_port)
	match state:
		State.WATCHING:
			if heard > _gave_up and now - heard >= SILENCE:
				_ask(now)
		State.ASKING:
			_read(now)
			if state == State.ASKING and _pings.state != HolePunchRelayPings.State.PINGING and _retry.due(now):
				_socket.send(HolePunchProtocol.encode_relay_rebind(relay_key, grant, _nonce, _pings.figures()), _server_ip, _server_port)
		State.BINDING:
			if heard >= _since:
				HolePunchTrace.note("rebind: the game is heard through %s:%d" % [relay_ip, relay_port])
				rebinds += 1
				_settle_until = now + SETTLE
				_stop()
			elif _retry.due(now):
				_send_game.call(HolePunchProtocol.encode_relay_bind(_token, grant), relay_ip, relay_port)
	if state != State.WATCHING and now - _since >= GIVE_UP:
		HolePunchTrace.note("rebind: gave up")
		_gave_up = now
		_stop()


## Frees the socket.
func close() -> void:
	_socket.close()


func _ask(now: float) -> void:
	if not _socket.is_open() and _socket.open(0) != OK:
		return
	HolePunchTrace.note("rebind: %s:%d silent, asking for another node" % [relay_ip, relay_port])
	state = State.ASKING
	_since = now
	_nonce = HolePunchNonce.fresh()
	_pings = HolePunchRelayPings.new(_socket.send)
	_pings.unwaited = relay_ip # Dead, it never answers: the others' figures go out at once.
	_retry.start(now)


func _read(now: float) -> void:
	while true:
		var datagram := _socket.receive()
		if datagram.is_empty():
			break
		var ip: String = datagram[1]
		var port: int = datagram[2]
		var packet: PackedByteArray = datagram[0]
		var message := HolePunchProtocol.parse(packet)
		if message is HolePunchProtocol.RelayEcho:
			var echo := message as HolePunchProtocol.RelayEcho
			if ip == relay_ip and _pings.answers(echo, ip, port):
				# The node is alive: the silence is the peer's (it crashed, or its path broke), and the
				# game's own timeout tells, as on any path.
				HolePunchTrace.note("rebind: %s answers, the peer is silent" % relay_ip)
				_gave_up = now
				_stop()
				return
			if _pings.is_pinging(ip, port):
				_pings.hear(echo, ip, port, now)
		elif ip != _server_ip or port != _server_port or message == null or message.field("nonce") != _nonce:
			continue
		elif message is HolePunchProtocol.RelayNodes:
			var listed := message as HolePunchProtocol.RelayNodes
			_pings.start(listed.ticket, listed.node_key, now) # The silent node too: whether it answers tells who went silent.
		elif message is HolePunchProtocol.RelayGranted:
			_granted(message as HolePunchProtocol.RelayGranted, now)
			return
	if _pings.finish(now):
		_retry.start(now) # With the round trips, at once.


func _granted(granted: HolePunchProtocol.RelayGranted, now: float) -> void:
	var address := HolePunchProtocol.decode_key(granted.relay_key)
	if address.is_empty() or granted.grant == "" or address.ip == relay_ip:
		return
	HolePunchTrace.note("rebind: granted %s:%d" % [address.ip, address.port])
	var old := [relay_ip, relay_port]
	relay_ip = address.ip
	relay_port = address.port
	relay_key = granted.relay_key
	grant = granted.grant
	_token = granted.token
	state = State.BINDING
	_moved.call(old[0], old[1], relay_ip, relay_port)
	_retry.start(now)


func _stop() -> void:
	state = State.WATCHING
	_retry.stop()
	_socket.close()
