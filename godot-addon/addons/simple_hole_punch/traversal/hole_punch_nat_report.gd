extends RefCounted
## This node's NAT report to the server, for the traversal part ([code]hole_punch_traversal.gd[/code]):
## the request that carries it (the diagnosed NAT type, our IPv6 address and the proof of it) goes
## once the diagnosis is done. Neither waits for it: a host's HS goes at once and again with the
## report when the diagnosis finishes (the server takes a resent HS's report, with the host's nonce,
## and a host needs its type only once a joiner comes). A join or random request goes at once too,
## but only fetches the server's cookie: the resend with the cookie, the one the server acts on and
## introduces with, waits for the report.

const HolePunchIpv6 := preload("hole_punch_ipv6.gd")
const HolePunchServerLink := preload("../session/hole_punch_server_link.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## The NAT type the server was last told (what our peers learn of us), [constant HolePunchNat.UNKNOWN]
## before: plans are decided from it, so that both sides of a pair decide from the same facts.
var told := HolePunchNat.NatType.UNKNOWN
var _nat: HolePunchNat
var _server: HolePunchServerLink
var _settings: HolePunchSettings
## Our global IPv6 address (full form), or empty.
var _ip6 := ""
## The request that waits for the report.
var _pending := Callable()
## A host's request that went before the diagnosis finished: sent again with the report then.
var _late := Callable()
## The request in [member _pending] went already, fetching the cookie: the report completes it.
var _fetching := false


## Reports what [param nat] diagnosed.
func _init(nat: HolePunchNat) -> void:
	_nat = nat


## A session starts with [param server]: requests go there.
func open(server: HolePunchServerLink) -> void:
	_server = server


## The diagnosis starts with [param settings], our IPv6 address being [param ip6] (or empty).
func diagnosing(settings: HolePunchSettings, ip6: String) -> void:
	_settings = settings
	_ip6 = ip6


## Sends the request [param make] builds once the diagnosis (and the proof of our IPv6 address)
## is done, at once when it is: [param make] takes the extension fields
## [code][nat, ip6_prefix, ip6_host, ip6_proof, cookie][/code] (see
## [code]HolePunchServerLink.request()[/code]); a host's HS is [param at_once] (see above).
func request(make: Callable, now: float, at_once := false) -> void:
	told = HolePunchNat.NatType.UNKNOWN
	_pending = make
	_fetching = false
	_send_pending(now)
	if not _pending.is_valid():
		return
	if at_once:
		_pending = Callable()
		_late = make
	elif not _server.nonce.is_empty():
		_fetching = true
		_server.hold_cookie()
	else:
		return # An original server: no cookie to fetch, the request waits.
	_server.request(make, ["", "", "", ""], now)


## Whether a request waits for the diagnosis before anything is sent.
func waiting() -> bool:
	return _pending.is_valid() and not _fetching


## Sends what waited for the report, if it is there at [param now].
func tick(now: float) -> void:
	_send_pending(now)
	_send_late(now)


## Forgets the requests (the session ended).
func stop() -> void:
	_pending = Callable()
	_late = Callable()
	_fetching = false
	told = HolePunchNat.NatType.UNKNOWN


func _send_pending(now: float) -> void:
	if not _pending.is_valid() or not _reported(now):
		return
	var make := _pending
	_pending = Callable()
	if _fetching:
		_server.report(_report())
	else:
		_server.request(make, _report(), now)
	_fetching = false
	told = _nat.nat_type


## A host's HS that went before the diagnosis: again with the report once there is one. Its
## copies survive loss: a host past HR resends no HS.
func _send_late(now: float) -> void:
	if not _late.is_valid() or not _reported(now):
		return
	var make := _late
	_late = Callable()
	var fields := _report()
	if fields[0] == "":
		return # Nothing to tell.
	_server.request(make, fields, now)
	var packet: PackedByteArray = make.call(fields + [""])
	for copy in 2:
		_server.send(packet)
	told = _nat.nat_type


## Whether the diagnosis (and the proof of our IPv6 address) is done at [param now].
func _reported(now: float) -> bool:
	# The proof goes beside the diagnosis, as soon as NA named the server's IPv6 address.
	var proving := _proves_ip6() and _server.proving_ip6(_nat.server_ip6, now)
	return _nat.done and not proving


## The request's extension fields [code][nat, ip6_prefix, ip6_host, ip6_proof][/code]; all empty
## when there is nothing to tell (unknown, no IPv6): the request as before, without the extension.
func _report() -> Array:
	var claim := _server.ip6_claim()
	var word := "" if _nat.nat_type == HolePunchNat.NatType.UNKNOWN and claim[0] == "" else HolePunchNat.word(_nat.nat_type)
	return [word, claim[0], claim[1], claim[2]]


## Whether to prove our IPv6 address to the server: we have a global one to use (or the server is
## on this machine), and the game could use the path.
func _proves_ip6() -> bool:
	if not _settings.use_ipv6 or _nat.server_ip6 == "":
		return false
	if _ip6 != "":
		return true # Checked against ENet already.
	return HolePunchIpv6.is_loopback(_nat.server_ip6) and (_settings.ipv6_without_enet or HolePunchIpv6.enet_supports_ipv6())
