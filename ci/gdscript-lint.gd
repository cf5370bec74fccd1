extends SceneTree
## GDScript lint: loads every script of the project it runs in, with the project's warnings set
## to errors, and ends with `N passed, N failed`. GUT (res://addons/gut, copied in for the tests) is
## not the project's and is not linted. Usage: godot --headless --path PROJECT -s ci/gdscript-lint.gd

const SKIPPED := ["res://addons/gut"]

var _passed := 0
var _failed := 0


func _init() -> void:
	_walk("res://")
	print("%d passed, %d failed" % [_passed, _failed])
	quit(1 if _failed > 0 else 0)


func _walk(dir: String) -> void:
	for sub in DirAccess.get_directories_at(dir):
		if not sub.begins_with(".") and not dir.path_join(sub) in SKIPPED:
			_walk(dir.path_join(sub))
	for file in DirAccess.get_files_at(dir):
		if file.get_extension() == "gd":
			_check(dir.path_join(file))


func _check(path: String) -> void:
	var script := ResourceLoader.load(path, "", ResourceLoader.CACHE_MODE_IGNORE) as GDScript
	if script != null and script.can_instantiate():
		_passed += 1
	else:
		_failed += 1
		print("  FAIL %s" % path)
