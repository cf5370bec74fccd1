extends SceneTree
## GDScript lint: loads every script of the project it runs in, with the project's warnings set
## to errors, and ends with `N passed, N failed`. GUT (res://addons/gut, copied in for the tests) is
## not the project's and is not linted. Usage: godot --headless --path PROJECT -s ci/gdscript-lint.gd
## The addon's own code (under [constant STRICT_UNDER]) is held to more than the tests that share
## its project: it is loaded first with the unsafe_* warnings, which the project leaves off, raised
## to errors too, then the rest with the project's own levels.

const SKIPPED := ["res://addons/gut"]
const STRICT_UNDER := "res://addons/simple_hole_punch/"
const STRICT: Array[String] = ["unsafe_property_access", "unsafe_method_access", "unsafe_cast", "unsafe_call_argument"]

var _passed := 0
var _failed := 0


func _initialize() -> void:
	var project_levels: Dictionary[String, int] = {}
	for warning in STRICT:
		project_levels[warning] = ProjectSettings.get_setting("debug/gdscript/warnings/" + warning, 0)
	await _set_levels(func(_warning: String) -> int: return 2)
	_walk("res://", true)
	await _set_levels(func(warning: String) -> int: return project_levels[warning])
	_walk("res://", false)
	print("%d passed, %d failed" % [_passed, _failed])
	quit(1 if _failed > 0 else 0)


## Sets each strict warning to [code]level.call(warning)[/code]; the parser reads the levels again
## once the project tells that its settings changed (deferred).
func _set_levels(level: Callable) -> void:
	var changed := false
	for warning in STRICT:
		var setting := "debug/gdscript/warnings/" + warning
		var value: int = level.call(warning)
		if ProjectSettings.get_setting(setting, 0) != value:
			ProjectSettings.set_setting(setting, value)
			changed = true
	if changed:
		await ProjectSettings.settings_changed
	await process_frame


## Checks the scripts under [param dir] that are (with [param strict]) or are not under [constant STRICT_UNDER].
func _walk(dir: String, strict: bool) -> void:
	for sub in DirAccess.get_directories_at(dir):
		if not sub.begins_with(".") and not dir.path_join(sub) in SKIPPED:
			_walk(dir.path_join(sub), strict)
	for file in DirAccess.get_files_at(dir):
		var path := dir.path_join(file)
		if file.get_extension() == "gd" and path.begins_with(STRICT_UNDER) == strict:
			_check(path)


func _check(path: String) -> void:
	var script := ResourceLoader.load(path, "", ResourceLoader.CACHE_MODE_IGNORE) as GDScript
	if script != null and script.can_instantiate():
		_passed += 1
	else:
		_failed += 1
		print("  FAIL %s" % path)
