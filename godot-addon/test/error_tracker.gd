extends Logger
## Records every error Godot reports while tests run (script errors, [code]push_error[/code],
## engine errors), so that the runner fails a test that hit one it did not expect, as GUT's
## error tracker does. Warnings are not errors. Called from any thread, hence the lock.

var _errors: Array[String] = []
var _lock := Mutex.new()


func _log_error(function: String, file: String, line: int, code: String, rationale: String, _editor_notify: bool, error_type: int, _script_backtraces: Array[ScriptBacktrace]) -> void:
	if error_type == ERROR_TYPE_WARNING:
		return
	var text := rationale if rationale != "" else code
	_lock.lock()
	_errors.append("%s (%s, %s:%d)" % [text, function, file, line])
	_lock.unlock()


## The errors recorded since the last call.
func take() -> Array[String]:
	_lock.lock()
	var taken := _errors.duplicate()
	_errors.clear()
	_lock.unlock()
	return taken
