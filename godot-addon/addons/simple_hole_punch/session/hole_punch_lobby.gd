extends RefCounted
## The server's public lobby list as a [HolePunch] node uses it: the metadata a host publishes
## (LP, sent by [code]hole_punch_server_link.gd[/code] with its keep-alives) and a page of the
## list (LS, answered with LL) asked from a socket of its own, so that a lobby screen can list
## sessions whether or not this node is in one.
##
## An LS goes out padded to the longest datagram: the server packs the page into the length of
## the request, never more (no amplification), so the padding buys the room the page takes.

const HolePunchAlias := preload("../players/hole_punch_alias.gd")
const HolePunchCodeText := preload("hole_punch_code_text.gd")
const HolePunchNonce := preload("hole_punch_nonce.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")
const HolePunchRetry := preload("hole_punch_retry.gd")
const HolePunchSettings := preload("../generated/hole_punch_settings.gd")

## The metadata a listing carries, in the order LP, LS and LL carry them.
const FIELDS: Array[String] = ["name", "mode", "map", "version"]
## Most bytes of each on the wire (percent-encoded), as the schema bounds them.
const MAX_BYTES := {"name": 32, "mode": 16, "map": 16, "version": 16}

## Emits the page: [code]listed.call(sessions, next)[/code], as [signal HolePunch.sessions_listed].
var _listed: Callable
var _socket: PacketPeerUDP
var _request := PackedByteArray()
var _nonce := ""
var _server := {}
var _server_key := ""
var _started := 0.0
var _retry: HolePunchRetry
var _timeout := 0.0


func _init(listed: Callable) -> void:
	_listed = listed


## The wire form of [param metadata] ([code]{"name": ..., ...}[/code]): one percent-encoded value
## per field of [constant FIELDS], or empty when a value is too long or has control characters.
static func encode_metadata(metadata: Dictionary) -> PackedStringArray:
	var out := PackedStringArray()
	for field in FIELDS:
		var value := str(metadata.get(field, ""))
		var wire := HolePunchAlias.encode(value) if value != "" else ""
		if (value != "" and wire == "") or wire.length() > MAX_BYTES[field]:
			return PackedStringArray()
		out.append(wire)
	return out


## Asks the server [param server_key] for the page [param filter] describes (see
## [method HolePunch.list_sessions]), at [param now]; resent until it comes or
## [member HolePunch.server_timeout] passes. Returns [constant OK] or
## [constant ERR_INVALID_PARAMETER].
func ask(server_key: String, filter: Dictionary, settings: HolePunchSettings, now: float) -> Error:
	var server := HolePunchProtocol.decode_key(server_key)
	var values := encode_metadata(filter)
	@warning_ignore("unsafe_call_argument") # The game's filter: any number, as int() takes it.
	var after := int(filter.get("after", 0))
	if server.is_empty() or values.is_empty() or after < 0:
		return ERR_INVALID_PARAMETER
	if _socket == null:
		_socket = PacketPeerUDP.new()
		if _socket.bind(0) != OK:
			_socket = null
			return ERR_CANT_CREATE
	_server = server
	_server_key = server_key
	_nonce = HolePunchNonce.fresh()
	var room := "not_full" if filter.get("not_full", false) else "any"
	var text := HolePunchProtocol.encode_list_sessions(_nonce, str(after), room, values[0], values[1], values[2], values[3], "").get_string_from_ascii()
	_request = (text + ".".repeat(HolePunchProtocol.MAX_DATAGRAM_BYTES - text.length())).to_ascii_buffer()
	_started = now
	_timeout = settings.server_timeout
	_retry = HolePunchRetry.new(settings.request_interval, settings.max_request_interval)
	_retry.start(now)
	poll(now)
	return OK


## Sends what is due at [param now] and reads what came: the page, once, from the server alone
## with our nonce; anything else is dropped. Returns how many datagrams it dropped.
func poll(now: float) -> int:
	if _socket == null:
		return 0
	var dropped := 0
	while _socket.get_available_packet_count() > 0:
		var packet := _socket.get_packet()
		var from_ip := _socket.get_packet_ip()
		var from_port := _socket.get_packet_port()
		var message := HolePunchProtocol.parse(packet)
		if _nonce == "" or from_ip != _server.ip or from_port != _server.port or not (message is HolePunchProtocol.LobbyList) or (message as HolePunchProtocol.LobbyList).nonce != _nonce:
			dropped += 1
			continue
		_nonce = ""
		var page := message as HolePunchProtocol.LobbyList
		_listed.call(_sessions_of(page), int(page.next))
	if _nonce != "" and now - _started >= _timeout:
		_nonce = ""
		_listed.call([], -1)
	elif _nonce != "" and _retry.due(now):
		var ip: String = _server.ip
		var port: int = _server.port
		_socket.set_dest_address(ip, port)
		_socket.put_packet(_request)
	return dropped


## Closes the socket: no page is awaited any more.
func close() -> void:
	if _socket != null:
		_socket.close()
	_socket = null
	_nonce = ""


func _sessions_of(page: HolePunchProtocol.LobbyList) -> Array:
	var sessions := []
	for i in page.session_id.size():
		sessions.append({
			"code": page.session_id[i], "short_code": HolePunchCodeText.display(page.session_id[i], _server_key),
			"alias": HolePunchAlias.decode(page.alias[i]), "players": int(page.players[i]), "cap": int(page.cap[i]), "nat": page.nat[i],
			"name": HolePunchAlias.decode(page.name[i]), "mode": HolePunchAlias.decode(page.mode[i]),
			"map": HolePunchAlias.decode(page.map[i]), "version": HolePunchAlias.decode(page.version[i]),
		})
	return sessions
