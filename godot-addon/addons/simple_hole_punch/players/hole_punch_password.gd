extends RefCounted
## The proof of a [member HolePunch.password] that a joiner sends its host (in JP before the
## handover, in its hello over the game connection as a late joiner): the first 8 bytes of
## HMAC-SHA256 over the password's UTF-8, keyed by the pair's secret from the server, one bigram
## per byte (a token). The password never travels; the proof is worth nothing to another pair,
## whose secret differs. Without a secret (an original server or peer) there is no proof.

const HolePunchProtocol := preload("../generated/protocol.gd")

## The reason a host's node refuses a joiner with the wrong password (RJ, or the game's refusal).
const REFUSAL := "wrong_password"


## The proof of [param password] for the pair whose secret is [param secret]; empty when either
## is empty.
static func proof(password: String, secret: String) -> String:
	if password == "" or secret == "":
		return ""
	var digest := Crypto.new().hmac_digest(HashingContext.HASH_SHA256, secret.to_ascii_buffer(), password.to_utf8_buffer())
	var token := ""
	for i in 8: # A token is eight bigrams.
		token += HolePunchProtocol.BIGRAMS[digest[i]]
	return token


## Whether a host whose password is [param password] lets in a joiner that sent [param sent] for
## the pair's [param secret]: always when the host has none, else only with the right proof.
static func accepts(password: String, secret: String, sent: String) -> bool:
	if password == "":
		return true
	var expected := proof(password, secret)
	if expected == "" or sent.length() != expected.length():
		return false
	var differ := 0
	for i in expected.length(): # Every letter compared: the time says nothing of how much matched.
		differ |= expected.unicode_at(i) ^ sent.unicode_at(i)
	return differ == 0
