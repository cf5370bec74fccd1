extends GutTest
## The hand-written key codec, with the schema's table and with another one.

const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

const KeyCodec := preload("res://addons/simple_hole_punch/wire/key_codec.gd")


func _table(reversed: bool) -> Array[String]:
	var table: Array[String] = []
	table.assign(HolePunchProtocol.BIGRAMS)
	if reversed:
		table.reverse()
	return table


func test_schema_table_matches_the_wire_format() -> void:
	var codec := KeyCodec.new(_table(false))
	assert_eq(codec.encode_key("127.0.0.1", 7788), "qucycyahjiuv", "the worked example")
	assert_eq(codec.decode_key("qucycyahjiuv"), {"ip": "127.0.0.1", "port": 7788}, "and back")


func test_any_table_round_trips() -> void:
	var codec := KeyCodec.new(_table(true))
	var key := codec.encode_key("10.1.2.3", 40000)
	assert_true(key != "" and key != HolePunchProtocol.encode_key("10.1.2.3", 40000), "another table, another key")
	assert_eq(codec.decode_key(key), {"ip": "10.1.2.3", "port": 40000}, "round trip")
	assert_true(codec.is_token(key + key.left(4)), "16 bigram letters are a token")
	assert_true(not codec.is_key(key.left(10) + "uq"), "uq is in no table")
