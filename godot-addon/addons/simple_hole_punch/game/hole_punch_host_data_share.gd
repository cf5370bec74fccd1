extends RefCounted
## Host, in a game the node runs: the players' member data ([code]hole_punch_member_data.gd[/code])
## as it goes to every player ([code]hole_punch_roster_host.gd[/code]). What a player sets is kept
## and shared at once, or, within [code]HolePunchMemberData.INTERVAL[/code] of that player's last
## share, then (the latest wins): a player that sets data in a loop costs the others one packet per
## interval. A player let in hears everyone's.

const HolePunchHostEnet := preload("hole_punch_host_enet.gd")
const HolePunchMemberData := preload("hole_punch_member_data.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## The member data of the player [param key] is now [param data].
signal changed(key: String, data: Dictionary)

var _members: HolePunchMemberData
## [code]peer_id.call(key) -> int[/code]: the ENet peer id of the player [param key] (0 while it
## has none), or -1 when it is no player.
var _peer_id: Callable
var _enet: HolePunchHostEnet
## Player key -> when its member data may be shared next.
var _due := {}
## Keys whose latest data waits for that.
var _waiting := {}


## Keeps the data in [param members] and shares it on [param enet], naming each player by
## [param peer_id] (see [member _peer_id]).
func _init(members: HolePunchMemberData, peer_id: Callable, enet: HolePunchHostEnet) -> void:
	_members = members
	_peer_id = peer_id
	_enet = enet


## The data the player [param key] set ([param message]) at [param now]; returns false when it is
## not member data a player may set.
func take(key: String, message: HolePunchProtocol.GameMemberSet, now: float) -> bool:
	var read: Variant = HolePunchMemberData.read(message.name, message.value)
	if read == null:
		return false
	var data: Dictionary = read
	if not _members.put(key, data):
		return true
	changed.emit(key, _members.of(key))
	_waiting[key] = true
	if now >= _due.get(key, 0.0):
		_share(key, now)
	return true


## Shares the data that waited until [param now].
func tick(now: float) -> void:
	for key: String in _waiting.keys():
		if now >= _due.get(key, 0.0):
			_share(key, now)


## Shares the host's own [param data] (under peer id 1).
func share_own(data: Dictionary) -> void:
	_enet.send_all(HolePunchMemberData.to_players(1, data))


## Sends the player [param id], just let in, everyone's data: the host's own ([param own]) and
## each other player's.
func send_to(id: int, own: Dictionary) -> void:
	var packets: Array[PackedByteArray] = []
	if not own.is_empty():
		packets.append(HolePunchMemberData.to_players(1, own))
	for key: String in _members.keys():
		var other: int = _peer_id.call(key)
		if other > 0 and other != id:
			packets.append(HolePunchMemberData.to_players(other, _members.of(key)))
	_enet.send_to(id, packets)


## Forgets what the player [param key] shared: it is gone.
func forget(key: String) -> void:
	_members.forget(key)
	_due.erase(key)
	_waiting.erase(key)


## Sends the data of the player [param key] to every player.
func _share(key: String, now: float) -> void:
	_waiting.erase(key)
	_due[key] = now + HolePunchMemberData.INTERVAL
	var id: int = _peer_id.call(key)
	if id >= 0:
		_enet.send_all(HolePunchMemberData.to_players(id, _members.of(key)))
