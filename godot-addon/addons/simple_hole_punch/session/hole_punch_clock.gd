extends RefCounted
## The time a [HolePunch] node and its parts go by: seconds since the engine started, and timers
## on the scene tree. The node holds one ([member HolePunch.clock]) and hands it to the parts that
## wait; a test can put a clock of its own there, one it moves by hand.


## Seconds since the engine started, to the microsecond.
func now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0


## Milliseconds since the engine started.
func now_msec() -> int:
	return Time.get_ticks_msec()


## Calls [param callback] once, [param seconds] from now, on the scene tree's timer (a paused
## game's too).
func after(seconds: float, callback: Callable) -> void:
	var tree := Engine.get_main_loop() as SceneTree
	if tree != null:
		tree.create_timer(seconds).timeout.connect(callback)
