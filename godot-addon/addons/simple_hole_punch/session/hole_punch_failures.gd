extends RefCounted
## What a [signal HolePunch.failed] means in words ([method HolePunch.describe]), and which
## failure a host's refusal is.

const HolePunchPassword := preload("../players/hole_punch_password.gd")
const HolePunchRejoin := preload("../players/hole_punch_rejoin.gd")
const HolePunchProtocol := preload("../generated/protocol.gd")

## The refusal reason the host's node gives for its player cap ([member HolePunch.max_players]).
const FULL := "full"
## The refusal reason of a host whose session stays open for rejoining players alone
## ([member HolePunch.rejoin_grace] without [member HolePunch.keep_open]): a new player is told the
## code is no longer open.
const CLOSED := "closed"


## The failure a refusal for [param reason] from the host is: its node's own reasons have failures
## of their own, the game's are [constant HolePunch.Failure.REFUSED_BY_HOST].
static func of_refusal(reason: String) -> HolePunch.Failure:
	match reason:
		FULL:
			return HolePunch.Failure.SESSION_FULL
		HolePunchPassword.REFUSAL:
			return HolePunch.Failure.WRONG_PASSWORD
		HolePunchRejoin.EXPIRED:
			return HolePunch.Failure.REJOIN_EXPIRED
		HolePunchRejoin.REFUSED:
			return HolePunch.Failure.REJOIN_REFUSED
		CLOSED:
			return HolePunch.Failure.CODE_UNKNOWN
	return HolePunch.Failure.REFUSED_BY_HOST


## [param reason] and [param detail] of [signal HolePunch.failed] as a sentence.
static func describe(reason: HolePunch.Failure, detail: String) -> String:
	var quoted := "\"%s\"" % detail
	match reason:
		HolePunch.Failure.BAD_ALIAS:
			return "The name %s cannot be used: it must be 1 to %d characters, without control characters." % [quoted, HolePunchProtocol.MAX_TEXT_CHARACTERS]
		HolePunch.Failure.BAD_SERVER_KEY:
			return "%s is not a server key (12 letters, as the server printed on start)." % quoted
		HolePunch.Failure.BAD_CODE:
			return "%s is not a session code: check it with the host." % quoted
		HolePunch.Failure.LOCAL_PORT_UNUSABLE:
			return "The local UDP port %s could not be opened: another program may use it." % detail
		HolePunch.Failure.SERVER_SILENT:
			return "The server at %s did not answer: it may be down, or a firewall blocks UDP to it." % detail
		HolePunch.Failure.CODE_UNKNOWN:
			return "No session has the code %s: it may have ended, or the code is mistyped." % quoted
		HolePunch.Failure.SESSION_FULL:
			return "The session is full: it takes no more players."
		HolePunch.Failure.SERVER_FULL:
			return "The server is full: it takes no more sessions for now. Try again later."
		HolePunch.Failure.ADDRESS_LIMIT:
			return "This network already holds as many sessions as the server allows. Close one, or try later."
		HolePunch.Failure.REFUSED_BY_HOST:
			return "The host turned you away (\"%s\")." % detail
		HolePunch.Failure.PUNCHING_FAILED:
			return "No connection could be made to the host at %s through the routers, and relays are off." % _address(detail)
		HolePunch.Failure.RELAY_UNAVAILABLE:
			return "No connection could be made to the host at %s through the routers, and the server gave no relay." % _address(detail)
		HolePunch.Failure.HOST_LOST:
			return "The host at %s stopped answering." % _address(detail)
		HolePunch.Failure.HOST_LEFT:
			return "The host left (%s), or went silent: the session is over." % _address(detail)
		HolePunch.Failure.GAME_CONNECT_FAILED:
			return "The game could not connect to the host: %s." % detail
		HolePunch.Failure.WRONG_PASSWORD:
			return "Wrong password: the host's password is not the one given."
		HolePunch.Failure.PAYLOAD_TOO_LONG:
			return "The join payload is too long: %s." % detail
		HolePunch.Failure.REJOIN_EXPIRED:
			return "Back too late: the host no longer keeps your place in the game."
		HolePunch.Failure.REJOIN_REFUSED:
			return "The host did not let you back in: the rejoin secret did not match."
	return "Failed (%s): %s" % [HolePunch.Failure.keys()[reason] if reason >= 0 and reason < HolePunch.Failure.size() else str(reason), detail]


## The address a key names, as ip:port; anything else as it is.
static func _address(detail: String) -> String:
	var at := HolePunchProtocol.decode_key(detail)
	return detail if at.is_empty() else "%s:%d" % [at.ip, at.port]
