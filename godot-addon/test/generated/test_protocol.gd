extends GutTest
## The generated wire layer against the exact strings of the wire format.

const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const KEY := "qucycyahjiuv" # 127.0.0.1:7788, the worked example of the wire format
const SESSION := "qucycyahjiuvabcdefgh"
const NONCE := "cyahjcdumwwhrvyq" # a token


func _text(packet: PackedByteArray) -> String:
	return packet.get_string_from_ascii()


## The message's fields by name with its code, as the codec reads them; empty when it is not valid.
func _parse(packet: PackedByteArray) -> Dictionary:
	var message := P.parse(packet)
	return {} if message == null else P.wire().fields_of(message)


func test_encode_key_worked_example() -> void:
	assert_eq(P.encode_key("127.0.0.1", 7788), KEY, "127.0.0.1:7788")


func test_decode_key_worked_example() -> void:
	assert_eq(P.decode_key(KEY), {"ip": "127.0.0.1", "port": 7788}, "qucycyahjiuv")


func test_key_round_trip_edges() -> void:
	for case: Array in [["0.0.0.0", 0], ["255.255.255.255", 65535], ["10.1.0.2", 40000]]:
		var ip: String = case[0]
		var port: int = case[1]
		var key := P.encode_key(ip, port)
		assert_eq(P.decode_key(key), {"ip": case[0], "port": case[1]}, "round trip %s" % [case])


func test_encode_key_rejects_bad_input() -> void:
	assert_eq(P.encode_key("1.2.3", 80), "", "three octets")
	assert_eq(P.encode_key("1.2.3.256", 80), "", "octet 256")
	assert_eq(P.encode_key("a.b.c.d", 80), "", "letters")
	assert_eq(P.encode_key("1.2.3.4", 70000), "", "port 70000")


func test_decode_key_rejects_non_keys() -> void:
	assert_eq(P.decode_key("qucycyahjiu"), {}, "11 letters")
	assert_eq(P.decode_key("qucycyahjiuq"), {}, "uq is no bigram")
	assert_eq(P.decode_key("QUCYCYAHJIUV"), {}, "capitals")


func test_session_id_shapes() -> void:
	assert_true(P.is_session_id(KEY + "cyah"), "2-bigram suffix (original clients)")
	assert_true(P.is_session_id(SESSION.left(12) + "cyahcyahcyahcyah"), "8-bigram suffix")
	assert_true(not P.is_session_id(KEY + "cy"), "1-bigram suffix is too short")
	assert_true(not P.is_session_id(KEY + "cya"), "odd length")
	assert_true(not P.is_session_id(KEY + "cyuq"), "uq is no bigram")


func test_encoders_write_the_wire_strings() -> void:
	var sid := KEY + "cyah"
	assert_eq(_text(P.encode_host_session(KEY)), "HS:" + KEY, "HS")
	assert_eq(_text(P.encode_join_session(KEY, sid)), "JS:%s:%s" % [KEY, sid], "JS")
	assert_eq(_text(P.encode_random_session(KEY)), "RS:" + KEY, "RS")
	assert_eq(_text(P.encode_keep_alive(sid)), "KA:" + sid, "KA")
	assert_eq(_text(P.encode_close_session(sid)), "CS:" + sid, "CS")
	assert_eq(_text(P.encode_peer_ready(PackedStringArray(["ann", "bob"]))), "RD:ann:bob", "RD")
	assert_eq(_text(P.encode_join_host(KEY)), "JH:" + KEY, "JH")
	assert_eq(_text(P.encode_join_done()), "JD:DONE", "JD")


func test_parse_server_messages() -> void:
	var sid := KEY + "cyah"
	assert_eq(_parse(("HR:%s:%s" % [KEY, sid]).to_ascii_buffer()), {"code": "HR", "remote_key": KEY, "session_id": sid, "nonce": ""}, "HR")
	assert_eq(_parse(("JR:%s:%s:%s" % [KEY, KEY, KEY]).to_ascii_buffer()), {"code": "JR", "joiner_remote_key": KEY, "host_remote_key": KEY, "host_local_key": KEY, "nonce": "", "secret": "", "host_nat": "", "host_ip6_prefix": "", "host_ip6_host": ""}, "JR")
	assert_eq(_parse(("NJ:%s:%s" % [KEY, KEY]).to_ascii_buffer()), {"code": "NJ", "joiner_remote_key": KEY, "joiner_local_key": KEY, "nonce": "", "secret": "", "joiner_nat": "", "joiner_ip6_prefix": "", "joiner_ip6_host": ""}, "NJ")
	assert_eq(_parse(("BK:" + sid).to_ascii_buffer()), {"code": "BK", "session_id": sid, "nonce": ""}, "BK")


func test_parse_peer_messages() -> void:
	var rd := _parse("RD:ann:bob".to_ascii_buffer())
	assert_eq(rd.code, "RD", "RD code")
	var names: PackedStringArray = rd.names
	assert_eq(Array(names), ["ann", "bob"], "RD names")
	assert_eq(_parse(("JH:" + KEY).to_ascii_buffer()), {"code": "JH", "host_key": KEY, "secret": ""}, "JH")
	assert_eq(_parse("JD:DONE".to_ascii_buffer()), {"code": "JD", "done": "DONE", "secret": ""}, "JD")


func test_extensions_are_optional_trailing_fields() -> void:
	assert_eq(_text(P.encode_host_session(KEY, NONCE)), "HS:%s:%s" % [KEY, NONCE], "HS with a nonce")
	assert_eq(_text(P.encode_join_done(NONCE)), "JD:DONE:" + NONCE, "JD with a secret")
	assert_eq(_text(P.encode_new_joiner(KEY, KEY, "", NONCE)), "NJ:%s:%s" % [KEY, KEY], "no secret without a nonce")
	assert_eq(_parse(("HR:%s:%s:%s" % [KEY, KEY + "cyah", NONCE]).to_ascii_buffer()).nonce, NONCE, "HR echoes the nonce")
	assert_eq(_parse(("RF:session_full:" + NONCE).to_ascii_buffer()), {"code": "RF", "reason": "session_full", "nonce": NONCE}, "RF")
	var rv := _parse(("RV:%s:ann" % NONCE).to_ascii_buffer())
	var rv_names: PackedStringArray = rv.names
	assert_eq([rv.code, rv.secret, Array(rv_names)], ["RV", NONCE, ["ann"]], "RV")


func test_parse_rejects_malformed() -> void:
	for text: String in ["", "HS", "HS:", "HSx" + KEY, "ZZ:" + KEY, "HS:" + KEY + ":" + KEY, "HS:%s:%s:%s" % [KEY, NONCE, NONCE], "HS:qucycyahjiuq",
			"RF:tired:" + NONCE, "RF:server_full",
			"JD:done", "RD:", "RD:a::b", "JR:%s:%s" % [KEY, KEY], "BK:" + KEY]:
		assert_eq(_parse(text.to_ascii_buffer()), {}, "\"%s\"" % text)


func test_parse_rejects_non_ascii_and_oversized() -> void:
	var bytes := ("HS:" + KEY).to_ascii_buffer()
	bytes[5] = 0xC3
	assert_eq(_parse(bytes), {}, "non-ASCII byte")
	var huge := ("RD:" + "a".repeat(600)).to_ascii_buffer()
	assert_eq(_parse(huge), {}, "600-byte datagram")
	var names := PackedStringArray()
	for i in P.MAX_NAMES + 1:
		names.append("p%d" % i)
	assert_eq(_parse(P.encode_peer_ready(names)), {}, "too many names")
