@tool
extends EditorPlugin
## Editor entry point of simple-hole-punch. The [HolePunch] node registers itself through its
## [code]class_name[/code], so enabling the plugin needs no further set-up; this script exists
## because Godot requires one for every plugin.
