extends RefCounted
## Resend-and-double timing: due at once, then after [member first_wait] seconds, then twice as
## long each time, never longer than [member longest_wait].
##
## One timer serves every message that is resent until answered (HS, JS, RS, RQ, RB):
## [codeblock]
## var retry := HolePunchRetry.new(0.1, 1.0)
## retry.start(now)
## if retry.due(now):
##     send(request)
## [/codeblock]

## Seconds between the first send and the first resend.
var first_wait: float
## Longest wait between two sends.
var longest_wait: float
var _wait := 0.0
var _next := INF


func _init(first: float, longest: float) -> void:
	first_wait = first
	longest_wait = maxf(first, longest)


## Starts over: due at [param now] plus [param delay], then backing off from [member first_wait].
func start(now: float, delay := 0.0) -> void:
	_wait = first_wait
	_next = now + delay


## Stops the timer: [method due] returns false until [method start] is called again.
func stop() -> void:
	_next = INF


## Whether a send is due at [param now]; when it is, the next one is scheduled.
func due(now: float) -> bool:
	if now < _next:
		return false
	_next = now + _wait
	_wait = minf(_wait * 2.0, longest_wait)
	return true
