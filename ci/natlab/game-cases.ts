/**
 * Lab cases for what a game gets from the node: the README's first snippet as written (the ready
 * peer, which starts ENet itself) through loss, session after session; a late joiner behind
 * its own NAT joining a running game; late joiners with a wrong and a right password; and a player
 * whose router forgets its mappings mid-game, back in the same game under the same key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { godotPath, ROOT } from '../harness/godot.ts';
import { Watched } from '../harness/processes.ts';
import { idMismatch, SNIPPET, SNIPPET_LINES, snippetArgs, snippetProject } from '../harness/snippet-project.ts';
import { type Impairment, type Lab, type NatKind, SERVER_IP } from './lab.ts';
import { type Case, expect } from './expectations.ts';
import { SERVER_PORT, startLabPlayer, startRejoinGame } from './sessions.ts';
import { milestones, milestoneSummary, timeline, TRACE_ENV } from './timeline.ts';
import type { PlayerEvent } from '../harness/processes.ts';

/** Sessions in a row for the README's snippet through loss (SHP_READY_PEER_SESSIONS, default 20). */
const SESSIONS = Number(process.env.SHP_READY_PEER_SESSIONS ?? 20);
/** Seconds a snippet session may take from join(code) to RPCs both ways. */
const SNIPPET_BOUND = 45;

export function gameCases(impaired: Impairment): Case[] {
  const twoNats = { routers: [{ name: 'r1', nat: 'preserving' as const, hosts: ['h1'] }, { name: 'r2', nat: 'preserving' as const, hosts: ['c1'] }], impair: impaired };
  return [
    {
      name: `6a. the README's first snippet as written (${SNIPPET}), two port-preserving NATs, ${SESSIONS} sessions, RPCs both ways (20% loss, 5% duplication, 30±10 ms delay)`,
      spec: twoNats,
      run: async (lab: Lab) => {
        // The game names the lab server by its address, as a game names its server by name.
        const dir = snippetProject(`${SERVER_IP}:${SERVER_PORT}`); // Imported once: Godot's import is slow.
        try {
          const times: number[] = [];
          const failures: string[] = [];
          const steps: Array<Map<string, number>> = [];
          for (let i = 1; i <= SESSIONS; i++) {
            const { outcome, times: at, attempts } = await snippetSession(lab, dir, i);
            steps.push(at);
            if (typeof outcome === 'number') times.push(outcome);
            else failures.push(outcome);
            console.log(`       session ${i}: ${typeof outcome === 'number' ? `${outcome.toFixed(2)} s to RPCs both ways` : 'FAILED'}, ${attempts} ENet attempt(s)`);
          }
          console.log('       from join(code), per step:');
          for (const line of milestoneSummary(steps)) console.log(`         ${line}`);
          times.sort((a, b) => a - b);
          const at = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!.toFixed(2);
          const stats = times.length ? `p50 ${at(0.5)} s, p95 ${at(0.95)} s, max ${at(1)} s` : 'none connected';
          console.log(`       README snippet: connected ${times.length}/${SESSIONS}, join(code) to RPCs both ways ${stats}`);
          expect(failures.length === 0, failures.join('\n'));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
    lateCase('6b. a late joiner behind its own NAT joins a running game (direct), RPCs both ways with the host', 'preserving'),
    lateCase('6c. a late joiner behind a port-randomising NAT joins a running game through the relay, RPCs both ways with the host', 'random'),
    latePasswordCase(),
    hostGoneCase('quit'),
    hostGoneCase('kill'),
    flushedCase('preserving'),
    flushedCase('random'),
  ];
}

/** Seconds from a router's flush to its player back in the game (its ticks answered again) under the same key. */
const FLUSHED_BOUND = 3;
/** The program that empties a namespace's connection tracking (every NAT mapping), as `conntrack -F` does. */
const CONNTRACK_FLUSH = resolve(ROOT, 'ci/natlab/conntrack_flush.py');

/**
 * The tiny rejoin game (`godot-demo/snippets/rejoin_game.gd`: rejoin_grace 10 s, game_timeout 1 s)
 * with its host behind a port-preserving NAT and ann behind a NAT of [nat]; mid-game ann's router
 * forgets every mapping (its conntrack table flushed). A port-preserving router maps ann's next
 * datagram to the same port, and the game may never notice; a port-randomising one maps it to
 * another, which the host's game port does not let in: both sides go silent, ann rejoins (through
 * the relay, as a port-randomising joiner does) and is back under the same key.
 */
function flushedCase(nat: NatKind): Case {
  return {
    name: `6${nat === 'preserving' ? 'g' : 'h'}. a player whose ${nat === 'preserving' ? 'port-preserving' : 'port-randomising'} router's mappings are flushed mid-game is back in the same game under the same key within ${FLUSHED_BOUND} s`,
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat, hosts: ['c1'] }] },
    run: async (lab: Lab, key: string) => {
      const rejoinGame = (node: string, args: string[]): Watched => startRejoinGame(lab, node, args);
      const host = rejoinGame('h1', ['host', key]);
      let ann: Watched | undefined;
      try {
        const code = (await host.waitForLine(/^code ([a-z]+)$/, 30_000))[1]!;
        ann = rejoinGame('c1', ['join', code, 'ann']);
        const annKey = (await host.waitForLine(/^joined ann ([a-z]{12}) path=\w+$/, 30_000))[1]!;
        await ann.waitForLine(/^tock \d+$/, 30_000);
        const tocks = (): number => ann!.lines.filter((l) => l.startsWith('tock ')).length;
        const before = tocks();
        const flush = new Watched(lab.spawn('r2', 'python3', [CONNTRACK_FLUSH]), 'conntrack flush@r2');
        await flush.waitForLine(/^flushed$/, 5_000);
        const flushed = Date.now();
        // Back: a tick sent after the flush answered (ticks go every half second: the second tock after).
        const deadline = flushed + 20_000;
        while (tocks() < before + 2 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
        const back = (Date.now() - flushed) / 1000;
        const dropped = host.lines.some((l) => l === `left ann ${annKey} dropped`);
        const paths = host.lines.filter((l) => l.startsWith('joined ann ')).map((l) => l.split('path=')[1]);
        console.log(`       ann ${dropped ? `dropped and rejoined (paths ${paths.join(', then ')})` : `never dropped (path ${paths.join()})`}: ticks answered again ${back.toFixed(2)} s after the flush`);
        expect(tocks() >= before + 2, `ann not back within 20 s\nhost:\n${host.tail(15)}\nann:\n${ann.tail(15)}`);
        expect(back < FLUSHED_BOUND, `back after ${back.toFixed(2)} s, over ${FLUSHED_BOUND} s\nhost:\n${host.tail(15)}\nann:\n${ann.tail(15)}`);
        const keys = host.lines.filter((l) => l.startsWith('joined ann ')).map((l) => l.split(' ')[2]);
        expect(keys.every((k) => k === annKey), `the host knew ann under one key: ${keys.join(', ')}`);
        expect(!host.lines.some((l) => l === `left ann ${annKey} left`) && !ann.lines.some((l) => l.startsWith('failed')), `ann stayed in the game\nhost:\n${host.tail(15)}`);
        if (nat === 'random') expect(dropped && keys.length === 2, `the port-randomising router moved ann's mapping: dropped and rejoined\nhost:\n${host.tail(15)}`);
      } finally {
        host.kill();
        ann?.kill();
      }
    },
  };
}

/** Seconds within which every client hears HOST_LEFT: a host that quits says so at once; a crashed one is missed for game_timeout (5 s). */
const HOST_GONE_BOUND = { quit: 2, kill: 5 + 2 } as const;

/** A host whose game runs with two players, each behind a NAT of its own, quits (get_tree().quit()) or is killed mid-game. */
function hostGoneCase(how: 'quit' | 'kill'): Case {
  const bound = HOST_GONE_BOUND[how];
  return {
    name: `6${how === 'quit' ? 'e' : 'f'}. a host ${how === 'quit' ? 'whose game quits' : 'killed'} mid-game, three port-preserving NATs: both clients hear HOST_LEFT within ${bound} s`,
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'preserving', hosts: ['c1'] }, { name: 'r3', nat: 'preserving', hosts: ['c2'] }] },
    run: async (lab: Lab, key: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'shp-lab-gone-'));
      const players = [];
      try {
        const sessionFile = join(dir, 'session');
        const host = startLabPlayer(lab, 'h1', { role: 'host', alias: 'host', serverKey: key, expectPeers: 2, managed: true, leaveOn: how === 'quit' ? 'done' : undefined, timeout: 40 });
        const clients = [['c1', 'ann'], ['c2', 'bob']].map(([node, alias]) => startLabPlayer(lab, node!, { role: 'join', alias: alias!, sessionFile, managed: true, stay: true, timeout: 40 }));
        players.push(host, ...clients);
        writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
        await host.waitForEvent('done', 30_000);
        let goneAt: number;
        if (how === 'kill') {
          goneAt = Date.now() / 1000;
          host.kill();
        } else {
          goneAt = Number((await host.waitForEvent('host_leaving', 5_000)).wall);
        }
        for (const client of clients) {
          const line = await client.waitForLine(/^SHP_EVENT .*"event":"failed"/, 20_000);
          const failed = JSON.parse(line.input!.slice(10)) as { reason: string; wall: number };
          const after = failed.wall - goneAt;
          console.log(`       ${client.label}: ${failed.reason} ${after.toFixed(2)} s after the host ${how === 'quit' ? 'quit' : 'was killed'}`);
          expect(failed.reason === 'HOST_LEFT' && after < bound, `${client.label}: ${failed.reason} after ${after.toFixed(2)} s\n${client.tail(15)}`);
          await client.waitForLine(/^SHP_EVENT \{"event":"players","players":\{\},"wall"/, 5_000);
        }
      } finally {
        for (const p of players) p.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A host with a password whose game runs with one player; late joiners behind their own NAT bring a wrong and a right one. */
function latePasswordCase(): Case {
  return {
    name: '6d. late joiners behind their own NAT: the wrong password is refused by the host\'s node, the right one gets in',
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'preserving', hosts: ['c1'] }, { name: 'r3', nat: 'preserving', hosts: ['c2', 'c3'] }] },
    run: async (lab: Lab, key: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'shp-lab-password-'));
      const players = [];
      try {
        const sessionFile = join(dir, 'session');
        const password = 'swordfish';
        const host = startLabPlayer(lab, 'h1', { role: 'host', alias: 'host', serverKey: key, expectPeers: 1, latePeers: 1, password, timeout: 60 });
        const first = startLabPlayer(lab, 'c1', { role: 'join', alias: 'first', sessionFile, managed: true, password, timeout: 60 });
        players.push(host, first);
        const code = String((await host.waitForEvent('start_session', 20_000)).key);
        writeFileSync(sessionFile, code);
        await host.waitForEvent('rpc_pong', 20_000);
        const wrong = startLabPlayer(lab, 'c2', { role: 'join', alias: 'wrong', session: code, managed: true, password: 'guess', timeout: 30 });
        const failure = JSON.parse((await wrong.waitForLine(/^SHP_EVENT .*"event":"failed"/, 25_000)).input!.slice(10)) as PlayerEvent;
        wrong.kill();
        expect(failure.reason === 'WRONG_PASSWORD', `the wrong password's failure: ${JSON.stringify(failure)}`);
        const right = startLabPlayer(lab, 'c3', { role: 'join', alias: 'right', session: code, managed: true, password, timeout: 30 });
        players.push(right);
        const codes = await Promise.all(players.map((p) => p.exited));
        expect(codes.every((c) => c === 0), `exit codes ${codes.join(',')}\nhost:\n${host.tail(15)}\nright:\n${right.tail(15)}`);
        const refused = host.eventsNamed('player_refused').map((e) => `${String(e.alias)} ${String(e.reason)}`);
        expect(refused.join() === 'wrong wrong_password', `the host refused the wrong one by itself: ${JSON.stringify(refused)}`);
        const joined = host.eventsNamed('player_joined').map((e) => e.alias);
        expect(joined.join() === 'first,right', `only the right ones joined: ${JSON.stringify(joined)}`);
        expect(host.eventsNamed('rpc_pong').map((e) => e.from).sort().join() === 'first,right', 'RPCs with both');
      } finally {
        for (const p of players) p.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A host whose game runs with one player; a late joiner behind a NAT of [lateNat] joins it. */
function lateCase(name: string, lateNat: NatKind): Case {
  return {
    name,
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'preserving', hosts: ['c1'] }, { name: 'r3', nat: lateNat, hosts: ['c2'] }] },
    run: async (lab: Lab, key: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'shp-lab-late-'));
      const players = [];
      try {
        const sessionFile = join(dir, 'session');
        const host = startLabPlayer(lab, 'h1', { role: 'host', alias: 'host', serverKey: key, expectPeers: 1, latePeers: 1, timeout: 40 });
        const first = startLabPlayer(lab, 'c1', { role: 'join', alias: 'first', sessionFile, managed: true, timeout: 40 });
        players.push(host, first);
        const code = String((await host.waitForEvent('start_session', 20_000)).key);
        writeFileSync(sessionFile, code);
        await host.waitForEvent('rpc_pong', 20_000);
        const late = startLabPlayer(lab, 'c2', { role: 'join', alias: 'late', session: code, managed: true, timeout: 30 });
        players.push(late);
        const codes = await Promise.all(players.map((p) => p.exited));
        expect(codes.every((c) => c === 0), `exit codes ${codes.join(',')}\nhost:\n${host.tail(15)}\nlate:\n${late.tail(15)}`);
        const at = lateNat === 'random' ? SERVER_IP : lab.wan('r3'); // Relayed: the relay's address.
        const sawLate = host.eventsNamed('enet_connected').some((e) => e.peer_address === at);
        expect(sawLate, `the host's ENet saw the late joiner at ${at}: ${JSON.stringify(host.eventsNamed('enet_connected'))}`);
        if (lateNat === 'random') expect(late.eventsNamed('peer_path').some((e) => e.path === 'relay'), 'the late joiner went through the relay');
        expect(host.eventsNamed('rpc_pong').map((e) => e.from).sort().join() === 'first,late', 'RPCs with both');
        const joined = host.eventsNamed('player_joined').map((e) => e.alias);
        expect(joined.join() === 'first,late', `the host saw the late joiner's alias: ${JSON.stringify(joined)}`);
        const begin = late.eventsNamed('begin')[0]?.wall;
        const connected = late.eventsNamed('enet_connected')[0]?.wall;
        if (begin !== undefined && connected !== undefined) console.log(`       late joiner: join_session to ENet connected ${((connected - begin) * 1000).toFixed(0)} ms`);
      } finally {
        for (const p of players) p.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * One session of the snippet: its host in h1's namespace, its player in c1's with the host's code.
 * Seconds from the player's join(code) to RPCs both ways, or what went wrong.
 */
async function snippetSession(lab: Lab, dir: string, session: number): Promise<{ outcome: number | string; times: Map<string, number>; attempts: number }> {
  const host = new Watched(lab.spawn('h1', godotPath(), snippetArgs(dir, 'host'), { env: TRACE_ENV }), `snippet host@h1 (session ${session})`);
  let player: Watched | undefined;
  let joined = Date.now();
  const result = (outcome: number | string) => {
    if (!player) return { outcome, times: new Map<string, number>(), attempts: 0 };
    const { times, attempts } = milestones({ host, player }, joined);
    // SHP_TIMELINE_DIR keeps every session's timeline, to read where a slow one spent its time.
    const keep = process.env.SHP_TIMELINE_DIR;
    if (keep) writeFileSync(join(keep, `session-${session}.txt`), `${typeof outcome === 'number' ? `${outcome.toFixed(2)} s` : outcome}\n${timeline({ host, player }, joined).join('\n')}\n`);
    // A failure shows what both sides did, step by step, from the player's join(code).
    const shown = typeof outcome === 'string' ? `${outcome}\n  timeline from join(code):\n${timeline({ host, player }, joined).map((l) => `  ${l}`).join('\n')}` : outcome;
    return { outcome: shown, times, attempts };
  };
  try {
    // Generous: on a busy machine Godot alone can take many seconds to start.
    const code = (await host.waitForLine(SNIPPET_LINES.code, 60_000))[1]!;
    player = new Watched(lab.spawn('c1', godotPath(), snippetArgs(dir, 'join', code), { env: TRACE_ENV }), `snippet player@c1 (session ${session})`);
    await player.waitForLine(SNIPPET_LINES.joining, 60_000);
    joined = player.times[player.lines.findIndex((l) => SNIPPET_LINES.joining.test(l))]!;
    const bound = SNIPPET_BOUND * 1000;
    await Promise.all([host.waitForLine(SNIPPET_LINES.hostGot, bound), player.waitForLine(SNIPPET_LINES.playerGot, bound)]);
    const seconds = (Date.now() - joined) / 1000;
    const trouble = [host, player].flatMap((p) => p.lines.filter((l) => SNIPPET_LINES.trouble.test(l)).map((l) => `${p.label}: ${l}`));
    const ids = idMismatch(host.lines);
    if (ids) trouble.push(`${host.label}: ${ids}`);
    return result(trouble.length === 0 ? seconds : `session ${session}: ${trouble.join('\n')}`);
  } catch (error) {
    const tails = [host, player].flatMap((p) => (p ? [`${p.label}:\n${p.tail(15)}`] : []));
    return result(`session ${session}: ${(error as Error).message.split('\n')[0]}\n${tails.join('\n')}`);
  } finally {
    for (const p of [host, player]) {
      p?.kill();
      await p?.exited;
    }
  }
}
