extends RefCounted
## The scenario's own ENet client ([code]scenario.gd[/code], without [code]--managed[/code]),
## started on the handed-over ports afresh until the host is heard.
##
## ENet resends a lost connect packet after 0.5 s and then doubles the wait; the host resends its
## verify packet the same way and gives up after a few, so on a lossy path a client can count
## itself connected while the host never does. A fresh attempt every 2 s until connected, and again
## when the host's first RPC does not follow within 4 s, connects much sooner. An attempt that
## fails (a late verify packet of an abandoned attempt ends the new one) is retried at once.

const ScenarioEvents := preload("scenario_events.gd")

## Seconds between fresh ENet connect attempts until connected.
const RECONNECT_INTERVAL := 2.0
## Seconds to wait, once connected, for the host's first RPC before starting afresh.
const HOST_WAIT := 4.0

## [ip, port, local_port] the handover named.
var target: Array = []
## ENet connected the current attempt (the host's side of the handshake may still be pending).
var connected := false
var _node: Node
## [code]done.call() -> bool[/code]: the host was heard, or the scenario finished: no more attempts.
var _done: Callable
## [code]fail.call(event, data)[/code]: the scenario fails.
var _fail: Callable
var _attempt := 0


## A client on [param node]'s [MultiplayerAPI] until [param done] is true; [param fail] ends it.
func _init(node: Node, done: Callable, fail: Callable) -> void:
	_node = node
	_done = done
	_fail = fail


## Starts (or restarts) the ENet client until the host is heard.
func attempt() -> void:
	if _done.call():
		return
	var api := _node.multiplayer
	if api.multiplayer_peer is ENetMultiplayerPeer:
		ScenarioEvents.emit("enet_retry", {"was_connected": connected})
		api.multiplayer_peer.close()
	connected = false
	var peer := ENetMultiplayerPeer.new()
	var err := peer.create_client(target[0], target[1], 0, 0, 0, target[2])
	if err != OK:
		_fail.call("enet_error", {"error": error_string(err)})
		return
	api.multiplayer_peer = peer
	_arm_retry(RECONNECT_INTERVAL)


## ENet connected: now waiting for the host's side of the handshake, afresh unless it follows.
func wait_for_host() -> void:
	_arm_retry(HOST_WAIT)


## Retries the connect after [param seconds] unless something happens first.
func _arm_retry(seconds: float) -> void:
	_attempt += 1
	var attempt_now := _attempt
	_node.get_tree().create_timer(seconds).timeout.connect(func() -> void:
		if attempt_now == _attempt:
			attempt())
