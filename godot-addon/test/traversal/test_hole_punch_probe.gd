extends GutTest
## HolePunchProbe on loopback: the hard side's sockets and winner, the easy side's pacing.

const HolePunchProbe := preload("res://addons/simple_hole_punch/traversal/hole_punch_probe.gd")

var _probe: HolePunchProbe
var _easy: PacketPeerUDP


func before_each() -> void:
	# GUT runs every test of a script on one instance: each starts from the state declared above.
	_probe = null
	_easy = null


func after_each() -> void:
	if _probe != null:
		_probe.stop()
		if _probe.winner != null:
			_probe.winner.close()
	if _easy != null:
		_easy.close()


func test_hard_side_opens_its_sockets_and_keeps_the_one_that_was_answered() -> void:
	_easy = PacketPeerUDP.new()
	_easy.bind(0, "127.0.0.1")
	_probe = HolePunchProbe.new()
	_probe.hard_sockets = 32
	_probe.spread = 0.4
	var start := _now()
	_probe.start_hard("127.0.0.1", _easy.get_local_port(), "RD:hard".to_ascii_buffer(), start)
	# Given every socket sent once, within the first quarter of the spread,
	var ports := {}
	await wait_until(func() -> bool:
		_probe.poll_hard(_now())
		while _easy.get_available_packet_count() > 0:
			_easy.get_packet()
			ports[_easy.get_packet_port()] = true
		return ports.size() >= 32, 1.0)
	assert_eq(ports.size(), 32, "32 sockets, one datagram each")
	assert_eq(_probe.sent, 32, "sent")
	# when the easy side's probe reaches one of them,
	var chosen: int = ports.keys()[7]
	_easy.set_dest_address("127.0.0.1", chosen)
	_easy.put_packet("RD:easy".to_ascii_buffer())
	var won: bool = await wait_until(func() -> bool: return _probe.poll_hard(_now()), 1.0)
	# then that socket is the winner, with the packet, and probing is over.
	assert_true(won, "a winner")
	assert_eq(_probe.winner.get_local_port(), chosen, "the socket that was reached")
	assert_eq(_probe.winner_packet[0].get_string_from_ascii(), "RD:easy", "its packet")
	assert_true(not _probe.active(_now()), "probing over")


func test_hard_side_ignores_strangers_and_gives_up_after_spread_and_linger() -> void:
	_easy = PacketPeerUDP.new()
	_easy.bind(0, "127.0.0.1")
	var stranger := PacketPeerUDP.new()
	stranger.bind(0, "127.0.0.1")
	_probe = HolePunchProbe.new()
	_probe.hard_sockets = 4
	_probe.spread = 0.2
	_probe.linger = 0.2
	_probe.start_hard("127.0.0.1", _easy.get_local_port(), "RD:hard".to_ascii_buffer(), _now())
	await wait_until(func() -> bool:
		_probe.poll_hard(_now())
		return _easy.get_available_packet_count() >= 4, 1.0)
	while _easy.get_available_packet_count() > 0:
		_easy.get_packet()
		stranger.set_dest_address("127.0.0.1", _easy.get_packet_port())
		stranger.put_packet("RD:stranger".to_ascii_buffer())
	var won: bool = await wait_until(func() -> bool: return _probe.poll_hard(_now()), 0.6)
	assert_true(not won and _probe.winner == null, "no winner from a stranger")
	assert_true(not _probe.active(_now()), "gave up")
	stranger.close()


func test_easy_side_spreads_its_probes_within_budget_and_range() -> void:
	_probe = HolePunchProbe.new()
	_probe.easy_probes = 1000
	_probe.spread = 1.0
	_probe.port_range = Vector2i(20000, 20099)
	var start := 100.0
	_probe.start_easy("203.0.113.5", "RD:easy".to_ascii_buffer(), start)
	var first := _probe.due_ports(start + 0.1)
	assert_true(first.size() >= 99 and first.size() <= 101, "a tenth after a tenth of the spread (%d)" % first.size())
	var rest := _probe.due_ports(start + 1.0)
	assert_eq(first.size() + rest.size(), 1000, "all by the end of the spread")
	var in_range := true
	for port in first + rest:
		in_range = in_range and port >= 20000 and port <= 20099
	assert_true(in_range, "ports in range")
	assert_eq(_probe.due_ports(start + 1.5).size(), 0, "no more")
	_probe.budget = 10
	_probe.start_easy("203.0.113.5", "RD:easy".to_ascii_buffer(), start)
	assert_eq(_probe.due_ports(start + 1.0).size(), 10, "the budget caps it")


func test_an_allowance_holds_each_side_back_and_what_is_held_back_follows_later() -> void:
	_probe = HolePunchProbe.new()
	_probe.easy_probes = 1000
	_probe.spread = 1.0
	_probe.port_range = Vector2i(20000, 20099)
	var start := 100.0
	_probe.start_easy("203.0.113.5", "RD:easy".to_ascii_buffer(), start)
	assert_eq(_probe.wanted(start + 0.5), 500, "half due at half the spread")
	assert_eq(_probe.due_ports(start + 0.5, 120).size(), 120, "no more than the allowance")
	assert_eq(_probe.wanted(start + 0.5), 380, "the rest still wanted")
	assert_eq(_probe.due_ports(start + 0.5, 0).size(), 0, "nothing on a zero allowance")
	assert_eq(_probe.due_ports(start + 1.0).size(), 880, "caught up once allowed")
	assert_eq(_probe.wanted(start + 2.6), 0, "nothing wanted past spread and linger")
	# The hard side opens no more sockets than it is allowed either.
	_easy = PacketPeerUDP.new()
	_easy.bind(0, "127.0.0.1")
	_probe.hard_sockets = 40
	_probe.spread = 0.4
	var now := _now()
	_probe.start_hard("127.0.0.1", _easy.get_local_port(), "RD:hard".to_ascii_buffer(), now)
	_probe.poll_hard(now + 0.1, 5)
	assert_eq(_probe.sent, 5, "5 sockets on an allowance of 5, though all 40 are due")
	assert_eq(_probe.wanted(now + 0.1), 35, "the other 35 still wanted")


func _now() -> float:
	return Time.get_ticks_usec() / 1_000_000.0
