/**
 * The addon README's first game, run as written: the README's blocks make up the tutorial's file,
 * and that file, in a fresh project against the real server, plays a whole session as separate
 * headless Godot processes: a host with a password and a cap of two, a player who starts the game,
 * a late joiner, a wrong password and a player too many turned away, squares moved by RPC, a
 * player leaving, and the host leaving.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { godotPath, ROOT } from '../ci/harness/godot.ts';
import { type RunningServer, startServer, Watched } from '../ci/harness/processes.ts';
import { Commands, TUTORIAL, tutorialFromReadme, tutorialProject } from '../ci/harness/tutorial-project.ts';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const clean of cleanups.splice(0).reverse()) clean();
});

const WAIT = 20_000;
const TROUBLE = /SCRIPT ERROR|Parse Error|ObjectDB instances leaked/;

function play(dir: string, label: string, ...args: string[]): { godot: Watched; commands: Commands } {
  const commands = new Commands(join(dir, `${label}.commands`));
  const godot = new Watched(spawn(godotPath(), ['--headless', '--path', dir, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHP_COMMANDS: commands.path },
  }), label);
  cleanups.push(() => godot.kill());
  return { godot, commands };
}

/**
 * A player's latest "colours ..." line once it matches [pattern] with every colour known (none
 * still Color.GRAY, bebebe): member data arrives after the squares it paints.
 */
async function colours(player: Watched, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const last = player.lines.filter((l) => l.startsWith('colours ')).at(-1) ?? '';
    if (pattern.test(last) && !last.includes('bebebe')) return last;
    if (Date.now() > deadline) throw new Error(`${player.label}: no ${pattern} without grey; last: ${last}\n${player.tail(40)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A player's latest view of the squares, from its "squares ... players N" lines. */
async function sees(player: Watched, pattern: RegExp): Promise<string> {
  return (await player.waitForLine(new RegExp(`^squares ${pattern.source}`), WAIT)).input!;
}

describe('the addon README\'s first game', () => {
  it('is the tutorial file, block by block', () => {
    expect(tutorialFromReadme()).toBe(readFileSync(resolve(ROOT, TUTORIAL), 'utf8'));
  });

  it('plays a session as written: password, cap, late join, RPCs, a player leaving, the host leaving', async () => {
    const server: RunningServer = await startServer();
    cleanups.push(() => server.process.kill());
    const dir = tutorialProject(`localhost:${server.port}`);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    // Given a host with a password and room for two players
    const host = play(dir, 'host', 'host', 'swordfish');
    const code = (await host.godot.waitForLine(/^share this code: ([A-Z]{4}-[A-Z]{4})$/, WAIT))[1]!;

    // When the first player joins with the password, the game starts with a square each
    const ann = play(dir, 'ann', 'join', code, 'ann', 'swordfish');
    await host.godot.waitForLine(/^ann joined$/, WAIT);
    await ann.godot.waitForLine(/^host joined$/, WAIT);
    await sees(host.godot, /ann@\d+,100 host@\d+,100 players 1$/);
    await sees(ann.godot, /ann@\d+,100 host@\d+,100 players 1$/);

    // And ann's move reaches the host by RPC
    ann.commands.send('move 0 50');
    await sees(host.godot, /ann@\d+,150 host@\d+,100 /);

    // When eve brings the wrong password, the node turns her away: she hears why, the host hears of her
    const eve = play(dir, 'eve', 'join', code, 'eve', 'open sesame');
    await eve.godot.waitForLine(/^failure WRONG_PASSWORD$/, WAIT);
    await eve.godot.waitForLine(/^failed: \S.*/, WAIT);
    await host.godot.waitForLine(/^refused eve: wrong_password$/, WAIT);

    // When bob joins the running game, everyone sees everyone, where they are
    const bob = play(dir, 'bob', 'join', code, 'bob', 'swordfish');
    await host.godot.waitForLine(/^bob joined$/, WAIT);
    await ann.godot.waitForLine(/^bob joined$/, WAIT);
    await sees(bob.godot, /ann@\d+,150 bob@\d+,100 host@\d+,100 players 2$/);
    bob.commands.send('move 0 -30');
    await sees(ann.godot, /ann@\d+,150 bob@\d+,70 host@\d+,100 players 2$/);

    // And each square has the colour its owner chose (its member data), the same on every machine
    const painted = await Promise.all([host, ann, bob].map((side) => colours(side.godot, /^colours ann=\w{6} bob=\w{6} host=\w{6}$/)));
    expect(new Set(painted).size, `every machine paints the squares alike: ${painted.join(' / ')}`).toBe(1);

    // When carl brings the right password with the session full, the node turns him away too
    const carl = play(dir, 'carl', 'join', code, 'carl', 'swordfish');
    await carl.godot.waitForLine(/^failure SESSION_FULL$/, WAIT);
    await host.godot.waitForLine(/^refused carl: full$/, WAIT);

    // When ann leaves, the host and bob hear it and her square goes
    ann.commands.send('leave');
    await ann.godot.waitForLine(/^left$/, WAIT);
    await host.godot.waitForLine(/^ann left \(left\)$/, WAIT);
    await bob.godot.waitForLine(/^ann left \(left\)$/, WAIT);
    await sees(bob.godot, /bob@\d+,70 host@\d+,100 players 1$/);

    // When the host leaves, bob hears the host leave and the game end, and knows no one
    host.commands.send('leave');
    await bob.godot.waitForLine(/^host left \(left\)$/, WAIT);
    await bob.godot.waitForLine(/^failure HOST_LEFT$/, WAIT);
    await sees(bob.godot, /.*players 0$/);

    for (const side of [host, ann, bob, eve, carl]) {
      expect(side.godot.lines.filter((l) => TROUBLE.test(l)), side.godot.label).toEqual([]);
    }
    expect(host.godot.lines.filter((l) => /^failed: /.test(l)), 'the host fails nothing').toEqual([]);
    expect(ann.godot.lines.filter((l) => /^(eve|carl) joined$/.test(l)), 'refused players never reach the others').toEqual([]);
  }, 180_000);
});
