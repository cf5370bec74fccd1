class_name HolePunchNames
extends RefCounted
## The aliases a [HolePunch] node knows, and the punch packet (RD) that carries them.
##
## A peer's alias is the first name of its punch packets; a client also takes the other names
## from the host's packets (the other clients). The set is capped, each name is reported once,
## and the packet keeps within [constant HolePunchProtocol.MAX_DATAGRAM_BYTES]: names that do not
## fit are left out.

## Most names kept (besides our own).
var cap: int
var _alias: String
var _known := {}
var _order: Array[String] = []


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


## The names to send: ours first, then the known ones, as many as fit into one datagram of
## [param code] with [param prefix] fields before the names.
func fitting(code: String, prefix := PackedStringArray()) -> PackedStringArray:
	var size := code.length()
	for field in prefix:
		size += 1 + field.length()
	var names := PackedStringArray()
	var all: Array[String] = [_alias]
	all.append_array(_order)
	for name in all:
		if names.size() < HolePunchProtocol.MAX_NAMES and size + 1 + name.length() <= HolePunchProtocol.MAX_DATAGRAM_BYTES:
			names.append(name)
			size += 1 + name.length()
	return names
