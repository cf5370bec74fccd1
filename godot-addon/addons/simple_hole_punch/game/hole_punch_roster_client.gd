extends "hole_punch_roster.gd"
## A client's side of the roster ([code]hole_punch_roster.gd[/code]): as soon as ENet connects it
## tells the host who it is (its alias and [member HolePunch.join_payload]); it completes its side
## of the authentication only once the host welcomed it with the list of players
## ([signal welcomed]), so the host lets it in, and its game's packets start, only after that. It
## counts as let in ([signal let_in]) when its [SceneMultiplayer] admits the host, before any packet
## of the host's game is read. It keeps the other players as the host lists them
## ([code]hole_punch_client_players.gd[/code]), emitting [signal player_joined] and
## [signal player_left] for them (the node's, once passed on). It takes messages
## only from the host (peer 1), and a list of at most [member HolePunch.max_peers] players. Once in,
## the connection closing (the host left, or was silent for [member HolePunch.game_timeout]) is
## [signal host_left]; but when the host gave this player a rejoin secret
## ([member HolePunch.rejoin_grace], SHP-REJOIN in its welcome), the host's silence is
## [signal dropped] instead: most likely this player's own connection died, and the node rejoins.
## Rejoining, it names its key in the game and proves the secret in its hello
## ([method rejoin_as]), and carries the players it knew ([method carry]) so that only changes are
## emitted.

const HolePunchClientList := preload("hole_punch_client_list.gd")
const HolePunchClientPlayers := preload("hole_punch_client_players.gd")
const HolePunchClock := preload("../session/hole_punch_clock.gd")
const HolePunchPassword := preload("../players/hole_punch_password.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchRejoin := preload("../players/hole_punch_rejoin.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## Another player came into the game as [param alias].
signal player_joined(key: String, alias: String)
## Another player left ([code]left[/code]) or was removed ([code]removed[/code]).
signal player_left(key: String, alias: String, reason: String)
## Another player now takes [param path] to the host, as the host lists it.
signal player_path(key: String, path: String)

## The host's game refused this player, for [param reason].
signal refused(reason: String)
## The host welcomed this player: its list of players arrived, and our side is complete.
signal welcomed
## The host let this player in: its [SceneMultiplayer] admitted the host.
signal let_in
## Once in: the host's connection closed ([param key] and [param alias] are the host's).
signal host_left(key: String, alias: String)
## Once in, with a rejoin secret: the host went silent for [member HolePunch.game_timeout].
signal dropped

## The rejoin secret the host gave this player at its welcome ("" when it allows no rejoining),
## and how long the host keeps its place after a drop (seconds).
var rejoin_secret := ""
var rejoin_grace := 0.0

var _settings: HolePunchSettings
var _clock: HolePunchClock
## Our alias (wire form) and our public key, as the server saw it.
var _own_alias := ""
var _own_key := ""
var _host_key := ""
## The pair's secret with the host: it keys the proof of our password.
var _secret := ""
## The host, as punched: [code]{"alias": String, "path": String}[/code].
var _host := {}
## The host welcomed us, and we completed our side.
var _completed := false
## The host let us in.
var _in := false
## Our own game is ending the host's connection ([method ENetPacketPeer.peer_disconnect_later]):
## its end is not the host leaving.
var _ending := false
## Rejoining after a drop: the secret to prove ("" otherwise).
var _rejoining_with := ""
## The other players as the host lists them ([code]hole_punch_client_players.gd[/code]).
var _others: HolePunchClientPlayers


## A client, on [param node]'s [SceneMultiplayer], of the host [param host] (the peer it
## punched), or of an unknown host (null), as [param settings] say, going by [param clock];
## [param own] is [code][our alias (wire form), our public key][/code].
func _init(node: Node, host: HolePunchPeer, settings: HolePunchSettings, clock: HolePunchClock, own: Array) -> void:
	super(node)
	_settings = settings
	_clock = clock
	_own_alias = own[0]
	_own_key = own[1]
	_others = HolePunchClientPlayers.new(_players, members, settings.max_peers)
	_others.joined.connect(player_joined.emit) # Signals, not lambdas: a lambda would hold this roster in a cycle.
	_others.left.connect(player_left.emit)
	_others.path.connect(player_path.emit)
	_others.data_changed.connect(player_data_changed.emit)
	if host != null:
		_host_key = host.public_key
		_secret = host.secret
		_host = {"alias": HolePunchAlias.decode(host.name), "path": host.shown_path()}


## Rejoins the game as [param key] (our key in it), proving [param secret] in the hello.
func rejoin_as(key: String, secret: String) -> void:
	_own_key = key
	_rejoining_with = secret


## Takes the other players of [param known] (as [method players] listed them before a drop) as
## known: only changes are emitted.
func carry(known: Dictionary) -> void:
	for key: String in known:
		if key != _host_key and key != _own_key:
			_players[key] = known[key]


## Our key in the game (a rejoining player keeps the one it first had).
func own_key() -> String:
	return _own_key


## The host's key.
func host_key() -> String:
	return _host_key


## What a rejoin needs once the host dropped us: [code]{"key": our key in the game, "host_key":
## the host's, "secret": the rejoin secret, "grace": seconds, "players": the players as listed}[/code].
func rejoin_record() -> Dictionary:
	return {"key": own_key(), "host_key": host_key(), "secret": rejoin_secret, "grace": rejoin_grace, "players": players()}


## Answers the host of the attempt about to start (call before its peer is set).
func join() -> void:
	_completed = false
	_in = false
	_ending = false
	_take(0.0) # The ready peer's fresh attempts decide how long to wait.


## The host counts us (without [SceneMultiplayer], its ENet's handshake is all there is).
func connected() -> void:
	_in = true


func peer_id(key: String) -> int:
	if key == _host_key:
		return 1 if _in else 0
	return super(key)


## The other players (their round trips to the host as the host last shared them), and the host
## (our own round trip to it now, as ENet measures it).
func players() -> Dictionary:
	var all := super()
	if _host_key != "":
		all[_host_key] = {"alias": _host.alias, "path": _host.path, "peer_id": peer_id(_host_key), "rtt": _host_rtt(), "data": members.of(_host_key)}
	return all


## Our member data goes to the host now, when it let us in, else once it does.
func set_own_data(data: Dictionary) -> void:
	super(data)
	if _in and _connected():
		_api().send_bytes(HolePunchMemberData.to_host(_own_data), 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE)


## The round trip (ms) to the host on our game connection, or -1 before the host let us in.
func _host_rtt() -> int:
	var enet := _api().multiplayer_peer as ENetMultiplayerPeer if _in and _api() != null else null
	if enet == null or enet.get_connection_status() != MultiplayerPeer.CONNECTION_CONNECTED:
		return -1
	var host := enet.get_peer(1)
	# A connection that just dropped is still listed until the next poll, with no ENet peer behind it.
	return -1 if host == null or not host.is_active() else int(host.get_statistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME))


func _signals(api: SceneMultiplayer) -> Array:
	return [[api.peer_authenticating, _on_authenticating], [api.peer_packet, _on_packet], [api.peer_connected, _on_admitted]]


## Connected in ENet's eyes: say who we are; our side completes once the host welcomes us.
func _on_authenticating(id: int) -> void:
	if id != 1:
		return
	HolePunchTrace.note("client: hello sent")
	var proof := HolePunchPassword.proof(_settings.password, _secret)
	var payload := HolePunchAlias.encode(_settings.join_payload)
	if _rejoining_with != "":
		_api().send_auth(1, HolePunchProtocol.encode_game_hello(_own_alias, payload, proof, _own_key, HolePunchRejoin.proof(_rejoining_with, _secret)))
	else:
		_api().send_auth(1, HolePunchProtocol.encode_game_hello(_own_alias, payload, proof))


## What the host says while letting us in: the player list (its welcome), or a refusal.
func _on_auth(id: int, data: PackedByteArray) -> void:
	var message := HolePunchProtocol.parse_game(data)
	if id != 1 or _completed:
		dropped_messages += 1
	elif message is HolePunchProtocol.GameRejoin:
		var given := message as HolePunchProtocol.GameRejoin
		rejoin_secret = given.secret
		rejoin_grace = given.grace.to_int() / 1000.0
	elif message is HolePunchProtocol.GameRoster:
		HolePunchTrace.note("client: list heard")
		if _take_roster(message as HolePunchProtocol.GameRoster):
			_completed = true
			welcomed.emit()
			_api().complete_auth(1)
	else:
		_take_refusal(message)


## The host admitted: before its game's first packet is read.
func _on_admitted(id: int) -> void:
	if id == 1 and _completed and not _in:
		_in = true
		# ENet's own word that the host's connection ended (it left, or timed out); the game
		# closing its peer itself says nothing there.
		var enet := _api().multiplayer_peer
		if not enet.peer_disconnected.is_connected(_on_enet_closed):
			enet.peer_disconnected.connect(_on_enet_closed)
		if not _own_data.is_empty():
			_api().send_bytes(HolePunchMemberData.to_host(_own_data), 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE)
		let_in.emit()


func _on_enet_closed(id: int) -> void:
	if id == 1:
		_on_host_gone()


func tick(now: float, game_timeout: float) -> void:
	var enet := _api().multiplayer_peer as ENetMultiplayerPeer if _in and _api() != null else null
	var host := enet.get_peer(1) if enet != null and enet.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED else null
	if host != null and host.get_state() in [ENetPacketPeer.STATE_DISCONNECT_LATER, ENetPacketPeer.STATE_DISCONNECTING]:
		_ending = true # The game disconnects: no heartbeats expected any more.
		_heard.clear()
	super(now, game_timeout)


## The host's connection closed after it let us in: it left, or went silent.
func _on_host_gone() -> void:
	HolePunchTrace.note("client: host connection closed or silent")
	_heard.clear()
	var left := _in and not _ending # Not when our own game ended the connection.
	_in = false
	if left:
		host_left.emit(_host_key, _host.get("alias", ""))


## The host was not heard for [member HolePunch.game_timeout]: gone, whatever ENet thinks yet.
func _silent(_id: int) -> void:
	if rejoin_secret != "" and _in and not _ending:
		_heard.clear()
		_in = false
		dropped.emit()
		return
	_on_host_gone()


## The host's raw packets of ours: the player list, a player who left, a refusal.
func _on_packet(id: int, data: PackedByteArray) -> void:
	if id != 1 or data.size() < 4 or data.slice(0, 4).get_string_from_ascii() != "SHP-":
		return # The game's own packets.
	if _in and not _ending:
		# Anything of ours from the host (its heartbeat, a list) proves it let us in: heartbeats
		# go both ways from the first, so none reaches a host still letting us in.
		heard(1, _clock.now())
	var message := HolePunchProtocol.parse_game(data)
	if message is HolePunchProtocol.GameBeat:
		return
	elif message is HolePunchProtocol.GameRoster:
		_take_roster(message as HolePunchProtocol.GameRoster)
	elif message is HolePunchProtocol.GameLeft:
		if not _others.take_left(message as HolePunchProtocol.GameLeft):
			_take_refusal(message) # None known here: dropped.
	elif message is HolePunchProtocol.GameMemberData:
		if not _others.take_data(message as HolePunchProtocol.GameMemberData, _host_key):
			dropped_messages += 1 # Ours (we know it), or malformed.
	else:
		_take_refusal(message)


func _take_refusal(message: HolePunchProtocol.Message) -> void:
	var refusal := message as HolePunchProtocol.GameRefused
	if refusal != null and is_alias(refusal.reason):
		refused.emit(HolePunchAlias.decode(refusal.reason))
	else:
		dropped_messages += 1


## Takes the host's list ([code]hole_punch_client_list.gd[/code]): the other players as they now
## stand; false when it is malformed.
func _take_roster(roster: HolePunchProtocol.GameRoster) -> bool:
	var own_id := _api().get_unique_id() if _api() != null else 0
	var read: Variant = HolePunchClientList.read(roster, _host_key, _own_key, own_id, _settings.max_peers)
	if read == null:
		dropped_messages += 1
		return false
	var fresh: Dictionary = read
	_others.take_list(fresh)
	return true
