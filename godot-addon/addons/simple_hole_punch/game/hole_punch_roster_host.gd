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
## without a word. A player whose connection closes leaves ([code]left[/code]) at once, unless a
## fresh attempt of its own is being let in (the old connection's end often arrives with it): then
## it stays while its attempts go on, however long each takes through loss, and leaves once none
## went on for twice [member HolePunch.game_retry_interval]; one let in afresh on another path takes
## that path. Every change of the list goes to every client, and so do the players' round trips
## (ENet's, on the host's connection to each) when one of them moved, at most every
## [constant RTT_SHARE_INTERVAL] seconds. What happens to players it emits; the node passes it on.
##
## With [member HolePunch.rejoin_grace], each player's welcome brings a rejoin secret of its own
## ([code]hole_punch_rejoin.gd[/code]). A player silent for [member HolePunch.game_timeout] is then
## dropped rather than gone: its ENet connection is reset without a word (SceneMultiplayer forgets its
## peer id at the next poll: no ghost), it leaves the list ([code]dropped[/code]) and its place is
## kept for the grace, under [member HolePunch.max_players] too. It comes back as a late joiner does,
## with a new key and a new ENet peer id, and its hello names its old key and proves the secret: it
## is let in under its old key and alias ([signal player_joined]), its new connection's addresses
## now naming the old key. A rejoin for a place no longer kept is refused ([code]rejoin_expired[/code]),
## one with a wrong proof too ([code]rejoin_refused[/code]); when the grace ends the player has left
## ([code]left[/code]). A player whose connection closed (ENet's goodbye: it left) has left at once.

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
const HolePunchFailures := preload("../session/hole_punch_failures.gd")
const HolePunchGameGate := preload("hole_punch_game_gate.gd")
const HolePunchGamePeer := preload("hole_punch_game_peer.gd")
const HolePunchPassword := preload("../players/hole_punch_password.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchRejoin := preload("../players/hole_punch_rejoin.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## Late joiners and refusals remembered, per allowed peer.
const _MEMORY := 4
## Most seconds between shares of the round trips with the players, when one moved: by more than
## [constant RTT_SHARE_MARGIN] ms and a fifth since the last share (or became known).
const RTT_SHARE_INTERVAL := 2.0
const RTT_SHARE_MARGIN := 10

var _game: ENetMultiplayerPeer
var _settings: HolePunchSettings
var _clock: HolePunchClock
## "ip:port" -> [key, path] of every player expected at the game's port.
var _endpoints := {}
## Late joiners' keys (oldest first); refused keys -> reason (wire form); ENet peer id -> [key,
## path] while it authenticates; ids already welcomed; key -> id of a player whose connection
## closed, until it counts as gone.
var _late := {}
var _refused := {}
var _pending := {}
var _welcomed := {}
var _leaving := {}
## Player key -> when an attempt of its own last started or ended (seconds).
var _attempted := {}
## Players' pair secrets, by key, handed over or late: they key the proof of a password (a
## handed-over player that left and comes back is asked for it like a late joiner).
var _secrets := {}
## The late joiner whose payload the game is reading: refused there, it never joined.
var _unannounced := ""
## The game's port in front of ENet, if any: ENet sees each player at one of its loopback legs.
var _gate: HolePunchGameGate
## Player key -> its round trip (ms) as the players last heard it; when they may hear it next.
var _shared_rtt := {}
var _next_share := 0.0
## Player key -> the rejoin secret its last welcome gave it.
var _rejoin_secrets := {}
## Dropped players whose place is kept: key -> [code]{"alias": String, "until": float}[/code].
var _dropped := {}
## A rejoining player's new key (its new connection's) -> its key in the game.
var _renamed := {}
## Player key -> when its member data may be shared next; keys whose latest data waits for that.
var _data_due := {}
var _data_waiting := {}


## Admits the peers of [param game] on [param node]'s [SceneMultiplayer], the players punched
## before the handover being [param peers], as [param settings] say, going by [param clock].
func _init(node: Node, game: ENetMultiplayerPeer, peers: Array[HolePunchPeer], settings: HolePunchSettings, clock: HolePunchClock) -> void:
	super(node)
	_game = game
	_settings = settings
	_clock = clock
	for punched in peers:
		if punched.path != "":
			var path := punched.shown_path()
			var to := punched.endpoint()
			var ip: String = to[0]
			var port: int = to[1]
			_endpoints[address(ip, port)] = [punched.public_key, path]
			_players[punched.public_key] = {"alias": HolePunchAlias.decode(punched.name), "path": path, "peer_id": 0}
			_secrets[punched.public_key] = punched.secret
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
	if id <= 0 or not _connected() or not _api().get_peers().has(id):
		return -1
	var remote := _game.get_peer(id)
	# A connection that just dropped is still listed until the next poll, with no ENet peer behind it.
	return -1 if remote == null or not remote.is_active() else int(remote.get_statistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME))


## Also shares the round trips with the players when one moved, at most every
## [constant RTT_SHARE_INTERVAL] seconds.
func tick(now: float, game_timeout: float) -> void:
	super(now, game_timeout)
	for key: String in _data_waiting.keys():
		if now >= _data_due.get(key, 0.0):
			_share_data(key, now)
	if now < _next_share:
		return
	_next_share = now + RTT_SHARE_INTERVAL
	for key: String in _players:
		var was: int = _shared_rtt.get(key, 0)
		var player: Dictionary = _players[key]
		var id: int = player.peer_id
		var is_now := maxi(0, rtt(id))
		if absi(is_now - was) > RTT_SHARE_MARGIN + floori(was / 5.0):
			_broadcast()
			return


## Lets only the addresses a player was punched at through [param gate] to ENet, and names each
## ENet peer by the address behind its leg.
func behind(gate: HolePunchGameGate) -> void:
	_gate = gate
	gate.admit(expects, _on_afresh)


## Whether a player was punched at [param ip]:[param port] (the gate lets only those reach ENet).
func expects(ip: String, port: int) -> bool:
	return _endpoints.has(address(ip, port))


## A late joiner [param key] may connect from its public or its LAN address.
func add_endpoints(key: String, joiner: HolePunchPeer) -> void:
	_late[key] = true
	_secrets[key] = joiner.secret
	_endpoints[address(joiner.public_ip, joiner.public_port)] = [key, "public"]
	if joiner.probe_lan:
		_endpoints[address(joiner.lan_ip, joiner.lan_port)] = [key, "local"]
	if _late.size() > _MEMORY * _settings.max_peers: # Forget the oldest that is not a player.
		var oldest: String = _late.keys()[0]
		_late.erase(oldest)
		_secrets.erase(oldest)
		for at: String in _endpoints.keys():
			if _endpoints[at][0] == oldest and not _players.has(oldest):
				_endpoints.erase(at)


## A late joiner [param key] may connect through the relay at [param ip]:[param port].
func add_relay(key: String, ip: String, port: int) -> void:
	_endpoints[address(ip, port)] = [_renamed.get(key, key), "relay"]


func refuse(key: String, reason: String) -> bool:
	if _dropped.has(key): # Its place is no longer kept.
		var alias: String = _dropped[key].alias
		_dropped.erase(key)
		_rejoin_secrets.erase(key)
		_remember_refusal(key, reason)
		player_left.emit(key, alias, "removed")
		_send_all(HolePunchProtocol.encode_game_left(key, "removed"))
		return true
	if not _players.has(key):
		return false
	var player: Dictionary = _players[key]
	_players.erase(key)
	_forget(key)
	_leaving.erase(key)
	_attempted.erase(key)
	_rejoin_secrets.erase(key)
	_remember_refusal(key, reason)
	for id: int in _pending.keys():
		if _pending[id][0] == key and not _welcomed.has(id):
			_turn_away(id, reason) # A welcomed one is turned away once in: see _on_admitted.
	var in_game: int = player.peer_id
	if in_game > 0:
		_kick(in_game, reason)
	if key != _unannounced:
		player_left.emit(key, player.alias, "removed")
	_send_all(HolePunchProtocol.encode_game_left(key, "removed"))
	_broadcast()
	return true


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
		_take_data(id, message as HolePunchProtocol.GameMemberSet)
	else:
		dropped_messages += 1


## The member data player [param id] set: kept, and shared with every player now or, within
## [code]HolePunchMemberData.INTERVAL[/code] of its last share, then (the latest wins).
func _take_data(id: int, message: HolePunchProtocol.GameMemberSet) -> void:
	var key := _key_of(id)
	var read: Variant = HolePunchMemberData.read(message.name, message.value)
	if key == "" or read == null:
		dropped_messages += 1
		return
	var data: Dictionary = read
	if not members.put(key, data):
		return
	player_data_changed.emit(key, members.of(key))
	_data_waiting[key] = true
	if _clock.now() >= _data_due.get(key, 0.0):
		_share_data(key, _clock.now())


## Sends the member data of player [param key] to every player.
func _share_data(key: String, now: float) -> void:
	_data_waiting.erase(key)
	_data_due[key] = now + HolePunchMemberData.INTERVAL
	if _players.has(key):
		var id: int = _players[key].peer_id
		_send_all(HolePunchMemberData.to_players(id, members.of(key)))


func set_own_data(data: Dictionary) -> void:
	super(data)
	_send_all(HolePunchMemberData.to_players(1, data))


## The key of the player let in as ENet peer [param id], or "".
func _key_of(id: int) -> String:
	for key: String in _players:
		var player: Dictionary = _players[key]
		if player.peer_id == id:
			return key
	return ""


## A player silent for [member HolePunch.game_timeout]: its connection is closed, so it leaves.
func _silent(id: int) -> void:
	for key: String in _players:
		if _players[key].peer_id == id and _rejoin_secrets.has(key) and _settings.rejoin_grace > 0.0:
			_drop(key)
			return
	if _game.get_peer(id) != null:
		_game.disconnect_peer(id) # The game's peer_disconnected follows once ENet gives up.
	_on_closed(id)


## [key, path] of the player ENet peer [param id] connected as, or empty.
func _found(id: int) -> Array:
	var remote := _game.get_peer(id)
	if remote == null:
		return []
	var at := [remote.get_remote_address(), remote.get_remote_port()]
	if _gate != null:
		at = _gate.remote_of(remote.get_remote_address(), remote.get_remote_port())
	var ip: String = at[0]
	var port: int = at[1]
	return _endpoints.get(address(ip, port), [])


## The player at [param ip]:[param port] starts afresh: the end of its connection before, which
## the gate ends now, is no leave.
func _on_afresh(ip: String, port: int) -> void:
	var found: Array = _endpoints.get(address(ip, port), [])
	if not found.is_empty() and _players.has(found[0]):
		_attempted[found[0]] = _clock.now()


func _on_authenticating(id: int) -> void:
	var remote := _game.get_peer(id)
	HolePunchTrace.note("host: peer %d authenticating" % id)
	if remote != null:
		HolePunchGamePeer.make_patient(remote)
		HolePunchGamePeer.unthrottle(remote)
	for other: ENetPacketPeer in _game.get_host().get_peers():
		if remote != null and other != remote and other.get_remote_address() == remote.get_remote_address() and other.get_remote_port() == remote.get_remote_port():
			other.reset() # The player started afresh: its old connection's resends, with ids ENet may reuse, must not reach the new one.
	var found := _found(id)
	if found.is_empty() or _refused.has(found[0]):
		var reason: String = "unknown" if found.is_empty() else _refused[found[0]]
		_turn_away(id, reason)
		return
	_pending[id] = found # Its hello follows.
	if _players.has(found[0]):
		_attempted[found[0]] = _clock.now()


## A player's hello: its alias and payload, which make a late joiner known.
func _on_auth(id: int, data: PackedByteArray) -> void:
	var found: Array = _pending.get(id, [])
	var hello := HolePunchProtocol.parse_game(data) as HolePunchProtocol.GameHello
	# A node that knows no passwords leaves the proof out: the codec reads it as empty.
	if found.is_empty() or _welcomed.has(id) or hello == null or not (hello.alias == "" or is_alias(hello.alias)) or not (hello.payload == "" or is_alias(hello.payload)):
		dropped_messages += 1 # One hello per connection, well formed.
		return
	var key: String = found[0]
	HolePunchTrace.note("host: hello from peer %d" % id)
	if hello.rejoin_key != "":
		_on_rejoin(id, key, hello)
		return
	if _players.has(key): # Punched before the handover (its alias known), or starting afresh.
		_welcome(id)
		return
	if hello.alias == "":
		dropped_messages += 1 # A late joiner is known only by its hello.
		return
	var alias := HolePunchAlias.decode(hello.alias)
	var secret: String = _secrets.get(key, "")
	var refusal := ""
	if _settings.rejoin_grace > 0.0 and not _settings.keep_open:
		refusal = HolePunchFailures.CLOSED # The session stays open for rejoining players alone.
	elif _settings.max_players > 0 and _players.size() + _dropped.size() >= _settings.max_players:
		refusal = HolePunchFailures.FULL
	elif not HolePunchPassword.accepts(_settings.password, secret, hello.proof):
		refusal = HolePunchPassword.REFUSAL
	if refusal != "":
		_remember_refusal(key, refusal)
		_turn_away(id, refusal)
		player_refused.emit(key, alias, refusal)
		return
	_players[key] = {"alias": alias, "path": found[1], "peer_id": 0}
	_unannounced = key
	player_payload.emit(key, HolePunchAlias.decode(hello.payload))
	_unannounced = ""
	if _players.has(key): # Unless refused in that handler.
		player_joined.emit(key, alias)
	if _players.has(key) and _pending.has(id):
		_welcome(id)


func _on_admitted(id: int) -> void:
	HolePunchTrace.note("host: peer %d connected" % id)
	var found: Array = _pending.get(id, [])
	_pending.erase(id)
	_welcomed.erase(id)
	if found.is_empty():
		return
	if not _players.has(found[0]): # Refused between its welcome and now.
		var reason: String = _refused.get(found[0], "removed")
		_kick(id, reason)
		return
	_leaving.erase(found[0])
	_attempted.erase(found[0])
	_players[found[0]].peer_id = id # A client that started afresh: the newest id is its own.
	var key: String = found[0]
	var path: String = found[1]
	var player: Dictionary = _players[key]
	if player.path != path: # And the path it came by.
		player["path"] = path
		player_path.emit(key, path)
	beat_to(id) # Its side may let us in seconds later through loss: it beats from then on.
	_broadcast()
	_send_data_to(id)


## Sends player [param id], just let in, everyone's member data: the host's and each player's.
func _send_data_to(id: int) -> void:
	var packets: Array[PackedByteArray] = []
	if not _own_data.is_empty():
		packets.append(HolePunchMemberData.to_players(1, _own_data))
	for key: String in members.keys():
		var other: int = _players[key].peer_id if _players.has(key) else 0
		if other > 0 and other != id:
			packets.append(HolePunchMemberData.to_players(other, members.of(key)))
	for packet in packets:
		_api().send_bytes(packet, id, MultiplayerPeer.TRANSFER_MODE_RELIABLE)


## A player's connection closed (it left, or was silent for [member HolePunch.game_timeout]): it
## is gone at once, unless a fresh attempt of its own is being let in, or one began or ended
## within twice [member HolePunch.game_retry_interval] (its next follows within that): then it
## stays while its attempts go on, however long each takes through loss, and is gone once none
## went on for that long.
func _on_closed(id: int) -> void:
	HolePunchTrace.note("host: peer %d disconnected" % id)
	_heard.erase(id)
	for key: String in _players:
		if _players[key].peer_id == id:
			_players[key].peer_id = 0
			_leaving[key] = id
			_gone(key, id)
			return


## The player [param key], whose connection [param id] closed, is gone unless an attempt of its
## own is being let in or ended lately; then this looks again later (an attempt ends, let in or
## not, within the game's authentication timeout, and a client stops trying after its
## [member HolePunch.game_connect_timeout], so the wait is bounded).
func _gone(key: String, id: int) -> void:
	if _leaving.get(key, 0) != id or not _players.has(key) or not is_instance_valid(_node):
		return
	var grace: float = 2.0 * _settings.game_retry_interval
	var quiet: float = _clock.now() - _attempted.get(key, -INF)
	if _attempting(key) or quiet < grace:
		_clock.after(grace if _attempting(key) else grace - quiet, _gone.bind(key, id))
		return
	var alias: String = _players[key].alias
	_players.erase(key)
	_forget(key)
	_leaving.erase(key)
	_attempted.erase(key)
	_rejoin_secrets.erase(key)
	player_left.emit(key, alias, "left")
	_send_all(HolePunchProtocol.encode_game_left(key, "left"))
	_broadcast()


## Whether an attempt of the player [param key] is being let in: pending, and its ENet connection
## neither gone nor ending. Forgets the pending ones that ended unheard.
func _attempting(key: String) -> bool:
	var live := false
	for id: int in _pending.keys():
		var remote := _game.get_peer(id)
		if remote == null or not remote.is_active() or remote.get_state() >= ENetPacketPeer.STATE_DISCONNECT_LATER:
			_ended(id)
		elif _pending[id][0] == key:
			live = true
	return live


func _on_auth_failed(id: int) -> void:
	HolePunchTrace.note("host: peer %d authentication failed" % id)
	_ended(id)


## The attempt [param id] ended before it was let in.
func _ended(id: int) -> void:
	var found: Array = _pending.get(id, [])
	_pending.erase(id)
	_welcomed.erase(id)
	if not found.is_empty() and _players.has(found[0]):
		_attempted[found[0]] = _clock.now()


## Completes the host's side, the player list first: the client completes its own side only once
## the list arrived, and the player is let in when that completion arrives. So no packet of the
## game reaches the client before it knows it is in ([signal HolePunch.game_connected]).
func _welcome(id: int) -> void:
	HolePunchTrace.note("host: welcome peer %d (list, then our side complete)" % id)
	_welcomed[id] = true
	var found: Array = _pending.get(id, [])
	if _settings.rejoin_grace > 0.0 and not found.is_empty():
		var secret := HolePunchRejoin.new_secret() # A new one at each welcome: an old one proves nothing.
		_rejoin_secrets[found[0]] = secret
		_api().send_auth(id, HolePunchProtocol.encode_game_rejoin(secret, str(roundi(_settings.rejoin_grace * 1000.0))))
	_api().send_auth(id, _list())
	_api().complete_auth(id)


## Tells a peer still authenticating that it is refused for [param reason], and lets it go.
func _turn_away(id: int, reason: String) -> void:
	_pending.erase(id)
	_api().send_auth(id, _refusal(reason))
	_disconnect_later(id)


## Tells a peer already let in that it is refused for [param reason], and lets it go.
func _kick(id: int, reason: String) -> void:
	if _api().get_peers().has(id):
		_api().send_bytes(_refusal(reason), id, MultiplayerPeer.TRANSFER_MODE_RELIABLE)
	_disconnect_later(id)


static func _refusal(reason: String) -> PackedByteArray:
	return HolePunchProtocol.encode_game_refused(reason)


## Lets [param id] go once what was queued for it (the reason) is delivered.
func _disconnect_later(id: int) -> void:
	if _game.get_peer(id) != null:
		_game.get_peer(id).peer_disconnect_later()


## Sends the player list to every client.
func _broadcast() -> void:
	_send_all(_list())


## The player list, as a message.
func _list() -> PackedByteArray:
	var aliases := PackedStringArray()
	var ids := PackedStringArray()
	var paths := PackedStringArray()
	var rtts := PackedStringArray()
	_shared_rtt.clear()
	for key: String in _players:
		var player: Dictionary = _players[key]
		var alias: String = player.alias
		var path: String = player.path
		aliases.append(HolePunchAlias.encode(alias))
		ids.append(str(player.peer_id))
		paths.append(path)
		var id: int = player.peer_id
		var shared := maxi(0, rtt(id)) # 0: unknown.
		_shared_rtt[key] = shared
		rtts.append(str(shared))
	return HolePunchProtocol.encode_game_roster(PackedStringArray(_players.keys()), aliases, ids, paths, rtts)


func _send_all(packet: PackedByteArray) -> void:
	if not _connected():
		return # The game's peer is closed: nobody to tell.
	for id in _api().get_peers():
		var remote := _game.get_peer(id)
		if remote != null and remote.get_state() == ENetPacketPeer.STATE_CONNECTED: # Not one being let go.
			_api().send_bytes(packet, id, MultiplayerPeer.TRANSFER_MODE_RELIABLE)


## Forgets what the player [param key] shared: it is gone.
func _forget(key: String) -> void:
	members.forget(key)
	_data_due.erase(key)
	_data_waiting.erase(key)


func _remember_refusal(key: String, reason: String) -> void:
	_refused[key] = reason
	if _refused.size() > _MEMORY * _settings.max_peers:
		_refused.erase(_refused.keys()[0])


## The player [param key] went silent: its place is kept for [member HolePunch.rejoin_grace], its
## connection reset without a word (the player rejoins with a new one).
func _drop(key: String) -> void:
	var player: Dictionary = _players[key]
	var id: int = player.peer_id
	_heard.erase(id)
	var remote := _game.get_peer(id) if id > 0 else null
	if remote != null:
		remote.reset() # No goodbye: SceneMultiplayer forgets the id at the next poll.
	_players.erase(key)
	_leaving.erase(key)
	_attempted.erase(key)
	_forget(key) # Its member data: its node shares it again once back.
	var until := _clock.now() + _settings.rejoin_grace
	_dropped[key] = {"alias": player.alias, "until": until}
	player_left.emit(key, player.alias, "dropped")
	_send_all(HolePunchProtocol.encode_game_left(key, "dropped"))
	_broadcast()
	_clock.after(_settings.rejoin_grace, _expire.bind(key, until))


## The grace of the dropped player [param key] (dropped to stay until [param until]) ended.
func _expire(key: String, until: float) -> void:
	if not _dropped.has(key) or _dropped[key].until != until or not is_instance_valid(_node):
		return
	var alias: String = _dropped[key].alias
	_dropped.erase(key)
	_rejoin_secrets.erase(key)
	player_left.emit(key, alias, "left")
	_send_all(HolePunchProtocol.encode_game_left(key, "left"))


## The hello of connection [param id] (of the new key [param key]) asks to rejoin as
## [code]hello.rejoin_key[/code]: let in as that player if it proves the secret while the place is
## kept (a player still listed, whose drop this host has not noticed yet, is dropped now).
func _on_rejoin(id: int, key: String, hello: HolePunchProtocol.GameHello) -> void:
	var old := hello.rejoin_key
	var refusal := ""
	if not (_dropped.has(old) or _players.has(old)) or not _rejoin_secrets.has(old) or _settings.rejoin_grace <= 0.0:
		refusal = HolePunchRejoin.EXPIRED
	elif not HolePunchRejoin.accepts(str(_rejoin_secrets[old]), str(_secrets.get(key, "")), hello.rejoin_proof):
		refusal = HolePunchRejoin.REFUSED
	if refusal != "":
		_remember_refusal(key, refusal)
		_turn_away(id, refusal)
		player_refused.emit(key, HolePunchAlias.decode(hello.alias) if hello.alias != "" else "", refusal)
		return
	if _players.has(old):
		_drop(old)
	var alias: String = _dropped[old].alias
	_dropped.erase(old)
	# The new connection is the player's: its addresses, and a relay granted later, name its old key.
	_renamed[key] = old
	if _renamed.size() > _MEMORY * _settings.max_peers:
		_renamed.erase(_renamed.keys()[0])
	for at: String in _endpoints.keys():
		if _endpoints[at][0] == key:
			_endpoints[at] = [old, _endpoints[at][1]]
	_late.erase(key)
	_late[old] = true
	_secrets[old] = _secrets.get(key, "")
	_secrets.erase(key)
	var path: String = _pending[id][1]
	_pending[id] = [old, path]
	_players[old] = {"alias": alias, "path": path, "peer_id": 0}
	player_joined.emit(old, alias)
	if _players.has(old) and _pending.has(id): # Unless refused in that handler.
		_welcome(id)
