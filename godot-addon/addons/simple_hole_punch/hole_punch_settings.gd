@abstract
class_name HolePunchSettings
extends HolePunchBase
## The timers, limits and network settings of a [HolePunch] node, grouped as the inspector shows
## them. Add a [HolePunch] node rather than this one.

@export_group("Server")
## Seconds before the first resend of an unanswered request (HS, JS, RS, RQ, RB); each further
## resend waits twice as long, up to [member max_request_interval].
@export_range(0.01, 5.0, 0.01, "suffix:s") var request_interval := 0.1
## Longest wait between resends of a request.
@export_range(0.01, 10.0, 0.01, "suffix:s") var max_request_interval := 1.0
## Seconds without an answer from the server before [signal bad_server].
@export_range(0.1, 120.0, 0.1, "suffix:s") var server_timeout := 5.0
## Seconds between keep-alives to the server while hosting.
@export_range(0.5, 60.0, 0.5, "suffix:s") var keep_alive_interval := 5.0
## Talk to an original server: send requests without a nonce and trust its answers without one.
## Leave it off with this project's server, whose answers must then echo our nonce, so that a
## forged answer from the server's address is dropped.
@export var original_server := false

@export_group("Punching")
## Seconds between punch packets to a peer not heard from yet.
@export_range(0.01, 1.0, 0.01, "suffix:s") var punch_interval := 0.05
## Seconds between packets that keep a punched hole open.
@export_range(0.05, 5.0, 0.05, "suffix:s") var keep_open_interval := 0.25
## Seconds to wait for a peer's first packet before asking for a relay (or, without one,
## [signal punch_failed]); a claimed LAN address is probed no longer than this.
@export_range(0.1, 60.0, 0.1, "suffix:s") var punch_timeout := 3.0
## Seconds of silence on the path in use after which a peer counts as gone: [signal peer_lost];
## a client ends its attempt, a host goes on with the others.
@export_range(0.5, 120.0, 0.5, "suffix:s") var peer_timeout := 5.0
## Ask the server for a relay when punching towards a peer fails.
@export var use_relay := true
## Seconds to wait for a relay to be granted and bound before [signal punch_failed].
@export_range(0.1, 60.0, 0.1, "suffix:s") var relay_timeout := 5.0

@export_group("Handover")
## Seconds between resends of JH to a client that has not answered.
@export_range(0.01, 1.0, 0.01, "suffix:s") var handover_interval := 0.05
## Host: seconds of silence from a client after JH that count as its answer (its JD was lost
## and it already started its game client).
@export_range(0.1, 10.0, 0.1, "suffix:s") var handover_silence := 1.0
## Host: seconds after the first JH to a client after which it no longer holds the handover up,
## whatever it sends (a client that keeps punching instead of answering is left behind).
@export_range(0.1, 30.0, 0.1, "suffix:s") var handover_deadline := 3.0
## Client: after answering JH, seconds without a further JH before starting the game client
## even though no JG came (all copies lost, or a host that sends none).
@export_range(0.1, 10.0, 0.1, "suffix:s") var handover_timeout := 1.0

@export_group("Network")
## Local UDP port to punch from; 0 lets the system pick a free one.
@export_range(0, 65535) var local_port := 0
## The LAN IPv4 address to tell peers; empty finds one with [method IP.get_local_addresses].
## When set, it also defines our own subnet for [member lan_subnet_bits].
@export var lan_address := ""
## Prefix length of our own subnets: a peer's claimed LAN address is probed only inside them.
@export_range(8, 32) var lan_subnet_bits := 24

@export_group("Limits")
## Most peers at once (the server's default cap per session is 32); further introductions are
## dropped, as is a peer that already failed in this session.
@export_range(1, 1024) var max_peers := 32
## Most datagrams handled per frame; the rest wait for the next frame, so a flood cannot stall
## the game.
@export_range(1, 65536) var max_datagrams_per_frame := 256

@export_group("NAT traversal")
## Diagnose this machine's NAT (see [HolePunchNat]) before the first request to a server, and tell
## peers its type through the server, so that each pair picks its plan at once ([HolePunchPlan]).
## Off, or with [member original_server], the type stays unknown and pairs punch as before.
@export var nat_diagnosis := true
## Most seconds the diagnosis may hold up the first request (it usually takes two round trips).
@export_range(0.05, 5.0, 0.05, "suffix:s") var nat_timeout := 0.5
## Tell peers our global IPv6 address (through the server) and punch theirs too, when this
## Godot's ENet can connect over IPv6 ([method HolePunchIpv6.enet_supports_ipv6]).
@export var use_ipv6 := true
## Birthday probing, hard side: sockets opened towards the peer (one NAT mapping each).
@export_range(1, 1024) var probe_sockets := 256
## Birthday probing, easy side: random ports of the peer's address probed.
@export_range(1, 4096) var probe_count := 1024
## Birthday probing: seconds over which each side spreads its datagrams, so that neither
## router sees a burst like a port scan.
@export_range(0.1, 10.0, 0.1, "suffix:s") var probe_spread := 1.5
## Birthday probing: most datagrams one side sends towards one peer in all.
@export_range(1, 8192) var probe_budget := 1500

@export_group("Debugging")
## Print every datagram sent and received, with a millisecond clock, for debugging a network.
@export var trace_datagrams := false
## Punch over IPv6 even when this Godot's ENet cannot use it (for testing the path itself: the
## game client is then handed an IPv6 address it cannot connect to).
@export var ipv6_without_enet := false
