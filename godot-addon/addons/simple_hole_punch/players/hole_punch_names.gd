extends RefCounted
## The aliases a [HolePunch] node knows, and the punch packet (RD) that carries them.
##
## A peer's alias is the first name of its punch packets; a client also takes the other names
## from the host's packets (the other clients). The set is capped, each name is reported once,
## and the packet keeps within [code]HolePunchProtocol.MAX_DATAGRAM_BYTES[/code]: names that do not
## fit are left out. RV, which only peers of ours read, carries each alias in full; RD, which
## original peers read, carries each cut to [code]HolePunchProtocol.MAX_NAME_LENGTH[/code] bytes
## ([code]HolePunchAlias.cut()[/code]).

const HolePunchAlias := preload("hole_punch_alias.gd")
const HolePunchPeer := preload("hole_punch_peer.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## Most names kept (besides our own).
var cap: int
## Our alias, in wire form.
var own_alias: String:
	get:
		return _alias
var _alias: String
var _known := {}
var _order: Array[String] = []
## Each name as RD carries it (cut once, not on every packet).
var _cut := {}


func _init(alias: String, most: int) -> void:
	_alias = alias
	cap = most


## Records [param name]; returns whether it is new (not ours, not known, and under [member cap]).
func add(name: String) -> bool:
	if name == _alias or _known.has(name) or _order.size() >= cap:
		return false
	_known[name] = true
	_order.append(name)
	return true


## Takes the names of a punch packet from [param peer]: its alias is the first name of its first
## packet, and only that; a client also takes the other names from its host
## ([param from_host]). Returns the names heard for the first time.
func take(peer: HolePunchPeer, names: PackedStringArray, from_host: bool) -> PackedStringArray:
	var fresh := PackedStringArray()
	if peer.name == "" and names[0] != "": # RV's names may be empty (a text field): never an alias.
		peer.name = names[0]
		if add(peer.name):
			fresh.append(peer.name)
	for i in range(1, names.size() if from_host else 1):
		if names[i] != "" and add(names[i]):
			fresh.append(names[i])
	return fresh


## The punch packet: RV with the pair's [param secret] when there is one, else RD.
func packet(secret: String) -> PackedByteArray:
	if secret == "":
		return HolePunchProtocol.encode_peer_ready(fitting(HolePunchProtocol.PEER_READY, PackedStringArray(), true))
	var names := fitting(HolePunchProtocol.PEER_READY_VERIFIED, PackedStringArray([secret]))
	return HolePunchProtocol.encode_peer_ready_verified(secret, names)


## The names to send: ours first, then the known ones, as many as fit into one datagram of
## [param code] with [param prefix] fields before the names; each [param cut] for RD.
func fitting(code: String, prefix := PackedStringArray(), cut := false) -> PackedStringArray:
	var size := code.length()
	for field in prefix:
		size += 1 + field.length()
	var names := PackedStringArray()
	var all: Array[String] = [_alias]
	all.append_array(_order)
	for full in all:
		if cut and not _cut.has(full):
			_cut[full] = HolePunchAlias.cut(full) # Names are capped, so is this.
		var name: String = _cut[full] if cut else full
		if names.size() < HolePunchProtocol.MAX_NAMES and size + 1 + name.length() <= HolePunchProtocol.MAX_DATAGRAM_BYTES:
			names.append(name)
			size += 1 + name.length()
	return names
