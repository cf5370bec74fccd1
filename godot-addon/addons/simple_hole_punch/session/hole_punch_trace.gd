extends RefCounted
## Each step of a game connection (handover, ENet attempts, the gate's view of each connection,
## authentication on both sides), printed with the wall-clock time when the environment variable
## [code]SHP_TRACE[/code] is set, so that one lossy session can be read side by side from both
## processes; nothing is printed otherwise (the steps are a few per connection, so the text each
## call site formats costs nothing that counts).

## Whether steps are printed: [code]SHP_TRACE[/code] is set.
static var on := OS.get_environment("SHP_TRACE") != ""


## Prints [param step] as [code]SHP_TRACE <unix seconds> <step>[/code] when [member on].
static func note(step: String) -> void:
	if on:
		print("SHP_TRACE %.3f %s" % [Time.get_unix_time_from_system(), step])
