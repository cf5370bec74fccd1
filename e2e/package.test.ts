/**
 * The Asset Library archive, installed as a user would: unpacked into a fresh Godot project with
 * the plugin enabled, running the smallest use from the addon's README against the real server
 * (named by the node's server setting).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { ADDON_DIR, packageAddon } from '../ci/package-addon.ts';
import { godotPath } from '../ci/harness/godot.ts';
import { type RunningServer, startServer, Watched } from '../ci/harness/processes.ts';
import { withServer } from '../ci/harness/snippet-project.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean();
});

/** The first GDScript block of the addon's README: the smallest use, exactly as documented. */
function smallestUse(): string {
  const readme = readFileSync(join(ADDON_DIR, 'README.md'), 'utf8');
  const block = /```gdscript\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('the addon README has no gdscript block');
  return block;
}

function freshProject(archive: string): string {
  const project = mkdtempSync(join(tmpdir(), 'shp-package-'));
  cleanups.push(() => rmSync(project, { recursive: true, force: true }));
  for (const [path, data] of Object.entries(unzipSync(readFileSync(archive)))) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), data);
  }
  writeFileSync(join(project, 'project.godot'), [
    'config_version=5', '', '[application]', '', 'config/name="fresh"', 'run/main_scene="res://main.tscn"', '',
    '[editor_plugins]', '', 'enabled=PackedStringArray("res://addons/simple_hole_punch/plugin.cfg")', '',
  ].join('\n'));
  writeFileSync(join(project, 'main.tscn'), [
    '[gd_scene load_steps=2 format=3]', '', '[ext_resource type="Script" path="res://main.gd" id="1"]', '',
    '[node name="Main" type="Node"]', 'script = ExtResource("1")', '',
  ].join('\n'));
  return project;
}

describe('the Asset Library archive', () => {
  it('holds only the addon folder, with its license, readme and icon', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shp-dist-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { entries } = packageAddon(dir);
    expect(entries.every((e) => e.startsWith('addons/simple_hole_punch/'))).toBe(true);
    for (const file of ['LICENSE', 'README.md', 'icon.svg', 'plugin.cfg', 'hole_punch.gd', 'generated/hole_punch_base.gd', 'session/hole_punch_machine.gd', 'wire/protocol_codec.gd']) {
      expect(entries).toContain(`addons/simple_hole_punch/${file}`);
    }
  });

  it('runs the README\'s smallest use in a fresh project and gets a session code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shp-dist-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server: RunningServer = await startServer();
    cleanups.push(() => server.process.kill());
    const project = freshProject(packageAddon(dir).path);
    writeFileSync(join(project, 'main.gd'), withServer(smallestUse(), `localhost:${server.port}`, 'the addon README'));
    execFileSync(godotPath(), ['--headless', '--path', project, '--import'], { stdio: 'ignore', timeout: 120_000 });
    const godot = new Watched(spawn(godotPath(), ['--headless', '--path', project], { stdio: ['ignore', 'pipe', 'pipe'] }), 'fresh project');
    cleanups.push(() => godot.kill());
    await godot.waitForLine(/^share this code: [A-Z]{4}-[A-Z]{4}$/, 20_000);
    expect(godot.lines.filter((l) => /SCRIPT ERROR|Parse Error/.test(l))).toEqual([]);
  });
});
