extends RefCounted
## The [member HolePunch.server] setting: a server by name or address and port
## ([code]play.example.com:7788[/code], [code]203.0.113.7:7788[/code], an IPv6 address in brackets:
## [code][2001:db8::7]:7788[/code]), resolved by the node when a session starts. Session codes and
## the rendezvous name the server by an IPv4 address and port (its key), so a name resolves to its
## IPv4 address; a server reached over IPv6 alone has no key.

const HolePunchProtocol := preload("../generated/protocol.gd")


## [code][host, port][/code] from [param server], or empty when it is not [code]host:port[/code]
## with a port of 1 to 65535.
static func split(server: String) -> Array:
	var text := server.strip_edges()
	var colon := text.rfind(":")
	if colon <= 0:
		return []
	var host := text.left(colon)
	var port_text := text.substr(colon + 1)
	if not port_text.is_valid_int() or int(port_text) < 1 or int(port_text) > 65535:
		return []
	if host.begins_with("[") and host.ends_with("]"):
		host = host.substr(1, host.length() - 2)
	elif host.contains(":"):
		return [] # An IPv6 address needs its brackets, or its port cannot be told apart.
	return [host, int(port_text)] if host != "" else []


## The server key of [param server] (its IPv4 address, resolved now, and port), or "" when it
## does not parse or the name has no IPv4 address.
static func resolve_key(server: String) -> String:
	var parts := split(server)
	if parts.is_empty():
		return ""
	var host: String = parts[0]
	var address := host if host.is_valid_ip_address() else IP.resolve_hostname(host, IP.TYPE_IPV4)
	if not address.is_valid_ip_address() or address.contains(":"):
		return ""
	var port: int = parts[1]
	return HolePunchProtocol.encode_key(address, port)
