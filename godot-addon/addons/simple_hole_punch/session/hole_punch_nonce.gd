extends RefCounted
## The nonces a [HolePunch] node puts in its requests, so that it believes only the answers that
## echo them: a session's towards the server ([code]hole_punch_server_link.gd[/code]) and the NAT
## diagnosis's ([HolePunchNat]).

const HolePunchProtocol := preload("../generated/protocol.gd")


## A fresh nonce: a token of random bytes, two letters a byte.
static func fresh() -> String:
	var nonce := ""
	for byte in Crypto.new().generate_random_bytes(HolePunchProtocol.TOKEN_LENGTH >> 1):
		nonce += HolePunchProtocol.BIGRAMS[byte]
	return nonce
