extends "hole_punch_roster.gd"
## The host's side of the roster ([code]hole_punch_roster.gd[/code]): who may come in, and the list
## every client hears.
##
## An ENet peer is let in only from an address a player was punched at (a late joiner's public or
## LAN address, or its relay), as that player, once it said who it is (its hello). A player punched
## before the handover is let in on its hello; once gone, it comes back as a late joiner does. A
## late joiner, whom the host never heard ([code]hole_punch_late_join.gd[/code]), is known by its
## hello: its alias, [member HolePunch.join_payload] and the proof of its
## [member HolePunch.password]; then [member HolePunch.max_players] (reason [code]full[/code]) and
## the password (reason [code]wrong_password[/code]) apply, each refusal heard in
## [signal HolePunch.player_refused]; then [signal HolePunch.player_payload] (always, for a late
## joiner) and [signal HolePunch.player_joined] come, and the game may
## [method HolePunch.refuse_player] it in either handler, before it is let in. A refused player is
## told the reason and disconnected, and its key stays refused. A new connection from where a
## player's connection already is means the player started afresh: the old one is dropped at once,
## without a word. A player whose connection closes leaves ([code]left[/code]), at once or once its
## attempts afresh stopped; one let in afresh on another path takes that path. Every change of the list goes to every client, and so do the players' round trips
## (ENet's, on the host's connection to each) when one of them moved. What happens to players it
## emits; the node passes it on.
##
## With [member HolePunch.rejoin_grace], a player silent for [member HolePunch.game_timeout] is
## dropped rather than gone ([code]dropped[/code]), and may rejoin under its old key and alias while
## its place is kept ([code]hole_punch_host_rejoins.gd[/code]).
##
## This decides and tells; its parts keep the rest: where players are expected
## ([code]hole_punch_host_expected.gd[/code]), what a hello means ([code]hole_punch_host_hellos.gd[/code]),
## whether a late joiner is let in ([code]hole_punch_host_admission.gd[/code]), the attempts being
## let in and when a closed connection's player has gone ([code]hole_punch_host_attempts.gd[/code]),
## how players leave ([code]hole_punch_host_departures.gd[/code]), the places kept for rejoins
## ([code]hole_punch_host_rejoins.gd[/code]), the member data shared
## ([code]hole_punch_host_data_share.gd[/code]), the list ([code]hole_punch_host_player_list.gd[/code])
## and the ENet connections themselves ([code]hole_punch_host_enet.gd[/code]).

## The player [param key] came into the game as [param alias].
signal player_joined(key: String, alias: String)
## The player [param key] left ([code]left[/code]), was removed ([code]removed[/code]) or dropped
## ([code]dropped[/code]: it may rejoin within [member HolePunch.rejoin_grace]).
signal player_left(key: String, alias: String, reason: String)
## The late joiner [param key] was refused by the node itself (its player cap or password).
signal player_refused(key: String, alias: String, reason: String)
## The late joiner [param key] sent [param payload] in its hello.
signal player_payload(key: String, payload: String)
## The player [param key], let in afresh, came by another [param path].
signal player_path(key: String, path: String)

const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchGameGate := preload("hole_punch_game_gate.gd")
const HolePunchHostAdmission := preload("hole_punch_host_admission.gd")
const HolePunchHostAttempts := preload("hole_punch_host_attempts.gd")
const HolePunchHostDataShare := preload("hole_punch_host_data_share.gd")
const HolePunchHostDepartures := preload("hole_punch_host_departures.gd")
const HolePunchHostEnet := preload("hole_punch_host_enet.gd")
const HolePunchHostExpected := preload("hole_punch_host_expected.gd")
const HolePunchHostHellos := preload("hole_punch_host_hellos.gd")
const HolePunchHostPlayerList := preload("hole_punch_host_player_list.gd")
const HolePunchHostRejoins := preload("hole_punch_host_rejoins.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## Late joiners and refusals remembered, per allowed peer.
const _MEMORY := 4

var _clock: HolePunchClock
var _enet: HolePunchHostEnet
var _expected: HolePunchHostExpected
var _admission: HolePunchHostAdmission
var _attempts: HolePunchHostAttempts
var _rejoins: HolePunchHostRejoins
var _data_share: HolePunchHostDataShare
var _list: HolePunchHostPlayerList
var _departures: HolePunchHostDepartures
var _hellos: HolePunchHostHellos


## Admits the peers of [param game] on [param node]'s [SceneMultiplayer], the players punched
## before the handover being [param peers], as [param settings] say, going by [param clock].
func _init(node: Node, game: ENetMultiplayerPeer, peers: Array[HolePunchPeer], settings: HolePunchSettings, clock: HolePunchClock) -> void:
	super(node)
	_clock = clock
	_enet = HolePunchHostEnet.new(node, game)
	_expected = HolePunchHostExpected.new(_MEMORY * settings.max_peers)
	_admission = HolePunchHostAdmission.new(settings, _MEMORY * settings.max_peers)
	_attempts = HolePunchHostAttempts.new(game, settings, clock, _is_player)
	_rejoins = HolePunchHostRejoins.new(settings, clock)
	_rejoins.expired.connect(_on_expired)
	_data_share = HolePunchHostDataShare.new(members, _peer_id_of, _enet)
	_data_share.changed.connect(player_data_changed.emit) # Signals, not lambdas: a lambda would hold this roster in a cycle.
	_list = HolePunchHostPlayerList.new(_enet)
	_departures = HolePunchHostDepartures.new(_players, _enet, _list, _data_share, _attempts, _rejoins)
	_departures.left.connect(player_left.emit)
	_attempts.gone.connect(_departures.gone)
	_hellos = HolePunchHostHellos.new(_players, settings, _expected, _admission, _attempts, _rejoins, _list, _enet, _drop)
	_hellos.joined.connect(player_joined.emit)
	_hellos.refused.connect(player_refused.emit)
	_hellos.payload.connect(player_payload.emit)
	for punched in peers:
		if punched.path != "":
			var path := punched.shown_path()
			_expected.punched(punched, path)
			_players[punched.public_key] = {"alias": HolePunchAlias.decode(punched.name), "path": path, "peer_id": 0}
	if _take(settings.game_connect_timeout) == null: # ENet's own resends take that long through loss.
		game.peer_connected.connect(func(id: int) -> void: # No authentication: only names ids.
			var found: Array = _found(id)
			if not found.is_empty() and _players.has(found[0]):
				_players[found[0]].peer_id = id)


func is_hosting() -> bool:
	return true


## Every player in the game, with its round trip now ([code]rtt[/code], ms; -1 while unknown).
func players() -> Dictionary:
	var all := super()
	for key: String in all:
		var player: Dictionary = all[key]
		var id: int = player.peer_id
		player["rtt"] = rtt(id)
	return all


## The round trip (ms) ENet measures on the connection of peer [param id], or -1 while it has none.
func rtt(id: int) -> int:
	return _enet.rtt(id)


## Also shares the member data that waited, and the list when a round trip moved.
func tick(now: float, game_timeout: float) -> void:
	super(now, game_timeout)
	_data_share.tick(now)
	if _list.moved(_players, now):
		_departures.broadcast()


## Lets only the addresses a player was punched at through [param gate] to ENet, and names each
## ENet peer by the address behind its leg.
func behind(gate: HolePunchGameGate) -> void:
	_expected.behind(gate)
	gate.admit(expects, _on_afresh)


## Whether a player was punched at [param ip]:[param port] (the gate lets only those reach ENet).
func expects(ip: String, port: int) -> bool:
	return _expected.has(ip, port)


## A late joiner [param key] may connect from its public or its LAN address.
func add_endpoints(key: String, joiner: HolePunchPeer) -> void:
	_expected.late(key, joiner, _players)


## A late joiner [param key] may connect through the relay at [param ip]:[param port].
func add_relay(key: String, ip: String, port: int) -> void:
	_expected.relay(key, ip, port)


func refuse(key: String, reason: String) -> bool:
	if _rejoins.is_kept(key): # Its place is no longer kept.
		var kept_as := _rejoins.take(key)
		_rejoins.forget(key)
		_admission.remember(key, reason)
		_departures.tell(key, kept_as, "removed", false)
		return true
	if not _players.has(key):
		return false
	var player := _departures.remove(key)
	_admission.remember(key, reason)
	for id in _attempts.unwelcomed(key):
		_hellos.turn_away(id, reason) # A welcomed one is turned away once in: see _on_admitted.
	var in_game: int = player.peer_id
	if in_game > 0:
		_enet.kick(in_game, reason)
	var alias: String = player.alias
	_departures.tell(key, alias, "removed", true, key != _hellos.unannounced) # Unannounced: it never joined.
	return true


func set_own_data(data: Dictionary) -> void:
	super(data)
	_data_share.share_own(data)


func _signals(api: SceneMultiplayer) -> Array:
	return [[api.peer_authenticating, _on_authenticating], [api.peer_connected, _on_admitted], [api.peer_disconnected, _on_closed], [api.peer_authentication_failed, _on_auth_failed], [api.peer_packet, _on_packet]]


## A player's raw packets of ours: its heartbeats and its member data (the game's own packets
## are its business).
func _on_packet(id: int, data: PackedByteArray) -> void:
	if not _heard.has(id) or data.size() < 4 or data.slice(0, 4).get_string_from_ascii() != "SHP-":
		return
	var message := HolePunchProtocol.parse_game(data)
	if message is HolePunchProtocol.GameBeat:
		heard(id, _clock.now())
	elif message is HolePunchProtocol.GameMemberSet:
		var key := _key_of(id)
		if key == "" or not _data_share.take(key, message as HolePunchProtocol.GameMemberSet, _clock.now()):
			dropped_messages += 1
	else:
		dropped_messages += 1


## Whether [param key] is a player in the game (none once the node is gone).
func _is_player(key: String) -> bool:
	return _players.has(key) and is_instance_valid(_node)


## The ENet peer id of the player [param key] (0 while it has none), or -1 when it is no player.
func _peer_id_of(key: String) -> int:
	return _players[key].peer_id if _players.has(key) else -1


## [key, path] of the player ENet peer [param id] connected as, or empty.
func _found(id: int) -> Array:
	return _expected.connected_as(_enet.address_of(id))


## The player at [param ip]:[param port] starts afresh: the end of its connection before, which
## the gate ends now, is no leave.
func _on_afresh(ip: String, port: int) -> void:
	_attempts.tried(_expected.at(ip, port))


func _on_authenticating(id: int) -> void:
	HolePunchTrace.note("host: peer %d authenticating" % id)
	_enet.authenticating(id)
	var found := _found(id)
	var key: String = "" if found.is_empty() else found[0]
	if found.is_empty() or _admission.refused(key):
		_hellos.turn_away(id, _admission.reason_of(key, "unknown"))
		return
	_attempts.start(id, found) # Its hello follows.


## A player's hello: [code]hole_punch_host_hellos.gd[/code] reads it.
func _on_auth(id: int, data: PackedByteArray) -> void:
	if not _hellos.take(id, data):
		dropped_messages += 1


func _on_admitted(id: int) -> void:
	HolePunchTrace.note("host: peer %d connected" % id)
	var found := _attempts.finish(id)
	if found.is_empty():
		return
	var key: String = found[0]
	if not _players.has(key): # Refused between its welcome and now.
		_enet.kick(id, _admission.reason_of(key, "removed"))
		return
	_attempts.forget(key)
	var player: Dictionary = _players[key]
	player["peer_id"] = id # A client that started afresh: the newest id is its own.
	var path: String = found[1]
	if player.path != path: # And the path it came by.
		player["path"] = path
		player_path.emit(key, path)
	beat_to(id) # Its side may let us in seconds later through loss: it beats from then on.
	_departures.broadcast()
	_data_share.send_to(id, _own_data)


func _on_auth_failed(id: int) -> void:
	HolePunchTrace.note("host: peer %d authentication failed" % id)
	_attempts.ended(id)


## A player's connection closed (it left, or was silent for [member HolePunch.game_timeout]): it
## is gone, now or once its attempts afresh stopped ([code]hole_punch_host_attempts.gd[/code]).
func _on_closed(id: int) -> void:
	HolePunchTrace.note("host: peer %d disconnected" % id)
	_heard.erase(id)
	_departures.closed(id)


## A player silent for [member HolePunch.game_timeout]: dropped, with a place kept; else its
## connection is closed, so it leaves.
func _silent(id: int) -> void:
	var key := _departures.droppable(id)
	if key != "":
		_drop(key)
		return
	_enet.close(id)
	_on_closed(id)


## The player [param key] went silent: dropped, with its place kept.
func _drop(key: String) -> void:
	var id: int = _players[key].peer_id
	_heard.erase(id)
	_departures.drop(key, id)


## The grace of the dropped player [param key] ended: it has left.
func _on_expired(key: String, alias: String) -> void:
	if is_instance_valid(_node):
		_departures.tell(key, alias, "left", false) # It left the list when dropped.

