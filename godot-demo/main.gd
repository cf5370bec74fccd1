extends Node
## Starts the headless scenario when the command line names a role, otherwise the lobby.
## [codeblock]
## godot --headless --path godot-demo -- --role=host --server-key=KEY --alias=ann --expect-peers=2
## [/codeblock]

const Scenario := preload("res://scenario/scenario.gd")
const ScenarioOptions := preload("res://scenario/scenario_options.gd")
const Lobby := preload("res://lobby/lobby.gd")


func _ready() -> void:
	var options := ScenarioOptions.parse(OS.get_cmdline_user_args())
	if options.has("role"):
		var scenario := Scenario.new()
		scenario.name = "Scenario"
		add_child(scenario)
		scenario.run(options)
	else:
		var lobby := Lobby.new()
		lobby.name = "Lobby"
		add_child(lobby)
