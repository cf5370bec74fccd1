extends RefCounted
## Keys and tokens on the wire: bytes written as bigrams, two letters a byte.
##
## The schema decides the bigram table; the codec is the same for any table, so it is written
## here once and the generated [code]protocol.gd[/code] builds it from the schema's table.

## Letters in a key: six bigrams, the four octets of the address, then port / 256 and port % 256.
const KEY_LENGTH := 12
## Letters in a token: eight bigrams.
const TOKEN_LENGTH := 16

var _bigrams: Array[String] = []
var _values: Dictionary = {}


func _init(bigrams: Array[String]) -> void:
	_bigrams = bigrams
	for i in bigrams.size():
		_values[bigrams[i]] = i


## The byte value of [param bigram], or -1 when it is not one.
func bigram_value(bigram: String) -> int:
	return _values.get(bigram, -1)


## Whether every two letters of [param text] are a bigram.
func is_bigram_text(text: String) -> bool:
	if text.length() % 2 != 0:
		return false
	for i in range(0, text.length(), 2):
		if not _values.has(text.substr(i, 2)):
			return false
	return true


## Whether [param text] is a key: 12 letters, six bigrams.
func is_key(text: String) -> bool:
	return text.length() == KEY_LENGTH and is_bigram_text(text)


## Whether [param text] is a token: 16 letters, eight bigrams.
func is_token(text: String) -> bool:
	return text.length() == TOKEN_LENGTH and is_bigram_text(text)


## The key of [param ip]:[param port]; empty when [param ip] is not IPv4 or [param port] is out of range.
func encode_key(ip: String, port: int) -> String:
	var octets := ip.split(".")
	if octets.size() != 4 or port < 0 or port > 65535:
		return ""
	var key := ""
	for octet in octets:
		if not octet.is_valid_int() or octet.to_int() < 0 or octet.to_int() > 255:
			return ""
		key += _bigrams[octet.to_int()]
	return key + _bigrams[port >> 8] + _bigrams[port & 255]


## The address a key names, as [code]{"ip": String, "port": int}[/code]; empty when it is not a key.
func decode_key(key: String) -> Dictionary:
	if key.length() != KEY_LENGTH:
		return {}
	var bytes: Array[int] = []
	for i in range(0, KEY_LENGTH, 2):
		var value := bigram_value(key.substr(i, 2))
		if value < 0:
			return {}
		bytes.append(value)
	return {"ip": "%d.%d.%d.%d" % [bytes[0], bytes[1], bytes[2], bytes[3]], "port": bytes[4] * 256 + bytes[5]}
