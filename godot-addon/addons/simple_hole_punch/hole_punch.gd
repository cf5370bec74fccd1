@icon("icon.svg")
class_name HolePunch
extends HolePunchBase
## Connects players peer to peer through NATs, then hands the punched UDP ports to your game.
##
## A host calls [method host_session] and shares the code that [signal start_session] brings;
## clients call [method join_session] with it (or two strangers call [method random_session]).
## When the host calls [method close_session], the host gets [signal start_server] and every
## client gets [signal start_client], with ports that are free to bind again. The signals, the
## settings, [enum HolePunchBase.Failure] and the API are generated from the protocol schema into
## [HolePunchBase], which documents each. This node hands each call and each frame to its
## session, an object it owns that sees it only as [HolePunchBase]: the phase machine
## ([code]session/hole_punch_machine.gd[/code]) and a handler per message, typed
## ([code]session/hole_punch_messages.gd[/code]); [code]session/hole_punch_session_state.gd[/code]
## says how the session is layered.

const HolePunchFailures := preload("session/hole_punch_failures.gd")
const HolePunchSession := preload("session/hole_punch_messages.gd")

## Where this node is in a session's life (see [member phase]).
const Phase := HolePunchSession.Phase

## Where this node is in a session's life: [code]HolePunch.Phase.IDLE[/code], [code]REQUESTING[/code],
## [code]PUNCHING[/code], [code]CLOSING[/code], [code]HANDING_OVER[/code], [code]DONE[/code] or
## [code]HOSTING_GAME[/code] (see [code]session/hole_punch_machine.gd[/code]).
var phase: HolePunchSession.Phase:
	get:
		return _session.phase
## The time the node goes by, and its parts with it: seconds, milliseconds and timers. Replace it
## before the node enters the tree (a test's clock that it moves by hand, say).
var clock: HolePunchSession.HolePunchClock:
	get:
		return _session.clock
	set(value):
		_session.clock = value
## Datagrams dropped: malformed, from an address the server did not introduce, or not valid
## where they arrived (a wrong nonce or secret, a path not in use).
var dropped_datagrams: int:
	get:
		return _session.dropped_datagrams
## This machine's NAT, once diagnosed ([signal HolePunchBase.nat_diagnosed]);
## [constant HolePunchNat.UNKNOWN] before, or when it could not be told.
var nat_type: HolePunchNat.NatType:
	get:
		return _session.nat_type

# The session: the phase machine and its handlers, which see this node only as HolePunchBase.
var _session := HolePunchSession.new(self)


func _ready() -> void:
	if process_mode == PROCESS_MODE_INHERIT:
		process_mode = PROCESS_MODE_ALWAYS # A paused game keeps its holes, its session and its heartbeats.
	_session.start()


func _process(_delta: float) -> void:
	_session.process()


func _exit_tree() -> void:
	_session.exit()


func _notification(what: int) -> void:
	if what == NOTIFICATION_WM_CLOSE_REQUEST:
		_session.leave() # The window closes: say goodbye while the tree still runs.


func _api_host_session(serv_key: String, alias: String) -> Error:
	return _session.host_session(serv_key, alias)


func _api_join_session(id: String, alias: String) -> Error:
	return _session.join_session(id, alias)


func _api_random_session(serv_key: String, alias: String) -> Error:
	return _session.random_session(serv_key, alias)


func _api_close_session() -> Error:
	return _session.close_session()


func _api_leave() -> Error:
	return _session.leave()


func _api_get_host() -> String:
	return _session.get_host()


func _api_refuse_player(key: String, reason: String) -> Error:
	return _session.refuse_player(key, reason)


func _api_get_players() -> Dictionary:
	return _session.get_players()


func _api_get_peer_id(key: String) -> int:
	return _session.get_peer_id(key)


func _api_get_peer_address(peer_id: int) -> Array:
	return _session.get_peer_address(peer_id)


func _api_get_local_port() -> int:
	return _session.get_local_port()


func _api_get_session_id() -> String:
	return _session.get_session_id()


func _api_publish_session(metadata: Dictionary) -> Error:
	return _session.publish_session(metadata)


func _api_set_member_data(data: Dictionary) -> Error:
	return _session.set_member_data(data)


func _api_list_sessions(filter: Dictionary) -> Error:
	return _session.list_sessions(filter)


func _api_get_short_code() -> String:
	return _session.get_short_code()


func _api_diagnose_nat(serv_key: String) -> void:
	_session.diagnose_nat(serv_key)


func _api_get_nat_type() -> HolePunchNat.NatType:
	return _session.get_nat_type()


static func _api_describe(reason: Failure, detail: String) -> String:
	return HolePunchFailures.describe(reason, detail)
