extends GutTest
## Which claimed LAN addresses a node may probe.

const HolePunchLanRules := preload("res://addons/simple_hole_punch/traversal/hole_punch_lan_rules.gd")

var _ours := PackedStringArray(["192.168.1.20"])


func test_private_link_local_and_shared_ranges() -> void:
	for ip: String in ["10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.1.1", "100.64.0.1", "100.127.255.255"]:
		assert_true(HolePunchLanRules.is_private(ip), ip)
	for ip: String in ["8.8.8.8", "172.15.0.1", "172.32.0.1", "100.63.0.1", "100.128.0.1", "127.0.0.1", "192.0.2.2", "0.0.0.0", "", "1.2.3", "256.1.1.1"]:
		assert_false(HolePunchLanRules.is_private(ip), ip)


func test_same_subnet() -> void:
	assert_true(HolePunchLanRules.same_subnet("192.168.1.20", "192.168.1.30", 24), "/24")
	assert_false(HolePunchLanRules.same_subnet("192.168.1.20", "192.168.2.30", 24), "another /24")
	assert_true(HolePunchLanRules.same_subnet("10.1.2.3", "10.1.200.3", 16), "/16")
	assert_true(HolePunchLanRules.same_subnet("10.1.2.3", "10.1.2.60", 26), "/26")
	assert_false(HolePunchLanRules.same_subnet("10.1.2.3", "10.1.2.70", 26), "another /26")


func test_may_probe() -> void:
	assert_true(HolePunchLanRules.may_probe("192.168.1.30", "203.0.113.5", "203.0.113.5", _ours, 24), "a neighbour behind our public address")
	assert_false(HolePunchLanRules.may_probe("192.168.1.30", "198.51.100.7", "203.0.113.5", _ours, 24), "the same LAN address behind another public address")
	assert_false(HolePunchLanRules.may_probe("10.0.0.5", "203.0.113.5", "203.0.113.5", _ours, 24), "outside our subnet")
	assert_false(HolePunchLanRules.may_probe("8.8.8.8", "203.0.113.5", "203.0.113.5", _ours, 24), "a public address")
	assert_true(HolePunchLanRules.may_probe("198.51.100.7", "198.51.100.7", "203.0.113.5", _ours, 24), "the peer's own public IP")
	assert_false(HolePunchLanRules.may_probe("0.0.0.0", "203.0.113.5", "203.0.113.5", _ours, 24), "no LAN address")
	assert_false(HolePunchLanRules.may_probe("192.168.1.30", "203.0.113.5", "", _ours, 24), "our public address unknown")
