/**
 * The README's first snippet as a new developer's game: a fresh Godot project holding the addon,
 * the snippet file with only its server setting replaced, and a tiny main scene that calls host()
 * or join(code) from the command line. The end-to-end test runs it on loopback, the NAT lab behind
 * real NATs.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importProject, ROOT } from './godot.ts';

/** The snippet the README includes (the README names it in a marker before its block). */
export const SNIPPET = 'godot-demo/snippets/quick_start.gd';

/** What the snippet's players print: the code, each RPC received, and any failure or script error. */
export const SNIPPET_LINES = {
  code: /^share this code: (\S+)$/,
  /** The main scene, just before it calls join(code): where a player's time to connect starts. */
  joining: /^joining$/,
  hostGot: /^got: hello from player (\d+)$/,
  playerGot: /^got: welcome$/,
  trouble: /SCRIPT ERROR|Parse Error|^failed: /,
  /** The main scene's account of the game's connections, from MultiplayerAPI's own signals. */
  peer: /^peer (\d+) (connected|disconnected)$/,
} as const;

/**
 * Whether the host knows the player by the id the player calls itself ("hello from player N"):
 * a peer id that differs between the two sides breaks every game that names players by id.
 * Returns what is wrong, or null.
 */
export function idMismatch(hostLines: readonly string[]): string | null {
  const said = hostLines.map((l) => SNIPPET_LINES.hostGot.exec(l)?.[1]).find((id) => id !== undefined);
  const known = hostLines.map((l) => SNIPPET_LINES.peer.exec(l)).filter((m) => m?.[2] === 'connected').map((m) => m![1]!);
  return said === undefined || known.includes(said) ? null : `the player calls itself ${said}, the host knows it as ${known.join(', ')}`;
}

/** The server setting a snippet shows, `hole_punch.server = "name:port"`, with its name and port. */
const SERVER_SETTING = /hole_punch\.server = "[^"\s]+:\d+"/;

/**
 * [script] with the server setting it shows set to [server] (`name:port`, as the node's `server`
 * setting takes it); it throws when the script shows none.
 */
export function withServer(script: string, server: string, file: string): string {
  const set = script.replace(SERVER_SETTING, `hole_punch.server = "${server}"`);
  if (set === script) throw new Error(`${file} sets no hole_punch.server to replace`);
  return set;
}

/**
 * Writes the project into a new temporary folder and imports it (Godot's `--import`, slow: once
 * per project, not per run), its server setting [server] (`name:port`). The caller removes the
 * folder.
 */
export function snippetProject(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shp-snippet-'));
  // The addon alone, as a game has it: not the GUT that the addon's tests copy beside it.
  cpSync(resolve(ROOT, 'godot-addon/addons/simple_hole_punch'), join(dir, 'addons/simple_hole_punch'), { recursive: true });
  writeFileSync(join(dir, 'quick_start.gd'), withServer(readFileSync(resolve(ROOT, SNIPPET), 'utf8'), server, SNIPPET));
  writeFileSync(join(dir, 'main.gd'), [
    'extends "res://quick_start.gd"', '', '',
    'func _ready() -> void:', '\tsuper()',
    '\tmultiplayer.peer_connected.connect(func(id: int) -> void: print("peer %d connected" % id))',
    '\tmultiplayer.peer_disconnected.connect(func(id: int) -> void: print("peer %d disconnected" % id))',
    '\tvar args := OS.get_cmdline_user_args()',
    '\tif args[0] == "host":', '\t\thost()', '\telse:', '\t\tprint("joining")', '\t\tjoin(args[1])', '',
  ].join('\n'));
  finishProject(dir, 'snippet', 'Node');
  return dir;
}

/**
 * Makes [dir] (holding the addon and `main.gd`) a Godot project named [name] with the plugin on,
 * whose main scene is one [rootType] node running `main.gd`, and imports it.
 */
export function finishProject(dir: string, name: string, rootType: string): void {
  writeFileSync(join(dir, 'main.tscn'), [
    '[gd_scene load_steps=2 format=3]', '', '[ext_resource type="Script" path="res://main.gd" id="1"]', '',
    `[node name="Main" type="${rootType}"]`, 'script = ExtResource("1")', '',
  ].join('\n'));
  writeFileSync(join(dir, 'project.godot'), [
    'config_version=5', '', '[application]', '', `config/name="${name}"`, 'run/main_scene="res://main.tscn"', '',
    '[editor_plugins]', '', 'enabled=PackedStringArray("res://addons/simple_hole_punch/plugin.cfg")', '',
  ].join('\n'));
  importProject(dir);
}

/** Godot's arguments to run the project in [dir] as the host (`host`) or a player (`join`, code). */
export function snippetArgs(dir: string, ...args: string[]): string[] {
  return ['--headless', '--path', dir, '--', ...args];
}
