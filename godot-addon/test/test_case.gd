extends RefCounted
## Base of every test script: assertions that record failures, and helpers for waiting on frames.
##
## A test is a method whose name starts with [code]test_[/code]; it may [code]await[/code].

## The running SceneTree, for adding nodes and awaiting frames.
var tree: SceneTree
## Failure messages of the test now running.
var failures: Array[String] = []
## Nodes to free after the test now running.
var _owned: Array[Node] = []


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


func expect_eq(actual: Variant, expected: Variant, what := "") -> void:
	if typeof(actual) != typeof(expected) or actual != expected:
		failures.append("%s: expected %s, got %s" % [what, var_to_str(expected), var_to_str(actual)])


func expect_true(condition: bool, what := "") -> void:
	if not condition:
		failures.append("%s: expected true" % what)


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
