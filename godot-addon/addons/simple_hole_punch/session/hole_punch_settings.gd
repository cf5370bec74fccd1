extends RefCounted
## The settings of a [HolePunch] node as its parts read them: a copy the node takes again
## ([method take]) on each API call and each frame, so that a setting changed between frames
## counts from the next, as it would if the parts read the node. The parts never see the node.
##
## Each field is the node's setting of the same name and type (see [HolePunch] for what it does).

var server: String
var request_interval: float
var max_request_interval: float
var server_timeout: float
var keep_alive_interval: float
var original_server: bool
var punch_interval: float
var keep_open_interval: float
var punch_timeout: float
var peer_timeout: float
var use_relay: bool
var relay_timeout: float
var handover_interval: float
var handover_silence: float
var handover_deadline: float
var handover_timeout: float
var manage_game_peer: bool
var keep_open: bool
var max_players: int
var password: String
var join_payload: String
var game_retry_interval: float
var game_timeout: float
var game_connect_timeout: float
var local_port: int
var lan_address: String
var lan_subnet_bits: int
var max_peers: int
var max_datagrams_per_frame: int
var nat_diagnosis: bool
var nat_timeout: float
var use_ipv6: bool
var probe_sockets: int
var probe_count: int
var probe_spread: float
var probe_budget: int
var probe_peers: int
var probe_rate: int
var trace_datagrams: bool
var ipv6_without_enet: bool


## The names of the fields, found once.
static var _names := PackedStringArray()


## The settings [param node] holds now (none: the fields' defaults until [method take]).
func _init(node: Object = null) -> void:
	if node != null:
		take(node)


## Copies every field from [param node]'s setting of the same name.
func take(node: Object) -> void:
	if _names.is_empty():
		for property: Dictionary in get_property_list():
			if property.usage & PROPERTY_USAGE_SCRIPT_VARIABLE:
				var field: String = property.name
				_names.append(field)
	for field in _names:
		set(field, node.get(field))
