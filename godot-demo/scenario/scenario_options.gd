extends RefCounted
## The scenario's command line ([code]scenario.gd[/code] lists the options): read into a
## Dictionary, and applied to the frame rate and to the [HolePunch] node's settings. Kept apart so
## that the scenario reads as what its player does.


## Reads [code]--key=value[/code] and [code]--flag[/code] arguments into a Dictionary.
static func parse(args: PackedStringArray) -> Dictionary:
	var options := {}
	for arg in args:
		if not arg.begins_with("--"):
			continue
		var pair := arg.substr(2).split("=", true, 1)
		options[pair[0]] = pair[1] if pair.size() > 1 else "true"
	return options


## Runs at the frame rate [param options] ask for ([code]--max-fps[/code], 250 by default).
static func pace(options: Dictionary) -> void:
	Engine.max_fps = int(options.get("max-fps", "250")) # Headless would otherwise spin a core.
	if options.has("max-fps") and Engine.max_fps > 0:
		# Headless Godot sleeps at least low_processor_usage_mode_sleep_usec (6.9 ms) a frame, so at
		# most 145 fps whatever max_fps says: a rate asked for is kept, the sleep follows it.
		OS.low_processor_usage_mode_sleep_usec = int(1_000_000.0 / Engine.max_fps)


## Sets [param hole_punch]'s settings as [param options] say.
static func configure(hole_punch: HolePunch, options: Dictionary) -> void:
	hole_punch.lan_address = options.get("lan-ip", "")
	hole_punch.server = options.get("server", "")
	hole_punch.trace_datagrams = options.has("trace")
	hole_punch.ipv6_without_enet = options.has("ipv6-without-enet")
	hole_punch.nat_diagnosis = not options.has("no-nat-diagnosis")
	hole_punch.server_timeout = float(options.get("server-timeout", str(hole_punch.server_timeout)))
	hole_punch.punch_timeout = float(options.get("punch-timeout", str(hole_punch.punch_timeout)))
	hole_punch.manage_game_peer = options.has("managed")
	hole_punch.keep_open = options.has("keep-open")
	hole_punch.password = options.get("password", "")
	hole_punch.join_payload = options.get("payload", "")
	hole_punch.game_connect_timeout = float(options.get("game-connect-timeout", str(hole_punch.game_connect_timeout)))
