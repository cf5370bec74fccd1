/**
 * The README's first snippet, run as written: a host and a player, each a fresh Godot project with
 * the addon and the snippet's script (its server setting naming the real server), against that
 * server; the host shares the short code, the player joins with it, they punch, connect through
 * the node's own ENet peer and send an RPC each way.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { godotPath, ROOT } from '../ci/harness/godot.ts';
import { type RunningServer, startServer, Watched } from '../ci/harness/processes.ts';
import { idMismatch, SNIPPET, SNIPPET_LINES, snippetArgs, snippetProject } from '../ci/harness/snippet-project.ts';

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

function run(dir: string, label: string, ...args: string[]): Watched {
  const godot = new Watched(spawn(godotPath(), snippetArgs(dir, ...args), { stdio: ['ignore', 'pipe', 'pipe'] }), label);
  cleanups.push(() => godot.kill());
  return godot;
}

describe('the README\'s first snippet', () => {
  it('is the snippet file, word for word', () => {
    const shown = readmeSnippet();
    expect(shown, `README.md has no \`${MARKER}\` followed by a gdscript block`).toBeDefined();
    expect(shown).toBe(readFileSync(resolve(ROOT, SNIPPET), 'utf8'));
  });

  it('connects a host and a player as written, with an RPC each way', async () => {
    const server: RunningServer = await startServer();
    cleanups.push(() => server.process.kill());
    // The game names the server as a developer's would, by name and port: the name resolves to loopback.
    const dir = snippetProject(`localhost:${server.port}`);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const host = run(dir, 'host', 'host');
    const code = (await host.waitForLine(SNIPPET_LINES.code, 20_000))[1]!;
    expect(code, 'the short code, as players read it out').toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const player = run(dir, 'player', 'join', code);
    await player.waitForLine(/^host is here$/, 20_000);
    await host.waitForLine(/^player is here$/, 20_000);
    await host.waitForLine(SNIPPET_LINES.hostGot, 20_000);
    await player.waitForLine(SNIPPET_LINES.playerGot, 20_000);
    for (const side of [host, player]) {
      expect(side.lines.filter((l) => SNIPPET_LINES.trouble.test(l)), side.label).toEqual([]);
    }
    expect(idMismatch(host.lines)).toBeNull();
  });
});
