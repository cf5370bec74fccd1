extends RefCounted
## The game's side after the punch, for games that let a [HolePunch] node start ENet for them.
##
## On [method start_server] ([signal HolePunch.start_server]) it creates the [ENetMultiplayerPeer] server behind a
## [code]hole_punch_game_gate.gd[/code] on the punched port; on [method start_client] it
## connects the client, directly or to the relay, exactly where the handover said, from loopback
## behind a [code]hole_punch_client_link.gd[/code] on the punched port, afresh until the host lets
## it in ([code]hole_punch_client_attempts.gd[/code]). ENet keeps its patience
## ([code]hole_punch_enet_patience.gd[/code]) on every connection, the running game's too: a lossy
## path may hold a reliable packet up for many seconds; a silent peer in a running game is noticed
## by the roster's heartbeats ([code]hole_punch_roster.gd[/code]) within
## [member HolePunch.game_timeout]. Both sides must let the node manage ENet. [signal connected] hands the game the connected peer;
## [signal failed] says why not, and [signal refused] that the host's game turned this player away.
## It acts only when the node's [member HolePunch.manage_game_peer] is on, and reads the node's
## settings from the copy the node keeps current. Its [member roster] knows the players in the
## game: their keys, aliases, ENet peer ids and paths, and emits what happens to them, which this
## passes on ([code]hole_punch_game_rosters.gd[/code]). The gate or the link is the game's port
## ([code]hole_punch_game_port.gd[/code]).

const HolePunchClientAttempts := preload("hole_punch_client_attempts.gd")
const HolePunchClientEnds := preload("hole_punch_client_ends.gd")
const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchClientLink := preload("hole_punch_client_link.gd")
const HolePunchGameBeats := preload("hole_punch_game_beats.gd")
const HolePunchGameGate := preload("hole_punch_game_gate.gd")
const HolePunchGamePort := preload("hole_punch_game_port.gd")
const HolePunchGameRosters := preload("hole_punch_game_rosters.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchRebinds := preload("hole_punch_rebinds.gd")
const HolePunchRoster := preload("hole_punch_roster.gd")
const HolePunchRosterHost := preload("hole_punch_roster_host.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## The game's peer is ready: a listening server, or a client the host let in.
signal connected(peer: MultiplayerPeer)
## No connected peer: [param error] is ENet's error ([constant ERR_CANT_CREATE] when the port
## cannot be bound), or [constant ERR_TIMEOUT] when the host was not heard within
## [member HolePunch.game_connect_timeout].
signal failed(error: Error)
## Client: the host's game refused this player, for [param reason]; the peer is closed.
signal refused(reason: String)
## Client: the host left the game, or went silent for [member HolePunch.game_timeout] ([param key]
## and [param alias] are the host's). Comes deferred, out of [SceneMultiplayer]'s poll.
signal host_left(key: String, alias: String)
## Client whose host gave it a rejoin secret: the host went silent for
## [member HolePunch.game_timeout]. The game peer is closed already, without a word to the host;
## [param rejoin] holds what a rejoin needs: [code]{"key": our key in the game, "host_key": the host's, "secret": the
## rejoin secret, "grace": seconds, "players": the players as listed}[/code]. Comes deferred.
signal dropped(rejoin: Dictionary)
## A player came into the game (see [signal HolePunch.player_joined]).
signal player_joined(key: String, alias: String)
## A player left the game (see [signal HolePunch.player_left]).
signal player_left(key: String, alias: String, reason: String)
## Host: the node refused a late joiner (see [signal HolePunch.player_refused]).
signal player_refused(key: String, alias: String, reason: String)
## Host: a late joiner's payload (see [signal HolePunch.player_payload]).
signal player_payload(key: String, payload: String)
## A player in the game took another path (see [signal HolePunch.player_path]).
signal player_path(key: String, path: String)
## The member data of the player [param key] is now [param data] ([method set_member_data]).
signal player_data_changed(key: String, data: Dictionary)

## Most clients the game server accepts.
var max_clients := 32
## The peer being connected, or the connected one (null before the handover).
var peer: ENetMultiplayerPeer
## Host: the game's port, in front of [member peer], which listens on loopback behind it.
var gate: HolePunchGameGate:
	get: return _port.gate
## Client: the game's port, in front of [member peer], which connects from loopback behind it.
var link: HolePunchClientLink:
	get: return _port.link
## The players in the game ([code]hole_punch_roster_host.gd[/code] on a host,
## [code]hole_punch_roster_client.gd[/code] on a client).
var roster: HolePunchRoster:
	get: return _rosters.current
## The game's connections through relay nodes, moved to another node when theirs goes silent.
var rebinds := HolePunchRebinds.new()
## The node whose [MultiplayerAPI] the game's peer is set on.
var _node: Node
var _clock: HolePunchClock
## The gate or the link in front of [member peer] ([code]hole_punch_game_port.gd[/code]).
var _port: HolePunchGamePort
## The node's settings now: [code]settings.call() -> HolePunchSettings[/code].
var _settings_now: Callable
## Our alias (wire form) and public key now: [code]own.call() -> [alias, key][/code].
var _own_now: Callable
## The current [member roster], and this node's member data ([method set_member_data]).
var _rosters: HolePunchGameRosters
## The node's settings, since the handover (the node keeps the copy current).
var _settings: HolePunchSettings
## The players punched before the handover.
var _punched: Array[HolePunchPeer] = []
## Client: the attempts to connect until the host lets us in.
var _attempts: HolePunchClientAttempts
## Client: how its roster says the game ends.
var _client_ends: HolePunchClientEnds
## The heartbeats of a host's game that runs on after [method stop].
var _host_beats := HolePunchGameBeats.new()
## Client rejoining after a drop: [signal dropped]'s [param rejoin], which the next
## [method start_client] takes (empty otherwise). The session sets and clears it.
var rejoin := {}


## The game's side on [param node]'s [MultiplayerAPI], going by [param clock]; at each handover
## it takes the node's settings from [param settings] and our alias and key from [param own].
func _init(node: Node, clock: HolePunchClock, settings: Callable, own: Callable) -> void:
	_node = node
	_clock = clock
	_settings_now = settings
	_own_now = own
	_port = HolePunchGamePort.new(node, clock)
	_rosters = HolePunchGameRosters.new(node, [player_joined, player_left, player_refused, player_payload, player_path, player_data_changed])
	_attempts = HolePunchClientAttempts.new(node, clock)
	_attempts.attempting.connect(_on_attempting)
	_attempts.let_in.connect(_on_let_in) # A method, not a lambda: one would hold this object in a cycle.
	_attempts.gave_up.connect(_give_up)
	_client_ends = HolePunchClientEnds.new(_rosters)
	_client_ends.refused.connect(_on_refused)
	_client_ends.host_left.connect(host_left.emit)
	_client_ends.dropped.connect(_on_dropped)


func _on_let_in() -> void:
	connected.emit(peer)


## Takes the punched [param peers] (peers of [code]hole_punch_peer.gd[/code]) at the handover: the
## players; [param server] ([code][ip, port][/code]) grants new relays to those relayed.
func expect(peers: Array[HolePunchPeer], server := []) -> void:
	_punched = peers.duplicate()
	rebinds.server = server


## Host: a late joiner [param joiner] may connect from its public or its LAN address.
func add_endpoints(key: String, joiner: HolePunchPeer) -> void:
	if roster is HolePunchRosterHost:
		(roster as HolePunchRosterHost).add_endpoints(key, joiner)


## Host: a late joiner [param key] may connect through the relay at [param ip]:[param port]
## ([param relay_key] and its [param grant] when on a relay node).
func add_relay(key: String, ip: String, port: int, relay_key := "", grant := "") -> void:
	if roster is HolePunchRosterHost:
		(roster as HolePunchRosterHost).add_relay(key, ip, port)
		if gate != null:
			rebinds.watch_gate(gate, [ip, port, relay_key, grant], key, (roster as HolePunchRosterHost).add_relay)


## Sends [param packet] to [param ip]:[param port] from the game's port.
func socket_send(ip: String, port: int, packet: PackedByteArray) -> void:
	_port.send(ip, port, packet, peer)


## Host: [ip, port] the ENet peer [param id] reaches the game from (behind the [member gate]),
## or empty.
func remote_address(id: int) -> Array:
	return _port.remote_address(_node.multiplayer, peer, id)


## The ENet peer id of the player with public key [param key], or 0 while not connected.
func peer_id(key: String) -> int:
	return roster.peer_id(key)


## Ends the game side: stops trying, forgets the players and gives the [SceneMultiplayer]'s
## authentication back (a new session begins). A host's game runs on for the players in it, and
## lets nobody new in; the node keeps its heartbeats going ([method tick]).
func stop() -> void:
	_attempts.stop()
	if gate != null:
		gate.admit(Callable()) # The game runs on for those in it; nobody new comes in.
	_rosters.stop()


## Ends the game itself (the node leaves): closes the game's peer, so that ENet tells every
## connection at once (the [member gate] lets that out as it closes), takes it off the node's
## [MultiplayerAPI], then [method stop].
func close() -> void:
	if peer != null:
		peer.close()
		if gate != null:
			gate.close()
		_port.close_link()
		if _node.is_inside_tree() and _node.multiplayer.multiplayer_peer == peer:
			_node.multiplayer.multiplayer_peer = null
		peer = null
	_port.gate = null
	rebinds.clear()
	stop()


## Sends what is due at [param now]: the [member roster]'s heartbeats, or, for a host's game that
## runs on after [method stop], the host's alone, so that its players do not take it for gone.
func tick(now: float) -> void:
	if _settings == null:
		return # No handover yet: no game.
	rebinds.tick(now)
	roster.tick(now, _settings.game_timeout)
	if gate == null or roster.is_hosting() or peer == null or peer.get_connection_status() != MultiplayerPeer.CONNECTION_CONNECTED:
		return
	_host_beats.tick(now, _node.multiplayer as SceneMultiplayer, _settings.game_timeout)


## Host: the handover freed [param port] (see [signal HolePunch.start_server]).
func start_server(port: int) -> void:
	_settings = _settings_now.call()
	if not _managed():
		return
	_attempts.stop()
	peer = ENetMultiplayerPeer.new()
	var err := _port.open_gate(_node.get_tree(), port, peer, max_clients)
	if err != OK:
		peer = null
		failed.emit(err)
		return
	var host := _rosters.serve(peer, _punched, _settings, _clock) # Before any peer can connect.
	host.behind(gate)
	rebinds.watch_server(gate, _punched, host, host.add_relay, remote_address)
	_node.multiplayer.multiplayer_peer = peer
	HolePunchTrace.note("host: game server behind the gate on port %d" % port)
	connected.emit(peer)


## Host: [param datagrams] ([code][packet, ip, port][/code]) came to the punching socket from
## clients being handed over, before the game held the port: a client whose node runs its game
## connects on JH. The gate takes them on as if they came now; the game's own ENet cannot.
func take_early(datagrams: Array[Array]) -> void:
	_port.take_early(datagrams)


## Client: the handover named the host's [param ip]:[param port] and freed [param local_port]
## (see [signal HolePunch.start_client]).
func start_client(ip: String, port: int, local_port: int) -> void:
	_settings = _settings_now.call()
	if not _managed():
		return
	_attempts.stop()
	var host: HolePunchPeer = null if _punched.is_empty() else _punched[0] # A client's only punched peer is the host.
	var own: Array = _own_now.call()
	var client := _rosters.join(host, _settings, _clock, own, rejoin)
	_client_ends.watch(client)
	if peer != null:
		peer.close() # A game still running: its goodbye goes out through its link, closed next.
	if _port.open_link(_node.get_tree(), local_port, ip, port) != OK:
		_give_up(ERR_CANT_CREATE)
		return
	rebinds.watch_client(link, host, [ip, port], client)
	_attempts.start(ip, port, local_port, link, client, _settings.game_retry_interval, _settings.game_connect_timeout)


## A fresh attempt's [param fresh] peer replaces the one before.
func _on_attempting(fresh: ENetMultiplayerPeer) -> void:
	if peer != null:
		peer.close()
	peer = fresh


func _give_up(err: Error) -> void:
	_end_client()
	failed.emit(err)


## Client: stops trying and closes the game's peer and link.
func _end_client() -> void:
	_attempts.stop()
	if peer != null:
		peer.close()
	peer = null
	_port.close_link()


## Out of [SceneMultiplayer]'s poll: the host went silent, and it gave us a rejoin secret
## ([param lost] is what a rejoin needs). The connection ends without a word (the host must not
## take it for a goodbye).
func _on_dropped(lost: Dictionary) -> void:
	if peer != null and peer.get_peer(1) != null:
		peer.get_peer(1).reset()
	close()
	dropped.emit(lost)


func _on_refused(reason: String) -> void:
	_end_client()
	roster.release()
	refused.emit(reason)


## This node's member data is [param data] (checked already): every roster to come shares it.
func set_member_data(data: Dictionary) -> void:
	_rosters.set_own_data(data)


func _managed() -> bool:
	return _settings.manage_game_peer

