extends GutTest
## The resend-and-double timer.

const HolePunchRetry := preload("res://addons/simple_hole_punch/session/hole_punch_retry.gd")


func test_due_at_once_then_doubling_up_to_the_longest() -> void:
	var retry := HolePunchRetry.new(0.125, 0.5) # Binary fractions: exact sums.
	assert_false(retry.due(0.0), "not due before start")
	retry.start(10.0)
	# Waits 0.125, 0.25, then 0.5 (the longest) each time.
	for at: float in [10.0, 10.125, 10.375, 10.875, 11.375, 11.875]:
		assert_false(retry.due(at - 0.01), "not due just before %.3f" % at)
		assert_true(retry.due(at), "due at %.3f" % at)


func test_start_with_a_delay_and_stop() -> void:
	var retry := HolePunchRetry.new(0.1, 1.0)
	retry.start(5.0, 0.1)
	assert_false(retry.due(5.05), "waits the delay")
	assert_true(retry.due(5.1), "due after the delay")
	retry.stop()
	assert_false(retry.due(100.0), "never once stopped")
