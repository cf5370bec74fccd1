extends RefCounted
## A host's session kept open while its game runs ([member HolePunch.keep_open]): players who
## join later are punched through the running game's ENet socket and join its
## [ENetMultiplayerPeer].
##
## The ENet socket cannot read the server's datagrams (ENet drops what is not ENet), so the host's
## node talks to the server from a socket of its own: HL (with the host's nonce) makes that socket
## the session's link, where NJ now arrives, while joiners keep punching to the registered address,
## which is the game's. For each new joiner the host sends, from the game's port
## ([code]HolePunchGamePeer.socket_send()[/code]), its punch packet, JH and JG to the joiner's
## addresses for [member HolePunch.handover_deadline] seconds (its direct addresses within the punch
## budget of an unheard peer, [code]HolePunchPeer.PUNCH_ROUNDS[/code] rounds): the joiner's node
## takes them as a normal handover and starts its game client towards the game's address. The host
## never hears the joiner's own datagrams (ENet drops them), so it learns who the player is over the
## game connection itself: the host's roster ([code]hole_punch_roster_host.gd[/code]) asks the
## joiner's node while letting it in, and the player arrives in [signal HolePunch.player_joined]
## with its alias and payload, under the player cap and the host's say
## ([method HolePunch.refuse_player]), like any other. When the direct paths fail (a
## port-randomising NAT), the joiner asks for a relay after [member HolePunch.punch_timeout]; so
## does the host, for every late joiner, from its link (it cannot tell whether the direct path
## worked): the server grants a relay only when both asked. When the server passed the joiner's NAT
## type (with the pair's secret) and the pair's plan is not plain punching
## ([code]hole_punch_plan.gd[/code]), both ask at once: the host cannot probe from its game's
## socket, and a hard joiner asks beside its probing. The host binds the relay from the game's
## socket (RB; RA never reaches it, so RB repeats) and sends the same packets through it; the
## joiner's game then connects through the relay.

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchGamePeer := preload("hole_punch_game_peer.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchPeers := preload("../players/hole_punch_peers.gd")
const HolePunchPlan := preload("../traversal/hole_punch_plan.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRelayLink := preload("../traversal/hole_punch_relay_link.gd")
const HolePunchServerLink := preload("../session/hole_punch_server_link.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchSocket := preload("../traversal/hole_punch_socket.gd")

var _settings: HolePunchSettings
var _socket := HolePunchSocket.new()
## The session's server, reached from [member _socket].
var _link: HolePunchServerLink
## The server as the punching socket reached it: whose address and nonce the answers must match.
var _server: HolePunchServerLink
var _session_id := ""
## Our keys as the joiners' paths name them: [code]{"local": ..., "public": ...}[/code].
var _own_keys := {}
## The punch packet for a secret: [code]punch_packet.call(secret) -> PackedByteArray[/code].
var _punch_packet: Callable
var _game: HolePunchGamePeer
var _linked := false
## Late joiners being punched, and when each started.
var _joiners: HolePunchPeers
var _started := {}
## Our NAT type as the server passes it on ([code]HolePunchTraversal.told[/code]).
var _our_nat: HolePunchNat.NatType


## Links the host's session [param session_id] (just handed over) to [param server] from a socket
## of its own, and punches late joiners from [param game]'s port with [param punch_packet]'s packet
## and the host's [param own_keys] ([code]{"local": ..., "public": ...}[/code]); [param our_nat] is
## our NAT type as the server passes it on.
func _init(settings: HolePunchSettings, clock: HolePunchClock, server: HolePunchServerLink, session_id: String, own_keys: Dictionary, punch_packet: Callable, game: HolePunchGamePeer, our_nat := HolePunchNat.NatType.UNKNOWN) -> void:
	_settings = settings
	_our_nat = our_nat
	_server = server
	_session_id = session_id
	_own_keys = own_keys
	_punch_packet = punch_packet
	_game = game
	_socket.open(0)
	_link = server.through(_socket.send)
	_link.await_answer(HolePunchProtocol.encode_host_link(session_id, server.nonce), clock.now())
	_joiners = HolePunchPeers.new(settings, clock, Callable(), Callable(), Callable())


## Reads the link socket and sends what is due at [param now].
func tick(now: float) -> void:
	while true:
		var datagram := _socket.receive()
		if datagram.is_empty():
			break
		var packet: PackedByteArray = datagram[0]
		var ip: String = datagram[1]
		var port: int = datagram[2]
		if _link.relay_pings.is_pinging(ip, port): # A relay node's echo: its round trip.
			var echo := HolePunchProtocol.parse(packet) as HolePunchProtocol.RelayEcho
			if echo != null:
				_link.relay_pings.hear(echo, ip, port, now)
			continue
		var message := HolePunchProtocol.parse(packet)
		if _server.is_at(ip, port) and message != null and message.field("nonce") == _server.nonce:
			_on_server(message, now)
	if _link.relay_pings.finish(now):
		_joiners.ask_relays_again(now) # With the round trips to the relay nodes, at once.
	if not _linked:
		_link.resend(now)
	else:
		_link.keep_alive(now, _session_id)
	for joiner: HolePunchPeer in _joiners.all().duplicate():
		var age: float = now - _started[joiner.public_key]
		if age >= _settings.punch_timeout + _settings.relay_timeout + _settings.handover_deadline:
			# Done: it connects, or gives up, on its side. Never punched again in this game (a
			# replayed introduction cannot restart it), and its record goes.
			_joiners.remove(joiner)
			_started.erase(joiner.public_key)
			continue
		if _settings.use_relay and (age >= _settings.punch_timeout or now >= joiner.relay_after) and joiner.relay.state == HolePunchRelayLink.State.NONE:
			joiner.relay.request(now)
		if joiner.relay.state == HolePunchRelayLink.State.REQUESTING and joiner.relay.due(now):
			_link.ask_relay(_session_id, joiner.public_key)
		if now >= joiner.next_ping:
			# The joiner is never heard here (ENet drops its datagrams): its direct addresses get
			# the punch budget of an unheard peer ([code]HolePunchPeer.PUNCH_ROUNDS[/code]), the relay more.
			var direct := joiner.may_punch()
			_punch(joiner, now)
			joiner.next_ping = now + (joiner.spend_round(_settings.handover_interval) if direct else _settings.handover_interval)


## Lists the session with [param listing] (as the server link's [code]publish()[/code] takes it) from
## the link: sent once the server accepted the link, and with each keep-alive until LD confirms it.
func publish(listing: PackedStringArray) -> void:
	_link.publish(_session_id if _linked else "", listing)


## Whether the server accepted the link (HR came back).
func is_linked() -> bool:
	return _linked


## Ends the session at the server and closes the link.
func close() -> void:
	if _linked:
		_link.close_session(_session_id, 3)
	_socket.close()


func _on_server(message: HolePunchProtocol.Message, now: float) -> void:
	if message is HolePunchProtocol.HostRegistered:
		_linked = true
		_link.start_keep_alive(now + _settings.keep_alive_interval)
		_link.publish_waiting(_session_id) # A listing the server has not confirmed yet goes on from here.
	elif message is HolePunchProtocol.LobbyListed:
		_link.heard_listed(message as HolePunchProtocol.LobbyListed, _session_id)
	elif message is HolePunchProtocol.NewJoiner and _linked:
		var joined := message as HolePunchProtocol.NewJoiner
		# The server takes a host that stays silent while a joiner waits for gone: say we are here.
		_link.say_alive(_session_id)
		var key := joined.joiner_remote_key
		var own_public: String = _own_keys.public
		if _joiners.find(key) == null and _joiners.add(key, joined.joiner_local_key, joined.secret, own_public):
			_started[key] = now
			var their_nat := HolePunchNat.from_word(joined.joiner_nat) if joined.secret != "" else HolePunchNat.NatType.UNKNOWN
			if HolePunchPlan.decide(_our_nat, their_nat, true, false) != HolePunchPlan.Plan.DIRECT:
				_joiners.find(key).relay_after = now # Punching alone cannot work, and the game's socket cannot probe.
			_game.add_endpoints(key, _joiners.find(key))
	elif message is HolePunchProtocol.RelayNodes:
		# Relay nodes to choose from: ping them from the link's socket, then ask again with the figures.
		var nodes := message as HolePunchProtocol.RelayNodes
		_link.relay_pings.start(nodes.ticket, nodes.node_key, now)
	elif message is HolePunchProtocol.RelayGranted:
		var granted := message as HolePunchProtocol.RelayGranted
		var joiner := _joiners.find(granted.peer_key)
		if joiner != null and joiner.relay.grant(granted.relay_key, granted.token, _server.ip, now, granted.grant):
			_game.add_relay(granted.peer_key, joiner.relay.ip, joiner.relay.port, joiner.relay.key, joiner.relay.node_grant)


## Punch packet, JH and JG to each of [param joiner]'s addresses, from the game's socket.
func _punch(joiner: HolePunchPeer, now: float) -> void:
	var own: Dictionary[String, String] = {"local": _own_keys.local, "public": _own_keys.public, "relay": joiner.relay.key}
	var punch: PackedByteArray = _punch_packet.call(joiner.secret)
	var targets := joiner.ping_targets(now, _settings.punch_timeout)
	if joiner.relay.state == HolePunchRelayLink.State.BINDING: # Never BOUND here: RA reaches ENet.
		_game.socket_send(joiner.relay.ip, joiner.relay.port, joiner.relay.bind_datagram())
		targets.append([joiner.relay.ip, joiner.relay.port])
	for to: Array in targets:
		var path := "local" if to == [joiner.lan_ip, joiner.lan_port] else "relay" if to == [joiner.relay.ip, joiner.relay.port] else "public"
		var ip: String = to[0]
		var port: int = to[1]
		for packet: PackedByteArray in [punch, HolePunchProtocol.encode_join_host(own[path], joiner.secret), HolePunchProtocol.encode_join_go(joiner.secret)]:
			_game.socket_send(ip, port, packet)

