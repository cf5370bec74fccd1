extends "../generated/hole_punch_dispatch.gd"
## What a [HolePunch] node's session holds: its phase, its role, its parts for the session under
## way, and how it stops or fails. The session is one object in layers, each a concern of its own:
## this, then [code]hole_punch_traffic.gd[/code] (which datagrams it admits, what it sends on time,
## the handover), [code]hole_punch_machine.gd[/code] (the phase machine: the API calls and the
## node's frames) and [code]hole_punch_messages.gd[/code] (a handler per message, routed by the
## generated [code]hole_punch_dispatch.gd[/code] under this). The node owns one.
##
## It sees the node only as [HolePunchBase]: the signals it emits and the settings, which it reads
## from a copy taken again on each API call and each frame ([code]generated/hole_punch_settings.gd[/code]).
## The peers, the server link, the names, who the host lets in, NAT traversal, the game's side and the late
## join are objects of their own ([code]hole_punch_peers.gd[/code],
## [code]hole_punch_server_link.gd[/code], [code]hole_punch_names.gd[/code],
## [code]hole_punch_admission.gd[/code], [code]hole_punch_traversal.gd[/code],
## [code]hole_punch_game_peer.gd[/code], [code]hole_punch_late_join.gd[/code]), each given what it
## needs from here: the settings copy, the [member clock], callables that send; they return results
## or emit signals.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchClock := preload("hole_punch_clock.gd")
const HolePunchFailures := preload("hole_punch_failures.gd")
const HolePunchEnetFlush := preload("../game/hole_punch_enet_flush.gd")
const HolePunchGamePeer := preload("../game/hole_punch_game_peer.gd")
const HolePunchLateJoin := preload("../game/hole_punch_late_join.gd")
const HolePunchListing := preload("hole_punch_listing.gd")
const HolePunchAdmission := preload("../players/hole_punch_admission.gd")
const HolePunchNames := preload("../players/hole_punch_names.gd")
const HolePunchPassword := preload("../players/hole_punch_password.gd")
const HolePunchPeer := preload("../players/hole_punch_peer.gd")
const HolePunchPeers := preload("../players/hole_punch_peers.gd")
const HolePunchPlayers := preload("../players/hole_punch_players.gd")
const HolePunchRefusals := preload("../players/hole_punch_refusals.gd")
const HolePunchServerLink := preload("hole_punch_server_link.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")
const HolePunchSocket := preload("../traversal/hole_punch_socket.gd")
const HolePunchTraversal := preload("../traversal/hole_punch_traversal.gd")
const HolePunchTrace := preload("hole_punch_trace.gd")


## Where this node is in a session's life. A session starts REQUESTING (an API call asked the
## server), then PUNCHING once the server answered. A host then goes CLOSING
## ([method HolePunch.close_session]), then DONE ([signal HolePunch.start_server]), or HOSTING_GAME
## when its game takes late joiners, until [method HolePunch.close_session] makes it DONE. A client
## goes HANDING_OVER (JH came), then DONE ([signal HolePunch.start_client]) on JG, or at once when
## the node runs the game ([member HolePunch.manage_game_peer]). [method HolePunch.leave],
## or a failure that ends the attempt, makes it IDLE; a new session starts from IDLE, DONE or
## HOSTING_GAME.
enum Phase {
	IDLE, ## Nothing under way.
	REQUESTING, ## Waiting for the server to answer HS, JS or RS.
	PUNCHING, ## Registered: pinging peers and keeping holes open.
	CLOSING, ## Host: handing peers over (JH until JD).
	HANDING_OVER, ## Client: answered JH, waiting for JG to free the port (the game's own ENet).
	DONE, ## The port was handed to the game.
	HOSTING_GAME, ## Host: the port was handed to the game, which still takes late joiners ([member HolePunch.keep_open]).
}

enum _Role { NONE, HOST, JOINER, RANDOM }

## Where the node is in a session's life.
var phase: Phase = Phase.IDLE
## The time the node goes by, and its parts with it: seconds, milliseconds and timers. Replace it
## before the node enters the tree (a test's clock that it moves by hand, say).
var clock := HolePunchClock.new()
## Datagrams dropped: malformed, from an address the server did not introduce, or not valid
## where they arrived (a wrong nonce or secret, a path not in use).
var dropped_datagrams := 0
## How every datagram leaves: [code]send.call(packet, ip, port)[/code], the node's socket unless
## replaced (a test's recording or lossy sender, which then calls the one it replaced).
var send: Callable

var _role: _Role = _Role.NONE
## The node, as what the schema says of it: the signals this emits and the settings it copies.
var _node: HolePunchBase
## The settings, as of this frame or API call: what the parts read.
var _settings: HolePunchSettings
var _socket := HolePunchSocket.new()
var _server: HolePunchServerLink
var _peers: HolePunchPeers
var _names: HolePunchNames
var _session_id := ""
var _lan_key := ""
var _public_key := ""
var _game: HolePunchGamePeer
## Client whose game starts its own ENet: its acknowledgement of the host's answer goes in the frame it came.
var _enet_flush: HolePunchEnetFlush
var _late: HolePunchLateJoin
## Host: who of the peers is let in (null outside a session).
var _admission: HolePunchAdmission
var _traversal := HolePunchTraversal.new()
## Host: its listing in the public lobby list, if it published one.
var _listed := HolePunchListing.new()

## This machine's NAT, once diagnosed ([signal HolePunch.nat_diagnosed]);
## [constant HolePunchNat.UNKNOWN] before, or when it could not be told.
var nat_type: HolePunchNat.NatType:
	get:
		return _traversal.nat.nat_type


## Tells the game that the attempt failed for [param reason] ([enum HolePunch.Failure]) about
## [param detail]; returns [param err] for the API call that failed.
func _fail(reason: HolePunchBase.Failure, detail: String, err := FAILED) -> Error:
	if _game != null and not _game.rejoin.is_empty():
		# A rejoin after a drop failed: out of the game, as when its host leaves. Only the host's own
		# refusals of a rejoin say more than that it is gone.
		var rejoin := _game.rejoin
		_game.rejoin = {}
		var host_key: String = rejoin.host_key
		var players: Dictionary = rejoin.players
		for key: String in players:
			if key != host_key:
				_node.player_left.emit(key, players[key].alias, "left")
		if players.has(host_key):
			_node.player_left.emit(host_key, players[host_key].alias, "left")
		if reason != HolePunchBase.Failure.REJOIN_EXPIRED and reason != HolePunchBase.Failure.REJOIN_REFUSED:
			reason = HolePunchBase.Failure.HOST_LEFT
			detail = host_key
		_game.close()
		_stop()
	_node.failed.emit(reason, detail)
	return err


## The game's peer could not start, or the host's game turned us away: the attempt is over, as
## after [method leave] (no players, no host), and the game is told why.
func _end_in_game(reason: HolePunchBase.Failure, detail: String) -> void:
	_stop()
	_fail(reason, detail)


## Host, its game running ([constant Phase.DONE]): takes late joiners through a link of its own to
## the server ([code]hole_punch_late_join.gd[/code]).
func _start_late_join() -> void:
	var own_keys := {"local": _lan_key, "public": _public_key}
	_late = HolePunchLateJoin.new(_settings, clock, _server, _session_id, own_keys, _names.packet, _game, _traversal.told)
	phase = Phase.HOSTING_GAME


func _end_late_join() -> void:
	if _late != null:
		_late.close()
		_late = null
	if phase == Phase.HOSTING_GAME:
		phase = Phase.DONE


func _stop() -> void:
	_end_late_join()
	_enet_flush.stop()
	_game.stop()
	_socket.close()
	_traversal.stop()
	phase = Phase.IDLE
	_role = _Role.NONE
	_session_id = ""
	_public_key = ""
	_peers = null
	_listed.clear()
	if _admission != null:
		_admission.close()


func _send_to(packet: PackedByteArray, ip: String, port: int) -> void:
	send.call(packet, ip, port)


func _is_host() -> bool:
	return _role == _Role.HOST or (_role == _Role.RANDOM and phase != Phase.REQUESTING)


func _now() -> float:
	return clock.now()


## The settings as the node holds them now.
func _settings_now() -> HolePunchSettings:
	_settings.take(_node)
	return _settings
