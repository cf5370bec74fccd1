extends RefCounted
## Player aliases in UTF-8 on a wire that carries printable ASCII, and forgiving session codes.
##
## An alias travels percent-encoded: printable ASCII stays as it is, except [code]%[/code] and
## [code]:[/code], and every other UTF-8 byte becomes [code]%XX[/code]. An alias is 1 to
## [code]HolePunchProtocol.MAX_TEXT_CHARACTERS[/code] characters (Unicode code points) of any
## script, emoji included: up to [code]HolePunchProtocol.MAX_TEXT_LENGTH[/code] bytes on the wire,
## which two peers of ours exchange in full (RV, JP, RJ, and over the game connection). Original
## peers read only RD, whose names are at most [code]HolePunchProtocol.MAX_NAME_LENGTH[/code] bytes:
## there each alias is cut at a character boundary to fit ([method cut]), so an original peer sees
## the wire form of its first characters ([code]Jos%C3%A9[/code] for "José", the first two
## characters of "山田太郎"). A wire name that is not valid percent-encoded UTF-8 (an original peer's
## "100%") is shown as it came.

const HolePunchProtocol := preload("../generated/protocol.gd")

const _HEX := "0123456789ABCDEF"


## The wire form of [param alias], or an empty string when it cannot be one (empty, control
## characters, or longer than [code]HolePunchProtocol.MAX_TEXT_CHARACTERS[/code] characters).
static func encode(alias: String) -> String:
	if alias.length() > HolePunchProtocol.MAX_TEXT_CHARACTERS:
		return ""
	var out := ""
	for byte in alias.to_utf8_buffer():
		if byte < 0x20 or byte == 0x7f:
			return ""
		if byte < 0x7f and byte != 0x25 and byte != 0x3a:
			out += char(byte)
		else:
			out += "%" + _HEX[byte >> 4] + _HEX[byte & 15]
	return out if out != "" and HolePunchProtocol.is_text(out) else ""


## [param wire] cut to at most [param limit] bytes at a character boundary (never inside an
## escape or a character's bytes), for an original peer's RD.
static func cut(wire: String, limit: int = HolePunchProtocol.MAX_NAME_LENGTH) -> String:
	if wire.length() <= limit:
		return wire
	var alias := decode(wire)
	if alias == wire: # Not our encoding: ASCII as it came.
		return wire.left(limit)
	var out := ""
	for i in alias.length():
		var part := encode(alias[i])
		if out.length() + part.length() > limit:
			break
		out += part
	return out


## The alias a wire name stands for: percent-decoded when that gives valid UTF-8, else as it came.
static func decode(wire: String) -> String:
	if not wire.contains("%"):
		return wire
	var bytes := PackedByteArray()
	var i := 0
	while i < wire.length():
		var c := wire.unicode_at(i)
		if c == 0x25:
			var hex := wire.substr(i + 1, 2)
			if hex.length() != 2 or not hex.is_valid_hex_number():
				return wire
			bytes.append(hex.hex_to_int())
			i += 3
		else:
			bytes.append(c)
			i += 1
	return bytes.get_string_from_utf8() if _is_utf8(bytes) else wire


## Whether [param wire] is a text in our wire form: printable ASCII as [method encode] writes it
## (so it decodes to UTF-8 without control characters, and back to itself), not empty.
static func is_wire(wire: String) -> bool:
	return HolePunchProtocol.is_text(wire) and wire != "" and encode(decode(wire)) == wire


## Whether [param bytes] are well-formed UTF-8 (checked first: Godot's decoder complains aloud).
static func _is_utf8(bytes: PackedByteArray) -> bool:
	var i := 0
	while i < bytes.size():
		var b := bytes[i]
		var more := 0 if b < 0x80 else 1 if b >= 0xc2 and b < 0xe0 else 2 if b >= 0xe0 and b < 0xf0 else 3 if b >= 0xf0 and b < 0xf5 else -1
		if more < 0 or i + more >= bytes.size():
			return false
		for k in range(1, more + 1):
			if bytes[i + k] & 0xc0 != 0x80:
				return false
		i += more + 1
	return true


## A session code as a person may type it: any case, with spaces, dashes, dots or underscores
## between the letters. Those are removed and the rest lowercased; nothing else is guessed.
static func normalize_code(code: String) -> String:
	var out := ""
	for part in code.to_lower():
		if not part in [" ", "-", "_", ".", "\t", "\n"]:
			out += part
	return out
