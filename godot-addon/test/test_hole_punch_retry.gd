extends "res://test/test_case.gd"
## The resend-and-double timer.


func test_due_at_once_then_doubling_up_to_the_longest() -> void:
	var retry := HolePunchRetry.new(0.1, 0.5)
	assert_false(retry.due(0.0), "not due before start")
	retry.start(10.0)
	# Waits 0.1, 0.2, 0.4, then 0.5 (the longest) each time.
	for at: float in [10.0, 10.1, 10.3, 10.7, 11.2, 11.7]:
		assert_false(retry.due(at - 0.01), "not due just before %.1f" % at)
		assert_true(retry.due(at), "due at %.1f" % at)


func test_start_with_a_delay_and_stop() -> void:
	var retry := HolePunchRetry.new(0.1, 1.0)
	retry.start(5.0, 0.1)
	assert_false(retry.due(5.05), "waits the delay")
	assert_true(retry.due(5.1), "due after the delay")
	retry.stop()
	assert_false(retry.due(100.0), "never once stopped")
