extends RefCounted
## Host, before the handover: the players it refused in this session, so that a refusal survives
## loss. RJ goes out in three copies at once and no answer comes back; a refused player whose
## copies were all lost keeps punching, and without this would end with
## [constant HolePunch.Failure.HOST_LOST] instead of [constant HolePunch.Failure.REFUSED_BY_HOST].
## So a datagram from a refused player is answered with RJ again: only on the path it was refused
## on (where the server introduced it), only when it is one of ours with the pair's secret (when
## there is one), at most [constant MAX_ANSWERS] times per player and once per
## [constant MIN_INTERVAL] seconds, so that nobody can use it to aim our traffic elsewhere.

const HolePunchPeer := preload("hole_punch_peer.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## Most RJ sent again to one refused player.
const MAX_ANSWERS := 8
## Fewest seconds between two answers to one refused player.
const MIN_INTERVAL := 0.2

## Most refused players remembered; the oldest is forgotten first.
var cap: int
## Each refused player: [code]{"peer": HolePunchPeer, "packet": PackedByteArray, "left": int,
## "next": float}[/code].
var _refused: Array[Dictionary] = []


func _init(most: int) -> void:
	cap = most


## Remembers that [param peer] was refused with [param packet] (its RJ).
func add(peer: HolePunchPeer, packet: PackedByteArray) -> void:
	_refused.append({"peer": peer, "packet": packet, "left": MAX_ANSWERS, "next": 0.0})
	if _refused.size() > cap:
		_refused.pop_front()


## The RJ to send back to [param ip]:[param port] for [param datagram] at [param now], or an
## empty array when it does not come from a refused player or is not to be answered now.
func answer(datagram: PackedByteArray, ip: String, port: int, now: float) -> PackedByteArray:
	for refused: Dictionary in _refused:
		var peer: HolePunchPeer = refused.peer
		var on := peer.path_at(ip, port)
		if on == "" or (peer.path != "" and on != peer.path):
			continue
		var message := HolePunchProtocol.parse(datagram)
		if message == null or HolePunchProtocol.SERVER_CODES.has(message.code) or message.field("secret", peer.secret) != peer.secret or (message.code == HolePunchProtocol.PEER_READY and peer.secret != "") or refused.left <= 0 or now < refused.next:
			return PackedByteArray()
		refused.left -= 1
		refused.next = now + MIN_INTERVAL
		return refused.packet
	return PackedByteArray()
