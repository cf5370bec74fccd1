extends SceneTree
## Runs every [code]test_*.gd[/code] under [code]res://test/[/code] in headless Godot and ends
## with the line [code]N passed, N failed[/code]; the exit code is 1 when any test failed. A test
## fails on a failed assertion and on any error Godot reports while it runs (a script error, an
## unexpected [code]push_error[/code]), which an [code]ErrorTracker[/code] logger records.
## Usage: [code]godot --headless --path godot-addon -s res://test/run_tests.gd[/code]; add
## [code]-- --filter=TEXT[/code] to run only the test scripts whose file name contains TEXT.

const ErrorTracker := preload("res://test/error_tracker.gd")

var _passed := 0
var _failed := 0
var _errors := ErrorTracker.new()


func _initialize() -> void:
	print("Godot %s" % Engine.get_version_info().string)
	OS.add_logger(_errors)
	_run.call_deferred()


func _run() -> void:
	var only := ""
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--filter="):
			only = arg.trim_prefix("--filter=")
	for path in _test_scripts("res://test"):
		if only != "" and not path.get_file().contains(only):
			continue
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
			_errors.take()
			await case.before_each()
			await case.call(name)
			await case.after_each()
			case.cleanup()
			case.check_errors(_errors.take())
			if case.failures.is_empty():
				_passed += 1
				print("  ok   %s :: %s" % [path.get_file(), name])
			else:
				_failed += 1
				print("  FAIL %s :: %s\n         %s" % [path.get_file(), name, "\n         ".join(case.failures)])
	print("%d passed, %d failed" % [_passed, _failed])
	OS.remove_logger(_errors)
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
