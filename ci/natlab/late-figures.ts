/**
 * Late joiners into a running game, one after another: a host behind a port-preserving NAT plays
 * with its first player, and [runs] players behind a NAT of [lateNat] join the running game in
 * turn (each plays an RPC both ways and leaves). Each one's time from join_session to its ENet
 * peer connected. A report for figures.ts, not a test. Relayed joiners come [RELAYED_GAP_MS] apart:
 * a host has four relay ports, and the relay of a game that ended gives way only once silent 3 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Player } from '../harness/processes.ts';
import { type NatKind, withLab } from './lab.ts';
import { startLabPlayer, startLabServer, stopLabServer } from './sessions.ts';
import { percentile } from './percentile.ts';

const RELAYED_GAP_MS = 3_500;

export async function measureLateJoiners(runs: number, lateNat: NatKind): Promise<string> {
  const times: number[] = [];
  const paths = new Map<string, number>();
  const spec = { routers: [{ name: 'r1', nat: 'preserving' as const, hosts: ['h1'] }, { name: 'r2', nat: 'preserving' as const, hosts: ['c1'] }, { name: 'r3', nat: lateNat, hosts: ['c2'] }] };
  await withLab(spec, async (lab) => {
    // Every late joiner comes from the same address: each relay idles out only after 30 s.
    const server = await startLabServer(lab, ['--relays-per-ip', '50']);
    const dir = mkdtempSync(join(tmpdir(), 'shp-lab-late-figures-'));
    const players: Player[] = [];
    try {
      const sessionFile = join(dir, 'session');
      const host = startLabPlayer(lab, 'h1', { role: 'host', alias: 'host', serverKey: server.key, expectPeers: 1, latePeers: runs, timeout: 30 + runs * 10 });
      const first = startLabPlayer(lab, 'c1', { role: 'join', alias: 'first', sessionFile, managed: true, timeout: 30 + runs * 10 });
      players.push(host, first);
      const code = String((await host.waitForEvent('start_session', 20_000)).key);
      writeFileSync(sessionFile, code);
      await host.waitForEvent('rpc_pong', 20_000);
      for (let i = 0; i < runs; i++) {
        const late = startLabPlayer(lab, 'c2', { role: 'join', alias: `late${i}`, session: code, managed: true, timeout: 30 });
        players.push(late);
        await late.exited;
        if (lateNat === 'random') await new Promise((r) => setTimeout(r, RELAYED_GAP_MS));
        const begin = late.eventsNamed('begin')[0]?.wall;
        const connected = late.eventsNamed('enet_connected')[0]?.wall;
        const path = String(late.eventsNamed('peer_path')[0]?.path ?? 'none');
        paths.set(path, (paths.get(path) ?? 0) + 1);
        if (begin !== undefined && connected !== undefined) times.push((connected - begin) * 1000);
      }
    } finally {
      for (const p of players) p.kill();
      rmSync(dir, { recursive: true, force: true });
      await stopLabServer(server);
    }
  });
  times.sort((a, b) => a - b);
  const stats = times.length ? `p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms` : 'none connected';
  const via = [...paths].map(([path, n]) => `${n} ${path}`).join(', ');
  return `late joiners behind a ${lateNat === 'random' ? 'port-randomising' : 'port-preserving'} NAT into a running game (host and first player behind port-preserving ones)${lateNat === 'random' ? `, ${RELAYED_GAP_MS / 1000} s apart` : ''}\n  join_session to ENet connected: ${times.length}/${runs} (${via}); ${stats}`;
}
