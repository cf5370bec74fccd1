/**
 * The demo lobby on a real (virtual) screen: Godot with Mesa's software renderer under xvfb-run
 * renders the lobby as a host sees it, saves a screenshot, and reports what the picture holds
 * where the lobby put its parts (ci/provision-render.sh provides xvfb and the renderer).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProject, ROOT } from '../ci/harness/godot.ts';

const dir = mkdtempSync(join(tmpdir(), 'shp-lobby-'));
let renderer = '';
beforeAll(() => {
  renderer = execFileSync('bash', [resolve(ROOT, 'ci/provision-render.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 280_000 }).trim();
  importProject('godot-demo');
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo lobby', () => {
  it('renders the host\'s lobby: players with their paths, host controls, the failure in red', () => {
    const png = join(dir, 'lobby.png');
    const out = execFileSync(renderer, ['--path', resolve(ROOT, 'godot-demo'), '-s', 'res://lobby/screenshot.gd', '--', png], {
      encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = out.split('\n').find((l) => l.startsWith('SHP_LOBBY '));
    expect(line, out).toBeDefined();
    const report = JSON.parse(line!.slice('SHP_LOBBY '.length)) as Record<string, unknown>;
    expect(report).toMatchObject({ saved: true, player_rows: 2, host_controls: true, status: 'Share this code: qucycyahjiuvcyahcyah' });
    expect(report.error_red as number, 'red text where the error label is').toBeGreaterThan(200);
    expect(report.player_ink as number, 'text where the player list is').toBeGreaterThan(500);
    // A real PNG of the window's size
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([report.width, report.height]);
    expect(out).not.toMatch(/SCRIPT ERROR/);
  });
});
