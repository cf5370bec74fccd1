extends RefCounted
## The relay towards one peer, used only once punching towards it failed.
##
## The node asks the server for a relay (RQ, resent until RG), binds to the granted port with
## the granted token (RB, resent until RA), and then sends punch packets through it. A grant is
## taken only when the relay is at the server's own IP, or on a relay node when the grant carries
## the node's signed grant (an RG echoes our own nonce, so only the server names a node); binding
## stops as soon as a direct path to the peer is heard.

const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRetry := preload("../session/hole_punch_retry.gd")

## Where the relay stands.
enum State {
	NONE, ## Not asked for.
	REQUESTING, ## RQ sent, waiting for RG.
	BINDING, ## RB sent, waiting for RA.
	BOUND, ## The relay forwards between the two sides.
}

## Where the relay stands.
var state := State.NONE
## The relay's key, as RG named it; empty before the grant.
var key := ""
## The relay's address.
var ip := ""
## The relay's port.
var port := 0
## The token that binds this side.
var token := ""
## The relay node's grant for this pair, sent back in RB; empty for a relay at the server.
var node_grant := ""
## When RQ was first sent ([code]INF[/code] before).
var started := INF
var _retry: HolePunchRetry


func _init(first_wait: float, longest_wait: float) -> void:
	_retry = HolePunchRetry.new(first_wait, longest_wait)


## Starts asking for a relay at [param now].
func request(now: float) -> void:
	state = State.REQUESTING
	started = now
	_retry.start(now)


## Asks again at once at [param now] when still asking (the round trips to the nodes are known).
func ask_again(now: float) -> void:
	if state == State.REQUESTING:
		_retry.start(now)


## Takes the grant of [param relay_key] with [param grant_token] when one is awaited and the relay
## is at [param server_ip], or anywhere with a relay node's [param signed_grant]; returns whether
## it was taken.
func grant(relay_key: String, grant_token: String, server_ip: String, now: float, signed_grant: String = "") -> bool:
	var address := HolePunchProtocol.decode_key(relay_key)
	if state != State.REQUESTING or address.is_empty() or (address.ip != server_ip and signed_grant == ""):
		return false
	key = relay_key
	ip = address.ip
	port = address.port
	token = grant_token
	node_grant = signed_grant
	state = State.BINDING
	_retry.start(now) # Bind at once.
	return true


## The RB that binds this side, with the node's grant when there is one.
func bind_datagram() -> PackedByteArray:
	return HolePunchProtocol.encode_relay_bind(token, node_grant)


## Takes RA for [param bound_token]; returns whether this side is now bound.
func bind(bound_token: String) -> bool:
	if state != State.BINDING or bound_token != token:
		return false
	state = State.BOUND
	return true


## A direct path was heard: stop asking and binding (a bound relay stays as a fallback path).
func stop_trying() -> void:
	if state == State.REQUESTING or state == State.BINDING:
		state = State.NONE
	_retry.stop()


## Whether [param at_ip]:[param at_port] is this relay once granted.
func is_at(at_ip: String, at_port: int) -> bool:
	return (state == State.BINDING or state == State.BOUND) and at_ip == ip and at_port == port


## Whether RQ or RB (by [member state]) is due at [param now].
func due(now: float) -> bool:
	return (state == State.REQUESTING or state == State.BINDING) and _retry.due(now)
