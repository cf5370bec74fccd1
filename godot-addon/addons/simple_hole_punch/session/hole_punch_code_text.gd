extends RefCounted
## Session codes as people read and type them, the same rules as the server's
## [code]server/src/wire/code-text.ts[/code]. A code is the server key (12 letters: the server's
## address and port) and a random suffix. A node that knows its server ([member HolePunch.server])
## can rebuild the key, so players need only the suffix: shown in capitals in groups of four
## ([code]ABCD-EFGH[/code]), typed in any case with spaces, dashes, dots or underscores.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## Letters per group in the display form.
const GROUP := 4
## Longest short part, in letters (8 bigrams). A full code is at least 16 letters, so only a text
## of exactly 16 can be either: it is a full code when it begins with the server's own key.
const MAX_SHORT_LETTERS := 16


## The session id [param typed] names, or "" when it names none. A full code is taken as it is (it
## names its own server); with the key of the node's server ([param server_key], "" for none), a
## short part of up to 16 letters gets that key in front.
static func parse(typed: String, server_key: String) -> String:
	var text := HolePunchAlias.normalize_code(typed)
	var full := HolePunchProtocol.is_session_id(text) and HolePunchProtocol.is_key(text.left(HolePunchProtocol.KEY_LENGTH))
	if server_key == "":
		return text if full else ""
	if full and (text.length() > MAX_SHORT_LETTERS or text.begins_with(server_key)):
		return text
	if text.length() <= MAX_SHORT_LETTERS and HolePunchProtocol.is_session_id(server_key + text):
		return server_key + text
	return ""


## How to show [param session_id] to players of the server whose key is [param server_key]: its
## suffix in capitals, grouped by four. A code of another server (or with no server key) is shown
## in full, as it is.
static func display(session_id: String, server_key: String) -> String:
	var suffix_length := session_id.length() - HolePunchProtocol.KEY_LENGTH
	if server_key == "" or not session_id.begins_with(server_key) or suffix_length > MAX_SHORT_LETTERS:
		return session_id
	var suffix := session_id.substr(HolePunchProtocol.KEY_LENGTH).to_upper()
	var groups := PackedStringArray()
	for i in range(0, suffix.length(), GROUP):
		groups.append(suffix.substr(i, GROUP))
	return "-".join(groups)
