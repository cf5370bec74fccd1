extends RefCounted
## Who the players of a [HolePunch] node are ([method HolePunch.get_players]), wherever its session
## is: before the handover, the peers it punched (a host's only once admitted: its JP heard, and
## not refused) and, on a client, the other players its host lists in the game; once a host's game
## runs, the game's roster, which then holds everyone. Each player is
## [code]{"alias": String, "path": String, "peer_id": int, "rtt": int, "data": Dictionary}[/code] by
## public key ([code]rtt[/code] in milliseconds, -1 while unknown: before the game; [code]data[/code]
## its member data, empty before the game).

const HolePunchAlias := preload("hole_punch_alias.gd")
const HolePunchGamePeer := preload("../game/hole_punch_game_peer.gd")
const HolePunchPeer := preload("hole_punch_peer.gd")


## The players, from the session's [param peers] ([param we_host] when we host) and the
## [param game]'s roster.
static func of(peers: Array[HolePunchPeer], we_host: bool, game: HolePunchGamePeer) -> Dictionary:
	if game.roster.is_hosting():
		return game.roster.players() # The game runs: who is in it now.
	var players := {}
	for peer in peers:
		if we_host and not peer.admitted:
			continue # Its JP awaited, or being refused: not a player yet.
		players[peer.public_key] = {"alias": HolePunchAlias.decode(peer.name), "path": peer.shown_path(), "peer_id": game.peer_id(peer.public_key), "rtt": -1, "data": {}}
	# A client's roster, once its game runs: the other players from the host, and the host as the
	# game sees it now (its round trip, its member data), over what punching knew of it.
	players.merge(game.roster.players(), true)
	return players
