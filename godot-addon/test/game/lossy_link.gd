extends "res://test/game/enet_link.gd"
## A path like a lossy home link's, both ways: each datagram is lost with [member loss], sent twice
## with [member duplicate], and held [member delay_ms] ± [member jitter_ms] (which reorders them).
## Seeded: a run can be replayed.

var loss := 0.36
var duplicate := 0.05
var delay_ms := 30
var jitter_ms := 10
var _rng := RandomNumberGenerator.new()
## [due msec, to host?, datagram], in arrival order.
var _held: Array = []


func _init(punched_port: int, game_port: int, seed_value: int) -> void:
	super(punched_port, game_port)
	_rng.seed = seed_value


func pump() -> void:
	var now := Time.get_ticks_msec()
	while inner.get_available_packet_count() > 0:
		var data := inner.get_packet()
		player_port = inner.get_packet_port()
		_hold(true, data, now)
	while outer.get_available_packet_count() > 0:
		_hold(false, outer.get_packet(), now)
	var due := _held.filter(func(held: Array) -> bool: return held[0] <= now)
	_held = _held.filter(func(held: Array) -> bool: return held[0] > now)
	due.sort_custom(func(a: Array, b: Array) -> bool: return a[0] < b[0])
	for held: Array in due:
		var data: PackedByteArray = held[2]
		if held[1]:
			outer.set_dest_address("127.0.0.1", host_port)
			outer.put_packet(data)
		elif player_port > 0:
			inner.set_dest_address("127.0.0.1", player_port)
			inner.put_packet(data)


func _hold(to_host: bool, data: PackedByteArray, now: int) -> void:
	if _rng.randf() < loss:
		return
	for i in 2 if _rng.randf() < duplicate else 1:
		_held.append([now + delay_ms + _rng.randi_range(-jitter_ms, jitter_ms), to_host, data])
