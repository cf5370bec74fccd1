extends RefCounted
## What the scenario ([code]scenario.gd[/code]) tells its harness: one [code]SHP_EVENT {json}[/code]
## line on stdout per event, with [code]wall[/code] (Unix time in seconds) so that a harness can
## time several processes; and the signals of the [HolePunch] node that are only told, none acted on.


## Prints the line of [param event], with [param data].
static func emit(event: String, data := {}) -> void:
	var line := {"event": event, "wall": Time.get_unix_time_from_system()}
	line.merge(data)
	print("SHP_EVENT ", JSON.stringify(line))


## Tells each of [param hole_punch]'s signals that the scenario only reports.
static func report(hole_punch: HolePunch) -> void:
	hole_punch.new_name.connect(func(peer_name: String) -> void: emit("new_name", {"name": peer_name}))
	hole_punch.player_left.connect(func(key: String, left_alias: String, reason: String) -> void: emit("player_left", {"key": key, "alias": left_alias, "reason": reason}))
	hole_punch.player_payload.connect(func(key: String, payload: String) -> void: emit("player_payload", {"key": key, "payload": payload}))
	hole_punch.player_refused.connect(func(key: String, refused_alias: String, reason: String) -> void: emit("player_refused", {"key": key, "alias": refused_alias, "reason": reason}))
	hole_punch.start_random.connect(func() -> void: emit("start_random"))
	hole_punch.peer_path.connect(func(key: String, path: String) -> void: emit("peer_path", {"key": key, "path": path}))
	hole_punch.nat_diagnosed.connect(func(nat_type: HolePunchNat.NatType) -> void: emit("nat_diagnosed", {"nat_type": HolePunchNat.word(nat_type)}))
