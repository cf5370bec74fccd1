/**
 * Lab cases for what a game gets from the node: the ready peer that starts ENet itself
 * (the README's first snippet sets manage_game_peer, as these players do with --managed), through
 * loss, session after session; and a late joiner behind its own NAT joining a running game.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Impairment, type Lab, type NatKind, SERVER_IP } from './lab.ts';
import { type Case, expect } from './expectations.ts';
import { runSession, startLabPlayer } from './sessions.ts';

/** Sessions in a row for the ready peer through loss (SHP_READY_PEER_SESSIONS, default 20). */
const SESSIONS = Number(process.env.SHP_READY_PEER_SESSIONS ?? 20);

export function gameCases(impaired: Impairment): Case[] {
  const twoNats = { routers: [{ name: 'r1', nat: 'preserving' as const, hosts: ['h1'] }, { name: 'r2', nat: 'preserving' as const, hosts: ['c1'] }], impair: impaired };
  return [
    {
      name: `6a. the ready peer (manage_game_peer), two port-preserving NATs, ${SESSIONS} sessions (20% loss, 5% duplication, 30±10 ms delay)`,
      spec: twoNats,
      run: async (lab: Lab, key: string) => {
        const times: number[] = [];
        const failures: string[] = [];
        for (let i = 0; i < SESSIONS; i++) {
          const run = await runSession(lab, key, 'h1', ['c1'], { managed: true, until: 'connected', timeout: 45 });
          if (run.codes.every((c) => c === 0) && run.secondsToConnect !== null) times.push(run.secondsToConnect);
          else failures.push(`session ${i + 1}: exit codes ${run.codes.join(',')}\n${run.clients[0]!.tail(12)}`);
        }
        times.sort((a, b) => a - b);
        console.log(`       ready peer: ${times.length}/${SESSIONS} connected, p50 ${(times[Math.floor(times.length / 2)] ?? NaN).toFixed(2)} s, max ${(times.at(-1) ?? NaN).toFixed(2)} s`);
        expect(failures.length === 0, failures.join('\n'));
      },
    },
    lateCase('6b. a late joiner behind its own NAT joins a running game (direct), RPCs both ways with the host', 'preserving'),
    lateCase('6c. a late joiner behind a port-randomising NAT joins a running game through the relay, RPCs both ways with the host', 'random'),
  ];
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
      } finally {
        for (const p of players) p.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
