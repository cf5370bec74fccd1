extends RefCounted
## Global IPv6 addresses for a [HolePunch] node: finding this machine's, and carrying one through
## the server. Keys are IPv4-only, so an IPv6 address travels as two tokens (the schema's
## [code]ip6_prefix[/code] and [code]ip6_host[/code]: its first and last 8 bytes, one bigram per
## byte, as in a key); its port is the sender's bound port (one dual-stack socket), which the
## local key carries. The server passes an address on only with its proof (IA, see
## [code]hole_punch_server_link.gd[/code]) that the sender receives there.

const HolePunchProtocol := preload("../generated/protocol.gd")


static var _enet_ipv6 := -1


## Whether this Godot's ENet can use IPv6. Official builds bundle an ENet that can; a build
## against the system's vanilla ENet (Debian's) cannot, and a game client handed an IPv6 address
## would fail to connect. Asked once (on such a build the engine prints one error while asking).
static func enet_supports_ipv6() -> bool:
	if _enet_ipv6 < 0:
		var probe := ENetConnection.new()
		_enet_ipv6 = 1 if probe.create_host_bound("::1", 0, 1) == OK else 0
		probe.destroy()
	return _enet_ipv6 == 1


## This machine's first global unicast IPv6 address (2000::/3), in full form, or empty when it
## has none. [param addresses] defaults to [method IP.get_local_addresses].
static func find_global(addresses := PackedStringArray()) -> String:
	if addresses.is_empty():
		addresses = IP.get_local_addresses()
	for address in addresses:
		var bytes := parse(address)
		if not bytes.is_empty() and bytes[0] & 0xe0 == 0x20:
			return format(bytes)
	return ""


## The 16 bytes of the IPv6 address [param text] (full or with [code]::[/code]), or an empty
## array when it is not one. A zone ([code]%eth0[/code]) is ignored.
static func parse(text: String) -> PackedByteArray:
	var address := text.get_slice("%", 0)
	if not address.contains(":") or address.contains("."):
		return PackedByteArray()
	var halves := address.split("::")
	if halves.size() > 2:
		return PackedByteArray()
	var head := _groups(halves[0])
	var tail := _groups(halves[1]) if halves.size() == 2 else PackedInt32Array()
	if head.has(-1) or tail.has(-1):
		return PackedByteArray()
	var missing := 8 - head.size() - tail.size()
	if (halves.size() == 2 and missing < 1) or (halves.size() == 1 and missing != 0):
		return PackedByteArray()
	var groups := head
	for i in missing:
		groups.append(0)
	groups.append_array(tail)
	var bytes := PackedByteArray()
	for group in groups:
		bytes.append(group >> 8)
		bytes.append(group & 0xff)
	return bytes


## Whether [param a] and [param b] are the same IPv6 address, whatever their spelling.
static func same(a: String, b: String) -> bool:
	var bytes := parse(a)
	return not bytes.is_empty() and bytes == parse(b)


## [param bytes] (16) as an IPv6 address in full form, lowercase: [code]2001:db8:1:0:0:0:0:10[/code].
static func format(bytes: PackedByteArray) -> String:
	var groups := PackedStringArray()
	for i in 8:
		groups.append("%x" % ((bytes[2 * i] << 8) | bytes[2 * i + 1]))
	return ":".join(groups)


## The two tokens that carry [param address]: [code][prefix, host][/code], or an empty array
## when it is not an IPv6 address.
static func to_tokens(address: String) -> PackedStringArray:
	var bytes := parse(address)
	if bytes.is_empty():
		return PackedStringArray()
	var letters := ""
	for byte in bytes:
		letters += HolePunchProtocol.BIGRAMS[byte]
	return PackedStringArray([letters.left(16), letters.substr(16)])


## The address two tokens carry, or empty when either is missing or not a token. Only a global
## address (2000::/3), unless [param global_only] is false: then any one host's address (not
## unspecified, multicast or link-local), as the server's own or what the server saw may be.
static func from_tokens(prefix: String, host: String, global_only := true) -> String:
	if not HolePunchProtocol.is_token(prefix) or not HolePunchProtocol.is_token(host):
		return ""
	var letters := prefix + host
	var bytes := PackedByteArray()
	for i in 16:
		bytes.append(HolePunchProtocol.BIGRAMS.find(letters.substr(2 * i, 2)))
	if global_only:
		return format(bytes) if bytes[0] & 0xe0 == 0x20 else "" # No loopback, link-local or ULA: peers punch it.
	var unspecified := bytes == PackedByteArray([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
	return "" if unspecified or bytes[0] == 0xff or (bytes[0] == 0xfe and bytes[1] & 0xc0 == 0x80) else format(bytes)


## Whether [param address] is the IPv6 loopback address ([code]::1[/code]): a server on this machine.
static func is_loopback(address: String) -> bool:
	return same(address, "::1")


static func _groups(text: String) -> PackedInt32Array:
	var groups := PackedInt32Array()
	if text == "":
		return groups
	for part in text.split(":"):
		if part.length() < 1 or part.length() > 4 or not part.is_valid_hex_number():
			groups.append(-1)
		else:
			groups.append(part.hex_to_int())
	return groups
