/**
 * The README's first snippet, run as written: a host and a player, each a fresh Godot project with
 * the addon and the snippet's script, against the real server; they punch, connect through the
 * node's own ENet peer and send an RPC each way.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { godotPath, importProject, ROOT } from '../ci/harness/godot.ts';
import { type RunningServer, startServer, Watched } from '../ci/harness/processes.ts';

/** The snippet the README includes (the README says so with this marker before its block). */
const SNIPPET = 'godot-demo/snippets/quick_start.gd';
const MARKER = `<!-- snippet: ${SNIPPET} -->`;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean();
});

/** The first GDScript block of the README, when the README includes the snippet file there. */
function readmeSnippet(): string | undefined {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  return at < 0 ? undefined : /```gdscript\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
}

/** A fresh project holding the addon, the snippet, and a scene that calls host() or join(code). */
function project(serverKey: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shp-snippet-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(resolve(ROOT, 'godot-addon/addons'), join(dir, 'addons'), { recursive: true });
  const snippet = readFileSync(resolve(ROOT, SNIPPET), 'utf8');
  writeFileSync(join(dir, 'quick_start.gd'), snippet.replace(/const SERVER_KEY := "[a-z]{12}"/, `const SERVER_KEY := "${serverKey}"`));
  writeFileSync(join(dir, 'main.gd'), [
    'extends "res://quick_start.gd"', '', '',
    'func _ready() -> void:', '\tsuper()', '\tvar args := OS.get_cmdline_user_args()',
    '\tif args[0] == "host":', '\t\thost()', '\telse:', '\t\tjoin(args[1])', '',
  ].join('\n'));
  writeFileSync(join(dir, 'main.tscn'), [
    '[gd_scene load_steps=2 format=3]', '', '[ext_resource type="Script" path="res://main.gd" id="1"]', '',
    '[node name="Main" type="Node"]', 'script = ExtResource("1")', '',
  ].join('\n'));
  writeFileSync(join(dir, 'project.godot'), [
    'config_version=5', '', '[application]', '', 'config/name="snippet"', 'run/main_scene="res://main.tscn"', '',
    '[editor_plugins]', '', 'enabled=PackedStringArray("res://addons/simple_hole_punch/plugin.cfg")', '',
  ].join('\n'));
  importProject(dir);
  return dir;
}

function run(dir: string, label: string, ...args: string[]): Watched {
  const godot = new Watched(spawn(godotPath(), ['--headless', '--path', dir, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }), label);
  cleanups.push(() => godot.kill());
  return godot;
}

describe('the README\'s first snippet', () => {
  it.skipIf(readmeSnippet() === undefined)('is the snippet file, word for word', () => {
    expect(readmeSnippet()).toBe(readFileSync(resolve(ROOT, SNIPPET), 'utf8'));
  });

  it('connects a host and a player as written, with an RPC each way', async () => {
    const server: RunningServer = await startServer();
    cleanups.push(() => server.process.kill());
    const dir = project(server.key);
    const host = run(dir, 'host', 'host');
    const code = (await host.waitForLine(/^share this code: ([a-z]+)$/, 20_000))[1]!;
    const player = run(dir, 'player', 'join', code);
    await player.waitForLine(/^host is here$/, 20_000);
    await host.waitForLine(/^player is here$/, 20_000);
    await host.waitForLine(/^got: hello from player \d+$/, 20_000);
    await player.waitForLine(/^got: welcome$/, 20_000);
    for (const side of [host, player]) {
      expect(side.lines.filter((l) => /SCRIPT ERROR|Parse Error|^failed: /.test(l)), side.label).toEqual([]);
    }
  });
});
