extends RefCounted
## Host, in a game the node runs: each connection's hello ([code]hole_punch_roster_host.gd[/code]),
## which says who the peer is. A player punched before the handover, or one starting afresh, is
## welcomed on it; a late joiner is known by it (its alias, payload and password proof) and let in
## unless the node refuses it ([code]hole_punch_host_admission.gd[/code]) or the game does in its
## handlers; a hello that names an old key rejoins as that player while its place is kept
## ([code]hole_punch_host_rejoins.gd[/code]). A welcome brings the player list, and a rejoin secret
## with a grace, before the host completes its side. It lives apart from the roster so that the
## roster keeps to deciding who is in and telling everyone, and this to what one hello means.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchHostAdmission := preload("hole_punch_host_admission.gd")
const HolePunchHostAttempts := preload("hole_punch_host_attempts.gd")
const HolePunchHostEnet := preload("hole_punch_host_enet.gd")
const HolePunchHostExpected := preload("hole_punch_host_expected.gd")
const HolePunchHostPlayerList := preload("hole_punch_host_player_list.gd")
const HolePunchHostRejoins := preload("hole_punch_host_rejoins.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchTrace := preload("../session/hole_punch_trace.gd")

## The player [param key] came into the game as [param alias].
signal joined(key: String, alias: String)
## The late joiner [param key] was refused by the node itself (its player cap, password or rejoin).
signal refused(key: String, alias: String, reason: String)
## The late joiner [param key] sent [param payload] in its hello.
signal payload(key: String, payload: String)

## The late joiner whose payload the game is reading: refused there, it never joined.
var unannounced := ""
## The roster's players, by key (the same table: a hello that lets a player in adds it).
var _players: Dictionary
var _settings: HolePunchSettings
var _expected: HolePunchHostExpected
var _admission: HolePunchHostAdmission
var _attempts: HolePunchHostAttempts
var _rejoins: HolePunchHostRejoins
var _list: HolePunchHostPlayerList
var _enet: HolePunchHostEnet
## [code]drop.call(key)[/code]: the roster drops the player [param key], silent, its place kept.
var _drop: Callable


## Reads hellos into [param players], as [param settings] say, with the roster's parts
## [param expected], [param admission], [param attempts], [param rejoins], [param list] and
## [param enet]; [param drop] drops a listed player whose rejoin arrived first.
func _init(players: Dictionary, settings: HolePunchSettings, expected: HolePunchHostExpected, admission: HolePunchHostAdmission, attempts: HolePunchHostAttempts, rejoins: HolePunchHostRejoins, list: HolePunchHostPlayerList, enet: HolePunchHostEnet, drop: Callable) -> void:
	_players = players
	_settings = settings
	_expected = expected
	_admission = admission
	_attempts = attempts
	_rejoins = rejoins
	_list = list
	_enet = enet
	_drop = drop


## A player's hello [param data] on connection [param id]: its alias and payload, which make a late
## joiner known. Returns false when the message is dropped (not one well-formed hello of an attempt).
func take(id: int, data: PackedByteArray) -> bool:
	var found: Array = _attempts.of(id)
	var hello := HolePunchProtocol.parse_game(data) as HolePunchProtocol.GameHello
	# A node that knows no passwords leaves the proof out: the codec reads it as empty.
	if found.is_empty() or _attempts.is_welcomed(id) or hello == null or not (hello.alias == "" or HolePunchAlias.is_wire(hello.alias)) or not (hello.payload == "" or HolePunchAlias.is_wire(hello.payload)):
		return false # One hello per connection, well formed.
	var key: String = found[0]
	HolePunchTrace.note("host: hello from peer %d" % id)
	if hello.rejoin_key != "":
		_rejoin(id, key, hello)
		return true
	if _players.has(key): # Punched before the handover (its alias known), or starting afresh.
		_welcome(id)
		return true
	if hello.alias == "":
		return false # A late joiner is known only by its hello.
	var alias := HolePunchAlias.decode(hello.alias)
	var refusal := _admission.refusal(_players.size() + _rejoins.kept(), _expected.secret(key), hello.proof)
	if refusal != "":
		_admission.remember(key, refusal)
		turn_away(id, refusal)
		refused.emit(key, alias, refusal)
		return true
	_players[key] = {"alias": alias, "path": found[1], "peer_id": 0}
	unannounced = key
	payload.emit(key, HolePunchAlias.decode(hello.payload))
	unannounced = ""
	if _players.has(key): # Unless refused in that handler.
		joined.emit(key, alias)
	if _players.has(key) and _attempts.has(id):
		_welcome(id)
	return true


## Tells a peer still authenticating that it is refused for [param reason], and lets it go.
func turn_away(id: int, reason: String) -> void:
	_attempts.turn_away(id)
	_enet.turn_away(id, reason)


## The hello of connection [param id] (of the new key [param key]) asks to rejoin as
## [code]hello.rejoin_key[/code]: let in as that player if it proves the secret while the place is
## kept (a player still listed, whose drop this host has not noticed yet, is dropped now).
func _rejoin(id: int, key: String, hello: HolePunchProtocol.GameHello) -> void:
	var old := hello.rejoin_key
	var refusal := _rejoins.refusal(old, _players.has(old), _expected.secret(key), hello.rejoin_proof)
	if refusal != "":
		_admission.remember(key, refusal)
		turn_away(id, refusal)
		refused.emit(key, HolePunchAlias.decode(hello.alias) if hello.alias != "" else "", refusal)
		return
	if _players.has(old):
		_drop.call(old)
	var alias := _rejoins.take(old)
	# The new connection is the player's: its addresses, and a relay granted later, name its old key.
	_expected.rename(key, old)
	_attempts.rename(id, old)
	_players[old] = {"alias": alias, "path": _attempts.of(id)[1], "peer_id": 0}
	joined.emit(old, alias)
	if _players.has(old) and _attempts.has(id): # Unless refused in that handler.
		_welcome(id)


## Completes the host's side, the player list first: the client completes its own side only once
## the list arrived, and the player is let in when that completion arrives. So no packet of the
## game reaches the client before it knows it is in ([signal HolePunch.game_connected]).
func _welcome(id: int) -> void:
	HolePunchTrace.note("host: welcome peer %d (list, then our side complete)" % id)
	_attempts.welcome(id)
	var found := _attempts.of(id)
	var key: String = "" if found.is_empty() else found[0]
	var messages: Array[PackedByteArray] = []
	var secret := "" if found.is_empty() else _rejoins.welcome(key) # A new one at each welcome.
	if secret != "":
		messages.append(HolePunchProtocol.encode_game_rejoin(secret, str(roundi(_settings.rejoin_grace * 1000.0))))
	messages.append(_list.message(_players))
	_enet.welcome(id, messages)
