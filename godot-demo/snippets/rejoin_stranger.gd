extends "res://snippets/rejoin_game.gd"
## For the tests alone: a stranger who learned a player's key (CLAIM_KEY) joins the game claiming
## that player's place after a drop, with a rejoin secret of its own making.

const HolePunchRejoin := preload("res://addons/simple_hole_punch/players/hole_punch_rejoin.gd")


func _ready() -> void:
	super()
	var claimed := {"key": OS.get_environment("CLAIM_KEY"), "host_key": "", "secret": HolePunchRejoin.new_secret(), "grace": 10.0, "players": {}, "until": 1e9}
	hole_punch._session._game.rejoin = claimed
