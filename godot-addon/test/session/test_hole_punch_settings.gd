extends GutTest
## The snapshot of a [HolePunch] node's settings that its parts read: every setting of the node,
## with its type and its value when the snapshot was taken.

const HolePunchSettings := preload("res://addons/simple_hole_punch/generated/hole_punch_settings.gd")


func test_the_snapshot_holds_every_setting_of_the_node_and_nothing_else() -> void:
	var node := HolePunch.new()
	var settings := HolePunchSettings.new(node)
	assert_eq(_fields(settings), _settings_of(node), "the snapshot's fields are the node's settings, by name and type")
	node.free()


func test_the_snapshot_copies_the_values_and_keeps_them() -> void:
	var node := HolePunch.new()
	node.punch_timeout = 7.5
	node.password = "swordfish"
	node.max_peers = 3
	node.use_relay = false
	var settings := HolePunchSettings.new(node)
	node.punch_timeout = 1.0
	assert_eq([settings.punch_timeout, settings.password, settings.max_peers, settings.use_relay], [7.5, "swordfish", 3, false], "as they were when taken")
	node.free()


## name -> type of the script variables of [param object].
func _fields(object: Object) -> Dictionary:
	var found := {}
	for property: Dictionary in object.get_property_list():
		if property.usage & PROPERTY_USAGE_SCRIPT_VARIABLE:
			found[property.name] = property.type
	return found


## name -> type of the node's settings: its script variables shown in the inspector.
func _settings_of(node: Node) -> Dictionary:
	var found := {}
	for property: Dictionary in node.get_property_list():
		if property.usage & PROPERTY_USAGE_SCRIPT_VARIABLE and property.usage & PROPERTY_USAGE_EDITOR:
			found[property.name] = property.type
	return found
