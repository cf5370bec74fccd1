extends RefCounted
## Base of every test script, in the shape of GUT's API so that moving to GUT is mechanical:
## [method before_each] and [method after_each], [code]assert_*[/code], [method watch_signals] with
## [method assert_signal_emitted_with_parameters], and [method assert_push_error] for an error a
## test expects (any other error Godot reports during a test fails it).
##
## A test is a method whose name starts with [code]test_[/code]; it may [code]await[/code].

## The running SceneTree, for adding nodes and awaiting frames.
var tree: SceneTree
## Failure messages of the test now running.
var failures: Array[String] = []
## Nodes to free after the test now running.
var _owned: Array[Node] = []
## Emissions of watched signals: object id -> signal name -> list of argument arrays.
var _emissions := {}
## Parts of error messages the test expects.
var _expected_errors: Array[String] = []


## Runs before each test; override it.
func before_each() -> void:
	pass


## Runs after each test; override it.
func after_each() -> void:
	pass


## Adds [param node] to the scene tree for the duration of the test.
func add(node: Node) -> Node:
	tree.root.add_child(node)
	_owned.append(node)
	return node


## Frees every node the test added.
func cleanup() -> void:
	for node in _owned:
		if is_instance_valid(node):
			node.free()
	_owned.clear()


func assert_eq(actual: Variant, expected: Variant, what := "") -> void:
	if typeof(actual) != typeof(expected) or actual != expected:
		failures.append("%s: expected %s, got %s" % [what, var_to_str(expected), var_to_str(actual)])


func assert_true(condition: bool, what := "") -> void:
	if not condition:
		failures.append("%s: expected true" % what)


func assert_false(condition: bool, what := "") -> void:
	if condition:
		failures.append("%s: expected false" % what)


## Older name of [method assert_eq].
func expect_eq(actual: Variant, expected: Variant, what := "") -> void:
	assert_eq(actual, expected, what)


## Older name of [method assert_true].
func expect_true(condition: bool, what := "") -> void:
	assert_true(condition, what)


## Records every emission of every signal of [param object] from now on.
func watch_signals(object: Object) -> void:
	var by_name := {}
	_emissions[object.get_instance_id()] = by_name
	for s: Dictionary in object.get_signal_list():
		var signal_name: String = s.name
		by_name[signal_name] = []
		object.connect(signal_name, func(...args: Array) -> void: by_name[signal_name].append(args))


## How often the watched [param object] emitted [param signal_name].
func get_signal_emit_count(object: Object, signal_name: String) -> int:
	return _watched(object, signal_name).size()


## The arguments of emission [param index] (the last by default) of [param signal_name].
func get_signal_parameters(object: Object, signal_name: String, index := -1) -> Array:
	var all := _watched(object, signal_name)
	return [] if all.is_empty() else all[index]


func assert_signal_emitted(object: Object, signal_name: String, what := "") -> void:
	if get_signal_emit_count(object, signal_name) == 0:
		failures.append("%s: expected %s to be emitted" % [what, signal_name])


func assert_signal_not_emitted(object: Object, signal_name: String, what := "") -> void:
	var count := get_signal_emit_count(object, signal_name)
	if count > 0:
		failures.append("%s: expected no %s, got %d (%s)" % [what, signal_name, count, var_to_str(_watched(object, signal_name))])


## Asserts that emission [param index] (the last by default) of [param signal_name] carried
## [param parameters].
func assert_signal_emitted_with_parameters(object: Object, signal_name: String, parameters: Array, index := -1, what := "") -> void:
	if get_signal_emit_count(object, signal_name) == 0:
		failures.append("%s: expected %s%s, not emitted" % [what, signal_name, var_to_str(parameters)])
	else:
		assert_eq(get_signal_parameters(object, signal_name, index), parameters, "%s: %s" % [what, signal_name])


## Expects an error containing [param text] during this test (a [code]push_error[/code] the code
## under test makes on purpose).
func assert_push_error(text: String) -> void:
	_expected_errors.append(text)


## Called by the runner with the errors Godot reported during the test: any not expected fails it.
func check_errors(errors: Array[String]) -> void:
	var expected := _expected_errors.duplicate()
	for error: String in errors:
		var match_at := -1
		for i in expected.size():
			if error.contains(expected[i]):
				match_at = i
				break
		if match_at >= 0:
			expected.remove_at(match_at)
		else:
			failures.append("unexpected error: %s" % error)
	for text: String in expected:
		failures.append("expected an error containing \"%s\"" % text)


## Awaits frames until [param condition] holds or [param seconds] pass; returns whether it held.
func wait_until(condition: Callable, seconds: float) -> bool:
	var deadline := Time.get_ticks_msec() + int(seconds * 1000.0)
	while not condition.call():
		if Time.get_ticks_msec() > deadline:
			return false
		await tree.process_frame
	return true


## Awaits [param seconds] of frames.
func wait(seconds: float) -> void:
	var deadline := Time.get_ticks_msec() + int(seconds * 1000.0)
	while Time.get_ticks_msec() < deadline:
		await tree.process_frame


func _watched(object: Object, signal_name: String) -> Array:
	var by_name: Dictionary = _emissions.get(object.get_instance_id(), {})
	if not by_name.has(signal_name):
		failures.append("signal %s of %s is not watched" % [signal_name, object])
		return []
	return by_name[signal_name]


## A UDP port free now, for a socket a test binds later (ENet's, as after a punch): below the
## system's ephemeral ports (32768 and up on Linux), which sockets bound to port 0 meanwhile (a
## host's game gate, on loopback) would otherwise often be given. The probe binds as ENet does,
## on every address: one on 127.0.0.1 alone may be given a number another process holds on
## another address (127.0.0.2, the LAN's), where ENet's bind then fails.
static func free_port() -> int:
	var probe := PacketPeerUDP.new()
	while true:
		var port := randi_range(20000, 32000)
		if probe.bind(port, "*") == OK:
			probe.close()
			return port
	return 0
