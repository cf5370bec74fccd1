extends RefCounted
## The one codec of the wire format: it checks, parses and writes every message by the descriptor
## tables that codegen writes from the schema ([code]generated/protocol.gd[/code]). The format's
## rules live here once; the generated file carries only data (codes, fields, limits) and a typed
## class per message.
##
## A message is printable ASCII [code]CODE:field:field...[/code]: the fields in the schema's
## order, optional ones trailing (an encoder leaves them out from the first empty one on, unless
## the field may be blank), and repeated ones last, together one record, as many records as the
## remaining parts hold. A codec reads one table: the rendezvous messages, or the game
## connection's.

const KeyCodec := preload("key_codec.gd")


## A parsed message. Each message's generated class adds its fields, typed as the schema says.
class Message:
	extends RefCounted
	## Its code, as on the wire.
	var code := ""
	## The optional fields it came without (or is to be sent without), by name.
	var omitted := PackedStringArray()

	## The field [param name], or [param absent] when this message has no field of that name.
	func field(name: String, absent: String = "") -> Variant:
		var value: Variant = get(name)
		return absent if value == null else value


## One field of a message, read from a descriptor row [code][name, type, literal or words][/code];
## the type ends in [code]?[/code] when the field is optional, [code]*[/code] when it repeats, and
## begins with [code]blank_[/code] when it may be empty.
class _Field:
	extends RefCounted
	var name := ""
	var type := ""
	var optional := false
	var repeated := false
	var blank := false
	var literal := ""
	var words: Array = []

	func _init(row: Array) -> void:
		name = row[0]
		var spec: String = row[1]
		optional = spec.ends_with("?")
		repeated = spec.ends_with("*")
		type = spec.trim_suffix("?").trim_suffix("*")
		blank = type.begins_with("blank_")
		type = type.trim_prefix("blank_")
		if row.size() > 2 and type == "literal":
			literal = row[2]
		elif row.size() > 2:
			words = row[2]


## A message's class and fields, with the counts and size a valid one has.
class _Shape:
	extends RefCounted
	var code := ""
	var message_class: GDScript
	var fields: Array[_Field] = []
	## Fields before the repeated record, those of them required, and the record's size.
	var fixed := 0
	var required := 0
	var record := 0
	var min_records := 0
	var max_records := 0
	var max_bytes := 0


## The key and token codec over the schema's bigrams.
var keys: KeyCodec
var _largest := 0
var _max_name := 0
var _max_text := 0
var _max_names := 0
var _suffix_bigrams: Array[int] = []
var _shapes := {} # code -> _Shape
var _by_script := {} # GDScript -> _Shape


## A codec over [param messages] (code -> [code][class, field rows, fewest records, most
## records, most bytes][/code]), [param bigrams] and [param limits] (the schema's limits, by their
## names in [code]generated/protocol.gd[/code]).
func _init(messages: Dictionary, bigrams: Array[String], limits: Dictionary) -> void:
	keys = KeyCodec.new(bigrams)
	_max_name = limits.MAX_NAME_LENGTH
	_max_text = limits.MAX_TEXT_LENGTH
	_max_names = limits.MAX_NAMES
	_suffix_bigrams = [limits.MIN_SUFFIX_BIGRAMS, limits.MAX_SUFFIX_BIGRAMS]
	for code: String in messages:
		var entry: Array = messages[code]
		var shape := _Shape.new()
		shape.code = code
		shape.message_class = entry[0]
		for row: Array in entry[1]:
			shape.fields.append(_Field.new(row))
		shape.fixed = shape.fields.filter(func(f: _Field) -> bool: return not f.repeated).size()
		shape.required = shape.fields.filter(func(f: _Field) -> bool: return not f.repeated and not f.optional).size()
		shape.record = shape.fields.size() - shape.fixed
		shape.min_records = entry[2]
		shape.max_records = entry[3]
		shape.max_bytes = entry[4]
		_largest = maxi(_largest, shape.max_bytes)
		_shapes[code] = shape
		_by_script[shape.message_class] = shape


## Parses and checks one datagram: its message, typed (for example a
## [code]HolePunchProtocol.HostRegistered[/code]), or null when it is not valid. Never fails on any
## input.
func parse(packet: PackedByteArray) -> Message:
	if packet.size() > _largest:
		return null
	for byte in packet:
		if byte < 0x20 or byte > 0x7e:
			return null
	var text := packet.get_string_from_ascii()
	var colon := text.find(":")
	var shape: _Shape = _shapes.get(text if colon < 0 else text.left(colon))
	if shape == null or packet.size() > shape.max_bytes:
		return null
	var parts := PackedStringArray() if colon < 0 else text.substr(colon + 1).split(":")
	var records := 0
	if shape.record == 0 and (parts.size() < shape.required or parts.size() > shape.fixed):
		return null
	elif shape.record > 0:
		var rest := parts.size() - shape.fixed
		@warning_ignore("integer_division") # Exact: a whole number of records, or none valid.
		records = rest / shape.record if rest >= 0 and rest % shape.record == 0 else -1
		if records < shape.min_records or records > shape.max_records:
			return null
	var message: Message = shape.message_class.new()
	message.code = shape.code
	for i in shape.fields.size():
		var field := shape.fields[i]
		if field.repeated:
			var values := PackedStringArray()
			for r in records:
				var part := parts[i + r * shape.record]
				if not _valid(part, field):
					return null
				values.append(part)
			message.set(field.name, values)
		elif i >= parts.size():
			message.set(field.name, "")
			message.omitted.append(field.name)
		elif _valid(parts[i], field):
			message.set(field.name, parts[i])
		else:
			return null
	return message


## The datagram of [param message] (a generated message class), its code taken from its class.
func encode(message: Message) -> PackedByteArray:
	var shape: _Shape = _by_script[message.get_script()]
	var values := []
	for field in shape.fields:
		if field.type != "literal":
			values.append(null if message.omitted.has(field.name) else message.get(field.name))
	return encode_values(shape.code, values)


## The datagram of the message [param code] with [param values]: one per field the sender fills in
## (a literal is written by the codec), in the schema's order; each repeated field an array, one
## value per record. An optional field that is null, or empty and may not be blank, ends the
## message there.
func encode_values(code: String, values: Array) -> PackedByteArray:
	var shape: _Shape = _shapes[code]
	var parts := PackedStringArray([code])
	var next := 0
	var records: Array[PackedStringArray] = []
	for field in shape.fields:
		if field.type == "literal":
			parts.append(field.literal)
			continue
		var value: Variant = values[next]
		next += 1
		if field.repeated:
			var list: PackedStringArray = value
			records.append(list)
		elif field.optional and (value == null or (str(value) == "" and not field.blank)):
			break # Trailing extensions end at the first one left out.
		else:
			parts.append(str(value))
	for r in records[0].size() if not records.is_empty() else 0:
		for values_of_field in records:
			parts.append(values_of_field[r])
	return ":".join(parts).to_ascii_buffer()


## The fields of [param message] by name, with its code: for a trace, or a test.
func fields_of(message: Message) -> Dictionary:
	var shape: _Shape = _by_script[message.get_script()]
	var fields := {"code": shape.code}
	for field in shape.fields:
		fields[field.name] = message.get(field.name)
	return fields


## Whether [param text] is a session id: a key and a suffix of an allowed length.
func is_session_id(text: String) -> bool:
	var suffix := (text.length() - KeyCodec.KEY_LENGTH) / 2.0
	return suffix >= _suffix_bigrams[0] and suffix <= _suffix_bigrams[1] and keys.is_bigram_text(text)


## Whether [param text] is an alias as original peers take it: 1 to [code]MAX_NAME_LENGTH[/code]
## printable ASCII characters, no [code]:[/code].
func is_name(text: String) -> bool:
	return text.length() >= 1 and text.length() <= _max_name and _printable(text)


## Whether [param text] is ours (an alias, payload or reason in RV, JP or RJ): 0 to
## [code]MAX_TEXT_LENGTH[/code] printable ASCII characters, no [code]:[/code].
func is_text(text: String) -> bool:
	return text.length() <= _max_text and _printable(text)


## Whether [param text] is an ENet peer id as a host writes it: 0 (not connected yet) or 2 to
## 2^31-1, in at most 10 digits.
static func is_peer_id(text: String) -> bool:
	if text.length() < 1 or text.length() > 10 or not text.lstrip("0123456789").is_empty():
		return false
	var id := text.to_int()
	return id == 0 or (id >= 2 and id <= 2147483647)


## Whether [param text] is a count of ours (players, a cap, a page cursor): 0 to 2^31-1 in
## decimal, at most 10 digits, no leading zeros.
static func is_count(text: String) -> bool:
	if text.length() < 1 or text.length() > 10 or not text.lstrip("0123456789").is_empty():
		return false
	return (text == "0" or not text.begins_with("0")) and text.to_int() <= 2147483647


static func _printable(text: String) -> bool:
	for i in text.length():
		var c := text.unicode_at(i)
		if c < 0x20 or c > 0x7e or c == 0x3a:
			return false
	return true


func _valid(part: String, field: _Field) -> bool:
	match field.type:
		"key":
			return keys.is_key(part)
		"token":
			return (field.blank and part == "") or keys.is_token(part)
		"session_id":
			return is_session_id(part)
		"name":
			return is_name(part)
		"text":
			return is_text(part)
		"literal":
			return part == field.literal
		"word":
			return field.words.has(part)
		"peer_id":
			return is_peer_id(part)
		"count":
			return is_count(part)
	return false
