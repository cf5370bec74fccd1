extends "res://addons/simple_hole_punch/session/hole_punch_clock.gd"
## A clock a test moves by hand ([method advance]): a [HolePunch] node given it waits as long as
## the test says, however loaded the machine is.

## Seconds on this clock.
var at := 1000.0
## [when, callback] of every timer not yet due.
var _timers: Array[Array] = []


func now() -> float:
	return at


func now_msec() -> int:
	return int(at * 1000.0)


func after(seconds: float, callback: Callable) -> void:
	_timers.append([at + seconds, callback])


## Moves the clock on by [param seconds] and calls the timers that came due, in order.
func advance(seconds: float) -> void:
	at += seconds
	_timers.sort_custom(func(a: Array, b: Array) -> bool: return a[0] < b[0])
	while not _timers.is_empty() and _timers[0][0] <= at:
		var due: Array = _timers.pop_front()
		(due[1] as Callable).call()
