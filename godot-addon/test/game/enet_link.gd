extends RefCounted
## A player's path to the host's game, on loopback: the host sees the player at [member outer], the
## address it was punched at; the player's ENet connects to [member inner]. Each datagram goes on
## unless [method _to_host] or [method _to_player] keeps it back, as a lossy path would.

var outer := PacketPeerUDP.new()
var inner := PacketPeerUDP.new()
## The host's game port.
var host_port := 0
## Where the player's last datagram came from (0: none yet).
var player_port := 0


func _init(punched_port: int, game_port: int) -> void:
	outer.bind(punched_port, "127.0.0.1")
	inner.bind(0, "127.0.0.1")
	host_port = game_port


## Moves what has come in, both ways.
func pump() -> void:
	while inner.get_available_packet_count() > 0:
		var data := inner.get_packet()
		player_port = inner.get_packet_port()
		if _to_host(data, player_port):
			outer.set_dest_address("127.0.0.1", host_port)
			outer.put_packet(data)
	while outer.get_available_packet_count() > 0:
		var data := outer.get_packet()
		if _to_player(data) and _player_port() > 0:
			inner.set_dest_address("127.0.0.1", _player_port())
			inner.put_packet(data)


func close() -> void:
	outer.close()
	inner.close()


## Whether the player's datagram [param _data], from [param _from], goes on to the host.
func _to_host(_data: PackedByteArray, _from: int) -> bool:
	return true


## Whether the host's datagram [param _data] goes on to the player.
func _to_player(_data: PackedByteArray) -> bool:
	return true


## Where the host's datagrams go (0: nowhere yet).
func _player_port() -> int:
	return player_port
