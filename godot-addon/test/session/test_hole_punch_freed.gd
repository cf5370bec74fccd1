extends "res://test/game_case.gd"
## A node leaves nothing behind once freed: its session's parts hold it only through callables on
## methods (or weak references), never lambdas that would keep it in a cycle of references (a game
## that makes a node per lobby screen would otherwise keep every one it freed, and each game it
## played).


## Objects alive now, once what was freed is gone.
func _objects() -> int:
	await wait_physics_frames(3)
	return int(Performance.get_monitor(Performance.OBJECT_COUNT))


func _idle_nodes(count: int) -> void:
	for i in count:
		var node := HolePunch.new()
		add_child(node)
		node.free()


func test_a_node_freed_leaves_no_object_behind() -> void:
	_idle_nodes(1)
	await _objects() # The test's own waiting makes an object once.
	var before := await _objects()
	_idle_nodes(10)
	assert_eq(await _objects(), before, "no object left by ten nodes freed")

