extends RefCounted
## A peer the server introduced to a [HolePunch] node: the host for a client, each client for the
## host. It knows the peer's addresses, which of them are probed, the path in use and the
## handover state; the node decides when to send.

const HolePunchIpv6 := preload("../traversal/hole_punch_ipv6.gd")
const HolePunchLanRules := preload("../traversal/hole_punch_lan_rules.gd")
const HolePunchPlan := preload("../traversal/hole_punch_plan.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRelayLink := preload("../traversal/hole_punch_relay_link.gd")

## What [method hear] made of a packet.
enum Heard {
	IGNORED, ## From a path that is not (and may not become) the one in use.
	ON_PATH, ## On the path in use.
	NEW_PATH, ## The first packet heard, or one on a better path: [member path] changed.
}

## Direct paths win over the relay, the LAN over the public path.
const _PATH_RANK := {"": 0, "relay": 1, "public": 2, "ipv6": 2, "local": 3}
## Punch rounds (one set of punch packets to each direct address) towards a peer never heard
## from: at most this many, whoever introduced it, so an introduction the peer never asked for (a
## spoofed request, a rogue server's word) costs its addresses at most this many rounds. The first
## [constant _FAST_ROUNDS] go at the punch interval, then each twice as far apart as the last, at
## most [constant _SLOW_INTERVAL] s: punching still covers [member HolePunch.punch_timeout], and a
## peer heard later is answered at once.
const PUNCH_ROUNDS := 24
const _FAST_ROUNDS := 16
const _SLOW_INTERVAL := 0.5

## The peer's public key (as the server saw it): how signals name the peer.
var public_key: String
## The LAN key the peer claimed.
var lan_key: String
## The peer's public address.
var public_ip: String
## The peer's public port.
var public_port: int
## The peer's claimed LAN address.
var lan_ip: String
## The peer's claimed LAN port.
var lan_port: int
## Whether the claimed LAN address may be probed (see [code]hole_punch_lan_rules.gd[/code]).
var probe_lan: bool
## The path in use: empty until heard from, then [code]"local"[/code], [code]"public"[/code],
## [code]"ipv6"[/code] (reported to the game as [code]"public"[/code]) or
## [code]"relay"[/code].
var path := ""
## The peer's alias: the first name of its first punch packet.
var name := ""
## Host: the payload the peer sent in JP (wire form), empty before or when it set none.
var payload := ""
## Host: the peer's JP arrived (a peer of ours sends one always, an original peer never).
var payload_heard := false
## Host: the proof of the peer's password from its JP ([code]hole_punch_password.gd[/code]), empty
## when none.
var password := ""
## Host: when the peer's alias arrived ([code]INF[/code] before): its JP is awaited from then.
var named_at := INF
## Host: the node's checks let the peer in ([signal HolePunch.player_payload] and
## [signal HolePunch.player_joined] follow at once); until then it is not handed over.
var admitted := false
## Host: [signal HolePunch.player_joined] came for the peer.
var joined := false
## The per-pair secret from the server, when both sides are ours; empty otherwise.
var secret := ""
## The relay towards this peer.
var relay: HolePunchRelayLink
## When the server introduced the peer.
var started: float
## When the next punch or keep-open packet is due.
var next_ping: float
## When the peer was last heard from.
var last_heard: float
## Host: when the first JH went to this peer ([code]INF[/code] before).
var handover_started := INF
## Host: when the next JH is due.
var next_handover := 0.0
## Host: the peer answered JH (or can no longer hold the handover up).
var done := false
## The peer's NAT type, as the server passed it on.
var nat: HolePunchNat.NatType = HolePunchNat.NatType.UNKNOWN
## How we reach this peer (a [code]HolePunchPlan.Plan[/code]).
var plan: HolePunchPlan.Plan = HolePunchPlan.Plan.DIRECT
## The peer's global IPv6 address, when both sides have one (a path named [code]"ipv6"[/code]).
var ip6 := ""
## The port of [member ip6].
var ip6_port := 0
## Easy side of birthday probing: a packet from any port of [member public_ip] is the peer's
## public path (its router picked that port), for the whole session; the pair's secret (RV)
## still tells the peer from a stranger behind the same address.
var probing := false
## Hard side of birthday probing: one of our probing sockets got through to the peer (the port
## the peer sees us at is one our NAT picked): the path is a [code]"mapped"[/code] one.
var mapped := false
## When to ask for the relay even before [member HolePunch.punch_timeout] ([code]INF[/code]: not before).
var relay_after := INF
## The relay was asked beside birthday probing, before probing could fail: its
## [member HolePunch.relay_timeout] counts from [member HolePunch.punch_timeout], as when asked then.
var relay_beside_probing := false
## Punch rounds sent to the direct addresses while the peer was unheard (see [constant PUNCH_ROUNDS]).
var punch_rounds := 0
## The public port the server saw (birthday probing may find the peer at another).
var _seen_port := 0


func _init(public: String, lan: String, probe: bool, relay_link: HolePunchRelayLink, now: float) -> void:
	public_key = public
	lan_key = lan
	var p := HolePunchProtocol.decode_key(public)
	var l := HolePunchProtocol.decode_key(lan)
	public_ip = p.ip
	public_port = p.port
	_seen_port = p.port
	lan_ip = l.get("ip", HolePunchLanRules.NONE)
	lan_port = l.get("port", 0)
	# A LAN key equal to the public one means no NAT: one path is enough.
	probe_lan = probe and lan != public
	relay = relay_link
	started = now
	next_ping = now
	last_heard = now


## Whether the handover to this peer has begun.
func handing_over() -> bool:
	return handover_started < INF


## Takes a packet heard on [param heard_on] at [param now]. The first one sets the path; a better
## path replaces it only while [param punching] and before any handover, and the LAN only within
## [param lan_window] seconds of the introduction (while it is probed).
func hear(heard_on: String, now: float, punching: bool, lan_window: float) -> Heard:
	var heard := Heard.ON_PATH
	if heard_on != path:
		var better: bool = _PATH_RANK[heard_on] > _PATH_RANK[path] and (heard_on != "local" or now - started < lan_window)
		if path != "" and not (better and punching and not handing_over()):
			return Heard.IGNORED
		path = heard_on
		heard = Heard.NEW_PATH
		if heard_on != "relay":
			relay.stop_trying() # A direct path: no relay needed.
	last_heard = now
	return heard


## Which of this peer's paths [param ip]:[param port] is: [code]"local"[/code],
## [code]"public"[/code], [code]"relay"[/code], or empty when it is none of them.
func path_at(ip: String, port: int) -> String:
	if probe_lan and ip == lan_ip and port == lan_port:
		return "local"
	if ip == public_ip and (port == public_port or probing):
		return "public"
	if ip6 != "" and port == ip6_port and HolePunchIpv6.same(ip, ip6):
		return "ipv6"
	if relay.is_at(ip, port):
		return "relay"
	return ""


## [param path] as the node names it to the game ([signal HolePunch.peer_path],
## [method HolePunch.get_players]) and to other peers: the IPv6 path is a public one, and what
## stands for us on it is our public key.
static func shown(path_name: String) -> String:
	return "public" if path_name == "ipv6" else path_name


## The path in use, as the node names it ([method shown]); a public path that birthday probing
## found (the peer answered from a port its NAT picked, not the one the server saw, or one of our
## probing sockets got through) is [code]"mapped"[/code].
func shown_path() -> String:
	if path == "public" and (mapped or public_port != _seen_port):
		return "mapped"
	return shown(path)


## The address of the path in use (the public one before any is heard), as [ip, port].
func endpoint() -> Array:
	match path:
		"local":
			return [lan_ip, lan_port]
		"relay":
			return [relay.ip, relay.port]
		"ipv6":
			return [ip6, ip6_port]
	return [public_ip, public_port]


## The peer's key on the path in use.
func key() -> String:
	match path:
		"local":
			return lan_key
		"relay":
			return relay.key
	return public_key


## Whether a round of punch packets may go to the direct addresses of this peer: always once it
## is heard (to its path), before that within [constant PUNCH_ROUNDS].
func may_punch() -> bool:
	return path != "" or punch_rounds < PUNCH_ROUNDS


## Counts a round of punch packets sent to this unheard peer's direct addresses; returns the pause
## before the next, from [param interval] (the punch interval).
func spend_round(interval: float) -> float:
	punch_rounds += 1
	if punch_rounds <= _FAST_ROUNDS:
		return interval
	return minf(interval * pow(2.0, punch_rounds - _FAST_ROUNDS), maxf(interval, _SLOW_INTERVAL))


## Where punch packets go at [param now], as a list of [ip, port]: only the path in use once one
## is heard; before that, within [constant PUNCH_ROUNDS], the LAN address (until
## [param lan_deadline] seconds after the peer was introduced), the public address, and the relay
## once bound (the relay always: it is the server's).
func ping_targets(now: float, lan_deadline: float) -> Array:
	if path != "":
		return [endpoint()]
	var targets := []
	if may_punch():
		if probe_lan and now - started < lan_deadline:
			targets.append([lan_ip, lan_port]) # First: on one LAN it arrives before the hairpinned copy.
		targets.append([public_ip, public_port])
		if ip6 != "":
			targets.append([ip6, ip6_port])
	if relay.state == HolePunchRelayLink.State.BOUND:
		targets.append([relay.ip, relay.port])
	return targets
