extends RefCounted
## Which claimed LAN addresses a node may send to.
##
## A peer tells the server its LAN address, and the server passes it on unchecked by older
## servers. Probing whatever was claimed would turn every player into a reflector (a joiner
## claiming [code]8.8.8.8:53[/code]) and, on a shared network, would let a stranger who holds the
## claimed address answer for the peer. So a LAN key is probed only when it names a private
## (10/8, 172.16/12, 192.168/16), link-local (169.254/16) or shared (100.64/10) address inside
## one of our own subnets and the peer is behind the same public address as we are, or when it
## names the peer's own public IP (a peer without NAT, where nothing new is reached).

## The unspecified address: a peer that found no LAN address sends it.
const NONE := "0.0.0.0"


## Whether [param ip] is a private, link-local or shared (carrier NAT) IPv4 address.
static func is_private(ip: String) -> bool:
	var o := octets(ip)
	if o.is_empty():
		return false
	return o[0] == 10 or (o[0] == 172 and o[1] >= 16 and o[1] <= 31) or (o[0] == 192 and o[1] == 168) \
			or (o[0] == 169 and o[1] == 254) or (o[0] == 100 and o[1] >= 64 and o[1] <= 127)


## Whether [param a] and [param b] share their first [param bits] bits (both IPv4).
static func same_subnet(a: String, b: String, bits: int) -> bool:
	var x := octets(a)
	var y := octets(b)
	if x.is_empty() or y.is_empty():
		return false
	for i in 4:
		var keep := clampi(bits - 8 * i, 0, 8)
		var mask := (0xff << (8 - keep)) & 0xff
		if (x[i] & mask) != (y[i] & mask):
			return false
	return true


## Whether a peer's claimed LAN address [param lan_ip] may be probed. [param peer_public_ip] is
## the peer's public IP as the server saw it, [param our_public_ip] ours (empty when unknown),
## [param our_lan_ips] our own IPv4 addresses and [param bits] the prefix length of our subnets.
static func may_probe(lan_ip: String, peer_public_ip: String, our_public_ip: String, our_lan_ips: PackedStringArray, bits: int) -> bool:
	if lan_ip == NONE or octets(lan_ip).is_empty():
		return false
	if lan_ip == peer_public_ip:
		return true
	if not is_private(lan_ip) or peer_public_ip != our_public_ip:
		return false
	for own in our_lan_ips:
		if same_subnet(lan_ip, own, bits):
			return true
	return false


## The four octets of an IPv4 address, or an empty array when [param ip] is not one.
static func octets(ip: String) -> PackedInt32Array:
	var parts := ip.split(".")
	if parts.size() != 4:
		return PackedInt32Array()
	var result := PackedInt32Array()
	for part in parts:
		if not part.is_valid_int() or part.to_int() < 0 or part.to_int() > 255:
			return PackedInt32Array()
		result.append(part.to_int())
	return result
