extends GutHookScript
## Runs after GUT's tests (see [code].gutconfig.json[/code]) and ends the run with the line
## [code]N passed, N failed[/code] that the project's test runner counts. Stricter than GUT's own
## exit code: a test that asserted nothing (GUT calls it risky) fails, and so does each error GUT
## itself logged, such as a test script that does not load. The exit code is 1 when any failed.


func run() -> void:
	var passed := 0
	var failed := 0
	for script: Variant in gut.get_test_collector().scripts:
		for test: Variant in script.tests:
			if not test.was_run:
				continue
			if test.is_passing():
				passed += 1
			else:
				failed += 1
				var why := " asserted nothing" if test.is_risky() else ""
				print("  FAIL %s :: %s%s" % [script.get_full_name(), test.name, why])
	var gut_errors: int = gut.logger.get_errors().size()
	if gut_errors > 0:
		print("  FAIL %d error(s) logged by GUT (above)" % gut_errors)
	failed += gut_errors
	# On a line of its own: GUT's colour reset may be pending on the current one.
	print("\n%d passed, %d failed" % [passed, failed])
	set_exit_code(1 if failed > 0 else 0)
