extends GutTest
## The addon's codec against the golden transcript ([code]schema/golden/transcript.json[/code]):
## every message of the schema with sample fields and its exact bytes, which the server's codec is
## held to as well. Each entry must parse to its fields and encode back to the same bytes, and the
## fields alone must encode to them too.

const Codec := preload("res://addons/simple_hole_punch/wire/protocol_codec.gd")
const P := preload("res://addons/simple_hole_punch/generated/protocol.gd")
## From the addon's project to the repository's schema folder.
const TRANSCRIPT := "../schema/golden/transcript.json"


func _entries() -> Array:
	var path := ProjectSettings.globalize_path("res://").path_join(TRANSCRIPT)
	var parsed: Variant = JSON.parse_string(FileAccess.get_file_as_string(path))
	var entries: Array = parsed if parsed is Array else []
	assert_true(not entries.is_empty(), "the transcript at %s" % path)
	return entries


## Checks [param entry] with [param codec] over [param table]; returns whether it was checked.
func _check(entry: Dictionary, codec: Codec, table: Dictionary) -> bool:
	var code: String = entry.code
	if not table.has(code):
		return false
	var hex: String = entry.hex
	var bytes := hex.hex_decode()
	var label := "%s %s" % [code, bytes.get_string_from_ascii()]
	var message := codec.parse(bytes)
	if message == null:
		assert_true(false, "%s parses" % label)
		return true
	var expected: Dictionary = entry.fields
	var fields := codec.fields_of(message)
	fields.erase("code")
	for field: String in fields:
		var value: Variant = fields[field]
		if value is PackedStringArray:
			var list: PackedStringArray = value
			value = Array(list)
		if expected.has(field):
			assert_eq(value, expected[field], "%s: %s" % [label, field])
		else:
			assert_true(str(value) == "" and message.omitted.has(field), "%s: %s is absent" % [label, field])
	assert_eq(codec.encode(message), bytes, "%s: encoded back" % label)
	# Built from the transcript's fields alone, as a sender would.
	var entry_of_code: Array = table[code]
	var message_class: GDScript = entry_of_code[0]
	var built: P.Message = message_class.new()
	for field: String in fields:
		if expected.has(field):
			var value: Variant = expected[field]
			if value is Array:
				var list: Array = value
				value = PackedStringArray(list)
			built.set(field, value)
		else:
			built.omitted.append(field)
	assert_eq(codec.encode(built).get_string_from_ascii(), bytes.get_string_from_ascii(), "%s: encoded from its fields" % label)
	return true


func test_every_rendezvous_message_parses_and_encodes_byte_for_byte() -> void:
	var seen := {}
	for entry: Dictionary in _entries():
		if _check(entry, P.wire(), P.MESSAGES):
			seen[entry.code] = true
	assert_eq(P.MESSAGES.keys().filter(func(code: String) -> bool: return not seen.has(code)), [], "codes without an entry")


func test_every_game_connection_message_parses_and_encodes_byte_for_byte() -> void:
	var seen := {}
	for entry: Dictionary in _entries():
		if _check(entry, P.game_wire(), P.GAME_MESSAGES):
			seen[entry.code] = true
	assert_eq(P.GAME_MESSAGES.keys().filter(func(code: String) -> bool: return not seen.has(code)), [], "codes without an entry")


func test_every_entry_is_a_message_of_one_table() -> void:
	for entry: Dictionary in _entries():
		assert_true(P.MESSAGES.has(entry.code) != P.GAME_MESSAGES.has(entry.code), "%s in one table" % entry.code)
