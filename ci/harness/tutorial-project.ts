/**
 * The addon README's first game as a developer would build it: a fresh Godot project holding the
 * addon and the tutorial's script, with only its server setting replaced, run with the command lines
 * the README gives (`-- host PASSWORD`, `-- join CODE NAME PASSWORD`). The main scene extends the
 * script and adds what a test needs and a person has: hands (commands from a file: `move X Y`,
 * `leave`) and eyes (a line whenever the squares, their colours or the players it knows change,
 * and each failure by its key).
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './godot.ts';
import { finishProject, withServer } from './snippet-project.ts';

/** The tutorial's game, which the addon README shows block by block. */
export const TUTORIAL = 'godot-demo/snippets/first_game.gd';
/** Where the addon README is (what the Asset Library archive ships). */
export const ADDON_README = 'godot-addon/addons/simple_hole_punch/README.md';
/** The marker before each README block that belongs to the tutorial's file. */
export const TUTORIAL_MARKER = `<!-- tutorial: ${TUTORIAL} -->`;

/** The README's blocks that belong to the tutorial file, joined as they must make up the file. */
export function tutorialFromReadme(): string {
  const readme = readFileSync(resolve(ROOT, ADDON_README), 'utf8');
  return readme.split(TUTORIAL_MARKER).slice(1)
    .map((part) => /^\s*```gdscript\n([\s\S]*?)```/.exec(part)?.[1] ?? '(a marker without a gdscript block after it)\n')
    .join('\n\n');
}

const MAIN = `extends "res://first_game.gd"
## The tutorial's game with a test's hands and eyes.

var _done := 0
var _shown := ""
var _colours := ""


func _ready() -> void:
	super()
	hole_punch.failed.connect(func(reason: HolePunch.Failure, _detail: String) -> void:
		print("failure ", HolePunch.Failure.keys()[reason]))
	var timer := Timer.new()
	timer.wait_time = 0.05
	timer.timeout.connect(_look)
	add_child(timer)
	timer.start()


func _look() -> void:
	var lines := FileAccess.get_file_as_string(OS.get_environment("SHP_COMMANDS")).split("\\n", false)
	for i in range(_done, lines.size()):
		var words := lines[i].split(" ")
		if words[0] == "move":
			move(Vector2(float(words[1]), float(words[2])))
		elif words[0] == "leave":
			leave()
	_done = lines.size()
	var squares: Array[String] = []
	for child in get_children():
		if child is ColorRect:
			squares.append("%s@%d,%d" % [_alias_of(int(str(child.name))), child.position.x, child.position.y])
	squares.sort()
	var seen := "squares %s players %d" % [" ".join(squares), hole_punch.get_players().size()]
	if seen != _shown:
		_shown = seen
		print(seen)
	var colours: Array[String] = []
	for child in get_children():
		if child is ColorRect:
			colours.append("%s=%s" % [_alias_of(int(str(child.name))), (child as ColorRect).color.to_html(false)])
	colours.sort()
	if " ".join(colours) != _colours:
		_colours = " ".join(colours)
		print("colours ", _colours)


func _alias_of(id: int) -> String:
	if id == multiplayer.get_unique_id():
		return my_name
	var players := hole_punch.get_players()
	for key: String in players:
		if players[key].peer_id == id:
			return players[key].alias
	return "?%d" % id
`;

/**
 * Writes the project into a new temporary folder and imports it (once per project, not per run),
 * its server setting [server] (`name:port`). The caller removes the folder.
 */
export function tutorialProject(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shp-tutorial-'));
  // The addon alone, as a game has it: not the GUT that the addon's tests copy beside it.
  cpSync(resolve(ROOT, 'godot-addon/addons/simple_hole_punch'), join(dir, 'addons/simple_hole_punch'), { recursive: true });
  writeFileSync(join(dir, 'first_game.gd'), withServer(readFileSync(resolve(ROOT, TUTORIAL), 'utf8'), server, TUTORIAL));
  writeFileSync(join(dir, 'main.gd'), MAIN);
  finishProject(dir, 'first game', 'Node2D');
  return dir;
}

/** A file of commands for one player of the tutorial's game (see the main scene above). */
export class Commands {
  constructor(readonly path: string) {
    writeFileSync(path, '');
  }

  send(command: string): void {
    appendFileSync(this.path, `${command}\n`);
  }
}
