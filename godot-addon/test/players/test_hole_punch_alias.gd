extends GutTest
## UTF-8 aliases on an ASCII wire, and forgiving session codes.

const HolePunchAlias := preload("res://addons/simple_hole_punch/players/hole_punch_alias.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")


func test_ascii_aliases_travel_as_they_are() -> void:
	assert_eq(HolePunchAlias.encode("ann"), "ann", "plain")
	assert_eq(HolePunchAlias.encode("Ann Lee-2"), "Ann Lee-2", "spaces and dashes")


func test_other_characters_are_percent_encoded_and_come_back() -> void:
	assert_eq(HolePunchAlias.encode("José"), "Jos%C3%A9", "UTF-8 bytes")
	assert_eq(HolePunchAlias.encode("a:b"), "a%3Ab", "the field separator")
	assert_eq(HolePunchAlias.encode("100%"), "100%25", "the escape itself")
	for alias: String in ["José", "a:b", "100%", "日本", "Zoë 🎮"]:
		var wire := HolePunchAlias.encode(alias)
		assert_true(HolePunchProtocol.is_text(wire), "%s: an ASCII wire text (%s)" % [alias, wire])
		assert_eq(HolePunchAlias.decode(wire), alias, "%s comes back" % alias)


func test_names_of_any_script_up_to_32_characters_are_aliases() -> void:
	for alias: String in ["山田太郎", "Žofie Dvořáková", "Дмитрий", "🎮🐉✨", "山".repeat(32), "🐉".repeat(32)]:
		var wire := HolePunchAlias.encode(alias)
		assert_true(wire != "", "%s is an alias" % alias)
		assert_eq(HolePunchAlias.decode(wire), alias, "%s comes back" % alias)


func test_aliases_are_bounded_in_characters() -> void:
	assert_eq(HolePunchAlias.encode("x".repeat(32)), "x".repeat(32), "32 ASCII characters")
	assert_eq(HolePunchAlias.encode("x".repeat(33)), "", "33 is too long")
	assert_eq(HolePunchAlias.encode("🐉".repeat(33)), "", "33 emoji too")
	assert_eq(HolePunchAlias.encode("🐉".repeat(32)).length(), HolePunchProtocol.MAX_TEXT_LENGTH, "the longest wire form")
	assert_eq(HolePunchAlias.encode(""), "", "empty")
	assert_eq(HolePunchAlias.encode("a\nb"), "", "control characters")


func test_rd_cuts_an_alias_at_a_character_boundary_for_original_peers() -> void:
	assert_eq(HolePunchAlias.cut("kim"), "kim", "short: as it is")
	var yamada := HolePunchAlias.cut(HolePunchAlias.encode("山田太郎"))
	assert_eq(yamada, HolePunchAlias.encode("山田太"), "three whole characters (27 bytes), not a split fourth")
	assert_true(HolePunchProtocol.is_name(yamada), "an original peer's name")
	var czech := HolePunchAlias.cut(HolePunchAlias.encode("Žofie Dvořáková"))
	assert_true(HolePunchProtocol.is_name(czech) and HolePunchAlias.decode(czech) == "Žofie Dvořákov", "cut whole: " + czech)
	assert_eq(HolePunchAlias.cut("x".repeat(40)), "x".repeat(32), "plain ASCII cut at 32")


func test_an_original_peers_alias_is_shown_as_it_came() -> void:
	assert_eq(HolePunchAlias.decode("100%"), "100%", "a bare percent")
	assert_eq(HolePunchAlias.decode("50%off"), "50%off", "not hex")
	assert_eq(HolePunchAlias.decode("%FF%FE"), "%FF%FE", "not UTF-8")
	assert_eq(HolePunchAlias.decode("plain"), "plain", "plain")


func test_codes_forgive_case_spaces_and_dashes_but_nothing_else() -> void:
	assert_eq(HolePunchAlias.normalize_code("QUCY-CYAH jiuv_abcd"), "qucycyahjiuvabcd", "case, dashes, spaces")
	assert_eq(HolePunchAlias.normalize_code(" qucycyahjiuvabcd\n"), "qucycyahjiuvabcd", "edges")
	assert_eq(HolePunchAlias.normalize_code("qucycyahjiuvab0d"), "qucycyahjiuvab0d", "a wrong letter stays wrong")
