extends SceneTree
## Runs every [code]test_*.gd[/code] under [code]res://test/[/code] in headless Godot and ends
## with the line [code]N passed, N failed[/code]; the exit code is 1 when any test failed.
## Usage: [code]godot --headless --path godot-addon -s res://test/run_tests.gd[/code]

var _passed := 0
var _failed := 0


func _initialize() -> void:
	print("Godot %s" % Engine.get_version_info().string)
	_run.call_deferred()


func _run() -> void:
	for path in _test_scripts("res://test"):
		var script: GDScript = load(path)
		if script == null or not script.can_instantiate():
			_failed += 1 # A script that does not parse fails as a whole.
			print("  FAIL %s :: does not load" % path.get_file())
			continue
		for method in script.get_script_method_list():
			var name: String = method.name
			if not name.begins_with("test_"):
				continue
			var case: RefCounted = script.new()
			case.tree = self
			await case.call(name)
			case.cleanup()
			if case.failures.is_empty():
				_passed += 1
				print("  ok   %s :: %s" % [path.get_file(), name])
			else:
				_failed += 1
				print("  FAIL %s :: %s\n         %s" % [path.get_file(), name, "\n         ".join(case.failures)])
	print("%d passed, %d failed" % [_passed, _failed])
	quit(1 if _failed > 0 else 0)


func _test_scripts(dir_path: String) -> Array[String]:
	var found: Array[String] = []
	var dir := DirAccess.open(dir_path)
	if dir == null:
		return found
	for sub in dir.get_directories():
		found.append_array(_test_scripts(dir_path.path_join(sub)))
	for file in dir.get_files():
		if file.begins_with("test_") and file.ends_with(".gd"):
			found.append(dir_path.path_join(file))
	found.sort()
	return found
