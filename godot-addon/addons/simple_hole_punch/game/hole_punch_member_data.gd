extends RefCounted
## Member data in a game the node runs ([member HolePunch.manage_game_peer]): a few small text
## entries each player sets about itself ([method HolePunch.set_member_data]: a team, a colour,
## "ready"), which the host shares with every player. Each player sends all of its own to the host
## (SHP-SET) once let in and whenever it changes; the host keeps every player's, sends each change
## to everyone (SHP-DATA, by the player's ENet peer id on the host, 1 for its own) and everyone's
## to a player it lets in. A player's entries are at most [constant ENTRIES], each name at most
## [constant NAME_BYTES] and each value at most [constant VALUE_BYTES] once percent-encoded as an
## alias is (32 ASCII characters, or 16 accented letters), without control characters; the host shares one player's changes at most every [constant INTERVAL] seconds (the
## latest wins), so a player that sets data in a loop costs the others one packet per interval.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

const ENTRIES := 8
const NAME_BYTES := 24
const VALUE_BYTES := 96
const INTERVAL := 0.5

## Key -> that player's data ([code]{name: value}[/code], both Strings), for the players that have some.
var _data := {}


## Whether [param data] is member data a player may set: at most [constant ENTRIES] entries of
## String names (not empty) and String values, each short enough once encoded.
static func accepts(data: Dictionary) -> bool:
	if data.size() > ENTRIES:
		return false
	for name: Variant in data:
		if typeof(name) != TYPE_STRING or typeof(data[name]) != TYPE_STRING:
			return false
		var wire_name := HolePunchAlias.encode(str(name))
		var wire_value := HolePunchAlias.encode(str(data[name]))
		if wire_name == "" or wire_name.length() > NAME_BYTES or (wire_value == "" and str(data[name]) != "") or wire_value.length() > VALUE_BYTES:
			return false # Encoded as nothing: control characters, or more than 32 characters.
	return true


## The names of [param data] in wire form.
static func wire_names(data: Dictionary) -> PackedStringArray:
	var names := PackedStringArray()
	for name: String in data:
		names.append(HolePunchAlias.encode(name))
	return names


## The values of [param data] in wire form, in the order of [method wire_names].
static func wire_values(data: Dictionary) -> PackedStringArray:
	var values := PackedStringArray()
	for name: String in data:
		values.append(HolePunchAlias.encode(str(data[name])))
	return values


## The data that [param names] and [param values] (wire form, from a peer) say, or null when they
## are not member data a player may set (malformed, or too much).
static func read(names: PackedStringArray, values: PackedStringArray) -> Variant:
	if names.size() != values.size() or names.size() > ENTRIES:
		return null
	var data := {}
	for i in names.size():
		if names[i].length() > NAME_BYTES or values[i].length() > VALUE_BYTES or not HolePunchAlias.is_wire(names[i]) or not (values[i] == "" or HolePunchAlias.is_wire(values[i])):
			return null
		var name := HolePunchAlias.decode(names[i])
		if data.has(name):
			return null
		data[name] = HolePunchAlias.decode(values[i])
	return data


## A player's data on the wire to the host: SHP-SET.
static func to_host(data: Dictionary) -> PackedByteArray:
	return HolePunchProtocol.encode_game_member_set(wire_names(data), wire_values(data))


## A player's data on the wire to the players: SHP-DATA, whose is [param peer_id] (1: the host).
static func to_players(peer_id: int, data: Dictionary) -> PackedByteArray:
	return HolePunchProtocol.encode_game_member_data(str(peer_id), wire_names(data), wire_values(data))


## The data of player [param key] (empty when it has none).
func of(key: String) -> Dictionary:
	var data: Dictionary = _data.get(key, {})
	return data.duplicate()


## Sets the data of player [param key]; returns whether it changed.
func put(key: String, data: Dictionary) -> bool:
	if of(key) == data:
		return false
	if data.is_empty():
		_data.erase(key)
	else:
		_data[key] = data.duplicate()
	return true


## Forgets player [param key] (gone).
func forget(key: String) -> void:
	_data.erase(key)


## The keys of the players that have data.
func keys() -> Array:
	return _data.keys()

