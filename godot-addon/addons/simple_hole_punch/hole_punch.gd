@icon("icon.svg")
class_name HolePunch
extends "hole_punch_messages.gd"
## Connects players peer to peer through NATs, then hands the punched UDP ports to your game.
##
## A host calls [method host_session] and shares the code that [signal start_session] brings;
## clients call [method join_session] with it (or two strangers call [method random_session]).
## When the host calls [method close_session], the host gets [signal start_server] and every
## client gets [signal start_client], with ports that are free to bind again. The signals, the
## settings, [enum Failure] and the API are generated from the protocol schema
## ([code]generated/hole_punch_base.gd[/code], which documents each); what the node does is in
## [code]hole_punch_machine.gd[/code] (the phase machine) and [code]hole_punch_messages.gd[/code]
## (a handler per message, typed).


static func _api_describe(reason: Failure, detail: String) -> String:
	return HolePunchFailures.describe(reason, detail)
