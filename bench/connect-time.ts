/**
 * Time to connect alone, without the load tables: real headless Godot on loopback, host_session
 * to both ENet peers connected, p50 / p95. `node --import tsx bench/connect-time.ts [runs]`
 * (default 10).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Player, startPlayer } from '../ci/harness/processes.ts';
import { preparePlayers } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SERVER_ARGS = [SERVER_BUNDLE, '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--log-level', 'warn'];
const SERVER_READY = /listening on [\d.]+:(\d+).*server key: ([a-z]{12})/;

async function startServer(): Promise<{ child: ChildProcess; key: string }> {
  const child = spawn(process.execPath, SERVER_ARGS, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const key = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => { const m = SERVER_READY.exec(line); if (m) done(m[2]!); });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return { child, key };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(runs: number): Promise<void> {
  preparePlayers();
  const server = await startServer();
  const connect: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'shp-connect-'));
      const players: Player[] = [];
      try {
        const goFile = join(dir, 'go');
        const sessionFile = join(dir, 'session');
        const host = startPlayer({ role: 'host', alias: 'host', serverKey: server.key, goFile, timeout: 20 });
        const client = startPlayer({ role: 'join', alias: 'client', sessionFile, timeout: 20 });
        players.push(host, client);
        await Promise.all(players.map((p) => p.waitForEvent('ready', 30_000)));
        writeFileSync(goFile, 'go');
        writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
        await Promise.all(players.map((p) => p.exited));
        const begin = host.eventsNamed('begin')[0]!.wall;
        const ends = players.flatMap((p) => p.eventsNamed('enet_connected').map((e) => e.wall));
        if (ends.length === 2) connect.push((Math.max(...ends) - begin) * 1000);
        if (process.env.TIMELINE) for (const p of players) console.log(p === host ? "host" : "client", p.events.map((e) => `${String(e.event)}@${((e.wall - begin) * 1000).toFixed(0)}`).join(" "));
      } finally {
        for (const p of players) p.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    server.child.kill();
  }
  console.log(`host_session → both ENet peers connected (${connect.length}/${runs}): p50 ${percentile(connect, 50).toFixed(0)} ms, p95 ${percentile(connect, 95).toFixed(0)} ms`);
  console.log(`runs: ${connect.map((c) => c.toFixed(0)).join(' ')}`);
}

await main(Number(process.argv[2] ?? 10));
