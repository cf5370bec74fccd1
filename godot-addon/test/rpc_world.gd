extends Node
## A node of a test game at the same path on every machine: it keeps the RPCs it receives.

## What [method hello] brought, in order.
var heard: Array[String] = []


@rpc("authority", "reliable")
func hello(text: String) -> void:
	heard.append(text)
