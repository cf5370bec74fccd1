extends GutTest
## The generated HolePunch: signals and settings as the schema names them, and dispatch by code.

const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const HolePunchDispatch := preload("res://addons/simple_hole_punch/generated/hole_punch_dispatch.gd")


class Recorder:
	extends HolePunchDispatch
	var calls: Array[String] = []

	func _on_host_registered(message: HolePunchProtocol.HostRegistered, ip: String, port: int) -> void:
		calls.append("HR %s %s:%d" % [message.session_id, ip, port])

	func _on_join_done(_message: HolePunchProtocol.JoinDone, ip: String, port: int) -> void:
		calls.append("JD %s:%d" % [ip, port])


func _signal_args(node: Object, signal_name: String) -> Array:
	for s in node.get_signal_list():
		if s.name == signal_name:
			var args: Array = s.args
			return args.map(func(a: Dictionary) -> String:
				var type: int = a.type
				return "%s:%s" % [a.name, type_string(type)])
	return ["<missing>"]


func test_signals_match_the_spec() -> void:
	var node := HolePunch.new()
	assert_eq(_signal_args(node, "start_server"), ["port:int"], "start_server")
	assert_eq(_signal_args(node, "start_client"), ["ip:String", "port:int", "local_port:int"], "start_client")
	assert_eq(_signal_args(node, "start_session"), ["key:String"], "start_session")
	assert_eq(_signal_args(node, "new_name"), ["name:String"], "new_name")
	assert_eq(_signal_args(node, "bad_session"), ["key:String"], "bad_session")
	assert_eq(_signal_args(node, "bad_server"), ["key:String"], "bad_server")
	assert_eq(_signal_args(node, "start_random"), [], "start_random")
	assert_eq(_signal_args(node, "punch_failed"), ["key:String"], "punch_failed")
	assert_eq(_signal_args(node, "peer_path"), ["key:String", "path:String"], "peer_path")
	assert_eq(_signal_args(node, "refused"), ["reason:String"], "refused")
	assert_eq(_signal_args(node, "peer_lost"), ["key:String"], "peer_lost")
	node.free()


func test_settings_are_grouped_with_ranges_and_units() -> void:
	var node := HolePunch.new()
	var groups: Array[String] = []
	var punch_timeout := {}
	for property in node.get_property_list():
		if property.usage & PROPERTY_USAGE_GROUP:
			groups.append(property.name)
		elif property.name == "punch_timeout":
			punch_timeout = property
	assert_eq(groups.slice(groups.find("Server")), ["Server", "Punching", "Handover", "Game", "Network", "Limits", "NAT traversal", "Debugging"], "groups")
	assert_eq([punch_timeout.type, punch_timeout.hint, punch_timeout.hint_string], [TYPE_FLOAT, PROPERTY_HINT_RANGE, "0.1,60.0,0.1,suffix:s"], "punch_timeout")
	assert_eq(node.punch_timeout, 3.0, "default")
	node.free()


func test_dispatch_routes_by_code() -> void:
	var node := Recorder.new()
	var sid := "qucycyahjiuvcyah"
	node._dispatch(HolePunchProtocol.parse(("HR:qucycyahjiuv:" + sid).to_ascii_buffer()), "127.0.0.1", 7788)
	node._dispatch(HolePunchProtocol.parse("JD:DONE".to_ascii_buffer()), "10.0.0.2", 4000)
	node._dispatch(HolePunchProtocol.parse("HS:qucycyahjiuv".to_ascii_buffer()), "10.0.0.2", 4000)
	node._dispatch(null, "10.0.0.2", 4000)
	assert_eq(node.calls, ["HR %s 127.0.0.1:7788" % sid, "JD 10.0.0.2:4000"], "calls")


func test_api_methods_exist() -> void:
	var node := HolePunch.new()
	for method: String in ["host_session", "join_session", "random_session", "close_session", "get_host"]:
		assert_true(node.has_method(method), method)
	assert_eq(node.get_host(), "", "get_host before any session")
	node.free()
