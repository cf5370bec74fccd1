extends RefCounted
## The rejoin secret of a player in a game the node runs ([member HolePunch.rejoin_grace]): the host
## draws one at random for each player it welcomes and gives it to that player alone, over the game
## connection (SHP-REJOIN); a player whose connection dropped rejoins with a new connection, and so
## a new pair secret from the server, and proves the rejoin secret with an HMAC-SHA256 of it keyed
## by that pair secret ([code]hole_punch_password.gd[/code]'s proof), never the secret itself. A
## stranger who learns a player's key cannot take its place, and a proof is worth nothing to another
## pair. On a direct path the secret never reaches the server; through the relay it passes the relay,
## which belongs to the server that hands out the pair secrets anyway.

const HolePunchPassword := preload("hole_punch_password.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## The refusal reasons of a rejoin: the place is no longer kept (the grace ended, or there never
## was one), or the proof is wrong.
const EXPIRED := "rejoin_expired"
const REFUSED := "rejoin_refused"


## A fresh secret: eight random bytes as a token.
static func new_secret() -> String:
	var bytes := Crypto.new().generate_random_bytes(8)
	var token := ""
	for byte in bytes:
		token += HolePunchProtocol.BIGRAMS[byte]
	return token


## The proof of [param rejoin_secret] for the new pair whose secret is [param pair_secret]; empty
## when either is empty.
static func proof(rejoin_secret: String, pair_secret: String) -> String:
	return HolePunchPassword.proof(rejoin_secret, pair_secret)


## Whether [param sent] proves [param rejoin_secret] for the pair whose secret is
## [param pair_secret]: never without both.
static func accepts(rejoin_secret: String, pair_secret: String, sent: String) -> bool:
	return rejoin_secret != "" and pair_secret != "" and HolePunchPassword.accepts(rejoin_secret, pair_secret, sent)
