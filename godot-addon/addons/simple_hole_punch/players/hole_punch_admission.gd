extends RefCounted
## Host, before the handover: who of the punched peers is let in. A peer comes in once its alias
## and its JP (payload and password proof) are known, or once the JP is no longer awaited (an
## original peer sends none): the player cap and the password are checked first
## ([signal HolePunch.player_refused]), then [signal HolePunch.player_payload] and
## [signal HolePunch.player_joined] come together. Until then the peer is not handed over.
##
## One per session: it gets the session's peers and refusals, the settings copy, a callable that
## sends, and the node as [HolePunchBase] for the signals it emits. The game may end the session in
## a handler of those signals: [method close] then tells this that the peers are gone.

const HolePunchAlias := preload("hole_punch_alias.gd")
const HolePunchFailures := preload("../session/hole_punch_failures.gd")
const HolePunchPassword := preload("hole_punch_password.gd")
const HolePunchPeer := preload("hole_punch_peer.gd")
const HolePunchPeers := preload("hole_punch_peers.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRefusals := preload("hole_punch_refusals.gd")
const HolePunchRoster := preload("../game/hole_punch_roster.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

var _settings: HolePunchSettings
var _node: HolePunchBase
## The session's peers; null once the session ended.
var _peers: HolePunchPeers
var _refusals: HolePunchRefusals
## [code]send.call(packet, ip, port)[/code].
var _send: Callable


func _init(settings: HolePunchSettings, node: HolePunchBase, peers: HolePunchPeers, refusals: HolePunchRefusals, send: Callable) -> void:
	_settings = settings
	_node = node
	_peers = peers
	_refusals = refusals
	_send = send


## The session ended: nobody is let in any more.
func close() -> void:
	_peers = null


## [param peer]'s JP: its [param payload] and the proof of its [param password]. Returns false for
## a JP that is not valid (the caller drops it).
func hear_payload(peer: HolePunchPeer, payload: String, password: String, now: float) -> bool:
	if not (payload == "" or HolePunchRoster.is_alias(payload)) or not (password == "" or HolePunchProtocol.is_token(password)):
		return false
	peer.payload_heard = true
	peer.payload = payload
	peer.password = password
	return admit(peer, now)


## Lets [param peer] in at [param now] if it told all or waited long enough (see above). Returns
## false when it is dropped instead: heard, but never told an alias (only our RV may carry an
## empty one).
func admit(peer: HolePunchPeer, now: float) -> bool:
	var told_all := peer.name != "" and peer.payload_heard
	if peer.admitted or (not told_all and now - peer.named_at < payload_wait()):
		return true
	if peer.name == "":
		_peers.remove(peer)
		return false
	var alias := HolePunchAlias.decode(peer.name)
	var refusal := ""
	if _settings.max_players > 0 and admitted() >= _settings.max_players:
		refusal = HolePunchFailures.FULL
	elif not HolePunchPassword.accepts(_settings.password, peer.secret, peer.password):
		refusal = HolePunchPassword.REFUSAL
	if refusal != "":
		refuse(peer, refusal)
		_node.player_refused.emit(peer.public_key, alias, refusal)
		return true
	peer.admitted = true
	if peer.payload_heard:
		_node.player_payload.emit(peer.public_key, HolePunchAlias.decode(peer.payload))
	if _peers != null and _peers.find(peer.public_key) == peer: # Unless refused in that handler.
		peer.joined = true
		_node.player_joined.emit(peer.public_key, alias)
	return true


## Admits the peers whose JP is no longer awaited at [param now]; returns how many were dropped.
func admit_waiting(now: float) -> int:
	var dropped := 0
	for peer: HolePunchPeer in _peers.all().duplicate():
		if not peer.admitted and peer.path != "" and _peers != null and not admit(peer, now):
			dropped += 1
	return dropped


## Tells [param peer] it is refused for [param reason] (copies: no answer comes) and drops it.
func refuse(peer: HolePunchPeer, reason: String) -> void:
	var packet := HolePunchProtocol.encode_refused_join(HolePunchAlias.encode(reason), peer.secret)
	var to := peer.endpoint()
	var ip: String = to[0]
	var port: int = to[1]
	for copy in 3:
		_send.call(packet, ip, port)
	_peers.remove(peer)
	_refusals.add(peer, packet) # All three copies may be lost: it is answered again.


## How many peers the host let in.
func admitted() -> int:
	return _peers.all().filter(func(p: HolePunchPeer) -> bool: return p.admitted).size()


## Seconds a host waits for a peer's JP after its alias: a second, or four keep-open packets.
func payload_wait() -> float:
	return maxf(1.0, 4.0 * _settings.keep_open_interval)
