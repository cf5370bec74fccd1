extends RefCounted
## The pace every probing datagram of a node shares ([member HolePunch.probe_rate]): a token bucket
## with a burst of at most a twentieth of a second's worth (a frame's, at low frame rates), so that
## probing several peers at once is no burst that looks like a port scan.

var _tokens := 0.0
var _at := 0.0


## How many probing datagrams may leave at [param now], at [param rate] a second.
func allowance(now: float, rate: float) -> int:
	_tokens = minf(maxf(1.0, rate / 20.0), _tokens + (now - _at) * rate)
	_at = now
	return floori(_tokens)


## [param count] probing datagrams left.
func spend(count: int) -> void:
	_tokens -= count
