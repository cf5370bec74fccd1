extends GutTest
## The hand-written codec on a table of its own: what the schema may say (records of repeated
## fields, a field that may be blank, peer ids, a message of its code alone, a size per message),
## whether the generated tables use it yet or not.

const Codec := preload("res://addons/simple_hole_punch/wire/protocol_codec.gd")
const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
const KEY := "qucycyahjiuv"
const TOKEN := "cyahjcdumwwhrvyq"


class Hello extends Codec.Message:
	var alias: String
	var proof: String


class Roster extends Codec.Message:
	var key: PackedStringArray
	var peer_id: PackedStringArray
	var path: PackedStringArray


class Beat extends Codec.Message:
	pass


var _codec := Codec.new({
	"X-HELLO": [Hello, [["alias", "text"], ["proof", "blank_token?"]], 0, 0, 40],
	"X-ROSTER": [Roster, [["key", "key*"], ["peer_id", "peer_id*"], ["path", "word*", ["local", "relay"]]], 0, 3, 4096],
	"X-BEAT": [Beat, [], 0, 0, 16],
}, P.BIGRAMS, {"MAX_NAME_LENGTH": 32, "MAX_TEXT_LENGTH": 40, "MAX_NAMES": 16, "MIN_SUFFIX_BIGRAMS": 2, "MAX_SUFFIX_BIGRAMS": 16})


func _text(packet: PackedByteArray) -> String:
	return packet.get_string_from_ascii()


func _parse(text: String) -> Dictionary:
	var message := _codec.parse(text.to_ascii_buffer())
	return {} if message == null else _codec.fields_of(message)


func test_a_blank_optional_field_is_sent_empty_and_left_out_only_when_omitted() -> void:
	assert_eq(_text(_codec.encode_values("X-HELLO", ["ann", ""])), "X-HELLO:ann:", "empty, present")
	assert_eq(_text(_codec.encode_values("X-HELLO", ["ann", null])), "X-HELLO:ann", "left out")
	var without := _codec.parse("X-HELLO:ann".to_ascii_buffer())
	assert_eq([without.omitted, _text(_codec.encode(without))], [PackedStringArray(["proof"]), "X-HELLO:ann"], "parsed without: encoded without")
	var empty := _codec.parse("X-HELLO:ann:".to_ascii_buffer())
	assert_eq([empty.omitted, _text(_codec.encode(empty))], [PackedStringArray(), "X-HELLO:ann:"], "parsed empty: encoded empty")
	assert_eq(_parse("X-HELLO:ann:" + TOKEN), {"code": "X-HELLO", "alias": "ann", "proof": TOKEN}, "a proof")
	assert_eq(_parse("X-HELLO:ann:abc"), {}, "not a token")
	assert_eq(_parse("X-HELLO:ann:" + TOKEN + ":"), {}, "one field too many")


func test_repeated_fields_go_in_records() -> void:
	var packet := _codec.encode_values("X-ROSTER", [PackedStringArray([KEY, KEY]), PackedStringArray(["0", "2147483647"]), PackedStringArray(["local", "relay"])])
	assert_eq(_text(packet), "X-ROSTER:%s:0:local:%s:2147483647:relay" % [KEY, KEY], "record after record")
	var roster := _codec.parse(packet) as Roster
	assert_eq([roster.key, roster.peer_id, roster.path], [PackedStringArray([KEY, KEY]), PackedStringArray(["0", "2147483647"]), PackedStringArray(["local", "relay"])], "parsed by field")
	assert_eq(_text(_codec.encode(roster)), _text(packet), "encoded back")
	assert_eq(_parse("X-ROSTER"), {"code": "X-ROSTER", "key": PackedStringArray(), "peer_id": PackedStringArray(), "path": PackedStringArray()}, "no records")


func test_records_are_whole_counted_and_checked() -> void:
	var one := "%s:2:local" % KEY
	for text: String in ["X-ROSTER:", "X-ROSTER:" + KEY, "X-ROSTER:%s:2" % KEY, "X-ROSTER:%s:%s" % [one, KEY],
			"X-ROSTER:" + ":".join([one, one, one, one]), "X-ROSTER:%s:1:local" % KEY, "X-ROSTER:%s:2147483648:local" % KEY,
			"X-ROSTER:%s:02x:local" % KEY, "X-ROSTER:%s:12345678901:local" % KEY, "X-ROSTER:%s:2:public" % KEY]:
		assert_eq(_parse(text), {}, text)
	var keys: PackedStringArray = _parse("X-ROSTER:" + ":".join([one, one, one])).key
	assert_eq(keys.size(), 3, "three records, the most")


func test_a_message_of_its_code_alone() -> void:
	assert_eq(_text(_codec.encode_values("X-BEAT", [])), "X-BEAT", "encoded")
	assert_eq(_parse("X-BEAT"), {"code": "X-BEAT"}, "parsed")
	assert_eq(_parse("X-BEAT:"), {}, "an empty field is a field")
	assert_eq(_parse("X-BEATS"), {}, "another code")


func test_each_message_has_its_own_size_limit() -> void:
	assert_eq(_parse("X-HELLO:" + "a".repeat(32)).alias, "a".repeat(32), "40 bytes fit")
	assert_eq(_parse("X-HELLO:" + "a".repeat(33)), {}, "past the message's 40 bytes, though the text may be 40")
	var many := "X-ROSTER:" + ":".join(["%s:2:local" % KEY, "%s:2:local" % KEY, "%s:2:local" % KEY])
	assert_true(many.length() > 40 and not _parse(many).is_empty(), "a roster past the hello's size")
