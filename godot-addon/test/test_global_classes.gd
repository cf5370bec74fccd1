extends GutTest
## What the addon adds to Godot's global classes, and so to the editor's help and a game's
## namespace: the node, its abstract generated base (Godot's help shows the signals and settings there;
## a game cannot add it) and the NAT type its API speaks of. Every other script of the addon is
## preloaded by the scripts that use it, by a path relative to them, so the addon keeps working
## wherever it is copied.

const ADDON := "res://addons/simple_hole_punch/"
const PUBLIC := {"HolePunch": "hole_punch.gd", "HolePunchBase": "generated/hole_punch_base.gd", "HolePunchNat": "traversal/hole_punch_nat.gd"}


func test_only_the_public_classes_are_global() -> void:
	var found := {}
	for entry: Dictionary in ProjectSettings.get_global_class_list():
		var path: String = entry["path"]
		if path.begins_with(ADDON):
			found[String(entry["class"])] = path.trim_prefix(ADDON)
	assert_eq(found, PUBLIC, "the addon's global classes")


func test_only_the_node_can_be_added() -> void:
	var abstract := {}
	for entry: Dictionary in ProjectSettings.get_global_class_list():
		if String(entry["path"]).begins_with(ADDON):
			abstract[String(entry["class"])] = entry["is_abstract"]
	assert_eq(abstract, {"HolePunch": false, "HolePunchBase": true, "HolePunchNat": false}, "abstract: the base is never added")


func test_scripts_refer_to_each_other_by_relative_path() -> void:
	for path in _scripts(ADDON):
		var source := FileAccess.get_file_as_string(path)
		assert_false(source.contains("res://"), "%s names a res:// path" % path)


func _scripts(dir_path: String) -> Array[String]:
	var found: Array[String] = []
	for file in DirAccess.get_files_at(dir_path):
		if file.ends_with(".gd"):
			found.append(dir_path + file)
	for sub in DirAccess.get_directories_at(dir_path):
		found.append_array(_scripts(dir_path + sub + "/"))
	return found
