extends GutTest
## Short codes and the server by name: the suffix shown as ABCD-EFGH and read back from any
## spelling with the key of the node's server in front; full codes as they are.

const HolePunchCodeText := preload("res://addons/simple_hole_punch/session/hole_punch_code_text.gd")
const HolePunchServerName := preload("res://addons/simple_hole_punch/session/hole_punch_server_name.gd")
const HolePunchProtocol := preload("res://addons/simple_hole_punch/generated/protocol.gd")

const SERVER_KEY := "qucycyahjiuv" # 127.0.0.1:7788
const OTHER_KEY := "qucycyjcjiuv" # 127.0.0.2:7788


## A suffix of [param bigrams] bigrams of the schema's table.
func _suffix(bigrams: int) -> String:
	var text := ""
	for i in bigrams:
		text += HolePunchProtocol.BIGRAMS[(i * 37 + 5) % 256]
	return text


func test_the_suffix_is_shown_grouped_and_read_back_from_any_spelling() -> void:
	var id := SERVER_KEY + _suffix(4)
	var shown := HolePunchCodeText.display(id, SERVER_KEY)
	assert_eq(shown, (_suffix(4).left(4) + "-" + _suffix(4).substr(4)).to_upper(), "ABCD-EFGH")
	for typed: String in [shown, shown.to_lower(), " %s " % shown.replace("-", " "), shown.replace("-", "")]:
		assert_eq(HolePunchCodeText.parse(typed, SERVER_KEY), id, typed)
	assert_eq(HolePunchCodeText.display(id, ""), id, "no server: the full code")
	assert_eq(HolePunchCodeText.display(id, OTHER_KEY), id, "another server's code: in full")


func test_full_codes_stay_as_they_are_and_16_letters_go_by_the_key() -> void:
	var id := SERVER_KEY + _suffix(4)
	assert_eq(HolePunchCodeText.parse(id, ""), id, "no server")
	assert_eq(HolePunchCodeText.parse(id.to_upper(), SERVER_KEY), id, "with a server")
	assert_eq(HolePunchCodeText.parse(OTHER_KEY + _suffix(4), SERVER_KEY), OTHER_KEY + _suffix(4), "another server's full code")
	assert_eq(HolePunchCodeText.parse(SERVER_KEY + _suffix(2), SERVER_KEY), SERVER_KEY + _suffix(2), "16 letters of the server's own key")
	assert_eq(HolePunchCodeText.parse(_suffix(8), SERVER_KEY), SERVER_KEY + _suffix(8), "16 letters of a short part")


func test_a_short_part_needs_a_server_and_real_bigrams() -> void:
	assert_eq(HolePunchCodeText.parse(_suffix(4), ""), "", "no server")
	assert_eq(HolePunchCodeText.parse("", SERVER_KEY), "", "empty")
	assert_eq(HolePunchCodeText.parse(_suffix(1), SERVER_KEY), "", "one bigram")
	assert_eq(HolePunchCodeText.parse(_suffix(4) + "a", SERVER_KEY), "", "half a bigram")
	assert_eq(HolePunchCodeText.parse("zzzzzzzz", SERVER_KEY), "", "not bigrams")


func test_the_server_setting_resolves_names_and_addresses_to_a_key() -> void:
	assert_eq(HolePunchServerName.resolve_key("127.0.0.1:7788"), SERVER_KEY, "an address")
	assert_eq(HolePunchServerName.resolve_key("localhost:7788"), SERVER_KEY, "a name")
	assert_eq(HolePunchServerName.split("[2001:db8::7]:7788"), ["2001:db8::7", 7788], "IPv6 in brackets")
	assert_eq(HolePunchServerName.resolve_key("[2001:db8::7]:7788"), "", "IPv6 alone: no key")
	for bad: String in ["localhost", "localhost:0", "localhost:70000", ":7788", "2001:db8::7:7788", "localhost:x"]:
		assert_eq(HolePunchServerName.resolve_key(bad), "", bad)
