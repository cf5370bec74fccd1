extends RefCounted
## The round trips to the relay nodes a server lists, measured before asking for a relay on one.
##
## When a server has several relay nodes, it answers an RQ without figures with RN: the candidate
## nodes and a ticket signed for our address. The node then pings each candidate at once, in
## parallel (RP with the ticket and a fresh nonce, answered with RE from the node), waits at most
## [constant WINDOW] seconds, and sends its RQ again with the figures ([method figures]); the server
## grants the pair the node whose worse side is the quickest. A node that does not answer in time
## is left out of the figures.

const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchNonce := preload("../session/hole_punch_nonce.gd")

## How long the pings may take in all, in seconds.
const WINDOW := 0.3
## Round trips are sent in whole milliseconds, at most this many (the wire carries three digits).
const MAX_MS := 999

## Where the measure stands.
enum State {
	NONE, ## No candidates listed yet.
	PINGING, ## Pings sent, answers awaited until the window closes.
	DONE, ## The figures are known (possibly empty).
}

## Where the measure stands.
var state := State.NONE
## The address of a node whose answer the measure does not wait for (a relay that went silent):
## it is done once every other node answered.
var unwaited := ""
## When the pings went out.
var started := INF
var _send: Callable
## Each pinged node's key by its nonce, and by its address ([code]"ip:port"[/code]).
var _key_of_nonce := {}
var _nodes_at := {}
## Milliseconds by node key, for the nodes that answered.
var _rtt := {}


## Pings go out through [param send_to] ([code]send_to.call(packet, ip, port)[/code]), the punching socket.
func _init(send_to: Callable) -> void:
	_send = send_to


## Takes RN: pings every node of [param node_keys] with [param ticket] at [param now]. Only the
## first list counts (the server sends one per RQ while it waits).
func start(ticket: String, node_keys: PackedStringArray, now: float) -> void:
	if state != State.NONE:
		return
	state = State.PINGING
	started = now
	for node_key in node_keys:
		var address := HolePunchProtocol.decode_key(node_key)
		if address.is_empty():
			continue
		var nonce := HolePunchNonce.fresh()
		_key_of_nonce[nonce] = node_key
		_nodes_at["%s:%d" % [address.ip, address.port]] = true
		_send.call(HolePunchProtocol.encode_relay_ping(ticket, nonce), address.ip, address.port)


## Whether [param ip]:[param port] is a node being pinged (its RE is admitted though it is no peer).
func is_pinging(ip: String, port: int) -> bool:
	return state == State.PINGING and _nodes_at.has("%s:%d" % [ip, port])


## Takes RE from [param ip]:[param port] at [param now]; false when it answers no ping of ours from there.
func hear(echo: HolePunchProtocol.RelayEcho, ip: String, port: int, now: float) -> bool:
	var node_key: String = _key_of_nonce.get(echo.nonce, "")
	var address := HolePunchProtocol.decode_key(node_key) if node_key != "" else {}
	if state != State.PINGING or address.is_empty() or address.ip != ip or address.port != port or _rtt.has(node_key):
		return false
	_rtt[node_key] = mini(MAX_MS, roundi((now - started) * 1000.0))
	return true


## Whether [param echo] from [param ip]:[param port] answers a ping of ours to the node there,
## however late.
func answers(echo: HolePunchProtocol.RelayEcho, ip: String, port: int) -> bool:
	var node_key: String = _key_of_nonce.get(echo.nonce, "")
	var address := HolePunchProtocol.decode_key(node_key) if node_key != "" else {}
	return not address.is_empty() and address.ip == ip and address.port == port


## Whether the figures became known at [param now] (every node answered, but
## [member unwaited], or the window closed): true once, when they did.
func finish(now: float) -> bool:
	if state != State.PINGING or (not _all_answered() and now - started < WINDOW):
		return false
	state = State.DONE
	return true


func _all_answered() -> bool:
	for node_key: String in _key_of_nonce.values():
		if not _rtt.has(node_key) and (unwaited == "" or HolePunchProtocol.decode_key(node_key).get("ip", "") != unwaited):
			return false
	return true


## The figures for RQ's pings field ([code]key=ms[/code], comma-separated); empty until known.
func figures() -> String:
	if state != State.DONE:
		return ""
	var parts := PackedStringArray()
	for node_key: String in _rtt:
		parts.append("%s=%d" % [node_key, _rtt[node_key]])
	return ",".join(parts)
