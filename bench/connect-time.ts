/**
 * Time to connect alone, without the load tables: real headless Godot on loopback, host_session
 * to both ENet peers connected, p50 / p95. `node --import tsx bench/connect-time.ts [runs]`
 * (default 10); `FPS=60` runs both players at that frame rate (default 250; the players keep it
 * exactly, where headless Godot would otherwise sleep 6.9 ms a frame and run at 145 fps at most);
 * `MANAGED=1` lets the HolePunch node start ENet and authenticate the players (manage_game_peer,
 * as the README's snippet does) instead of the game starting plain ENet; `TIMELINE=1` prints each
 * event's time per side (with `SHP_TRACE=1`, each step of the game connection is in the output).
 *
 * The server takes its ports as a deployment's defaults do (the probe port right after the
 * rendezvous port, where a node's NAT diagnosis asks before the server names it), on a free
 * stretch of ports. The harness's own delay, from the host's code to the client reading it from
 * the file it polls, is inside the total and is reported beside it: a frame of the client's at most
 * (it reads the file each frame), no more than a code handed over within one game would take.
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
const SERVER_READY = /listening on [\d.]+:(\d+).*server key: ([a-z]{12})/;
const FPS = Number(process.env.FPS ?? 0) || 250;
const MANAGED = Boolean(process.env.MANAGED);

/** The server on a port P, with relay (and so probe) ports P+1 to P+4; another P when those are taken. */
async function startServer(): Promise<{ child: ChildProcess; key: string }> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const args = [SERVER_BUNDLE, '--port', String(port), '--relay-ports', `${port + 1}-${port + 4}`,
      '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const key = await new Promise<string>((done, fail) => {
        createInterface({ input: child.stdout! }).on('line', (line) => { const m = SERVER_READY.exec(line); if (m) done(m[2]!); });
        child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
      });
      return { child, key };
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/** The player's SHP_TRACE steps, each at its time in ms from [begin] (unix seconds). */
function traced(name: string, lines: readonly string[], begin: number): string {
  const steps = lines.map((line) => /^SHP_TRACE ([\d.]+) (.*)$/.exec(line)).filter((m) => m !== null);
  return steps.map((m) => `  ${name} ${((Number(m[1]) - begin) * 1000).toFixed(0).padStart(4)} ${m[2]}`).join('\n');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(runs: number): Promise<void> {
  preparePlayers();
  const server = await startServer();
  const connect: number[] = [];
  const handoff: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'shp-connect-'));
      const players: Player[] = [];
      try {
        const goFile = join(dir, 'go');
        const sessionFile = join(dir, 'session');
        const host = startPlayer({ role: 'host', alias: 'host', serverKey: server.key, goFile, timeout: 20, maxFps: FPS, managed: MANAGED });
        const client = startPlayer({ role: 'join', alias: 'client', sessionFile, timeout: 20, maxFps: FPS, managed: MANAGED });
        players.push(host, client);
        await Promise.all(players.map((p) => p.waitForEvent('ready', 30_000)));
        writeFileSync(goFile, 'go');
        writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
        await Promise.all(players.map((p) => p.exited));
        const begin = host.eventsNamed('begin')[0]!.wall;
        const ends = players.flatMap((p) => p.eventsNamed('enet_connected').map((e) => e.wall));
        if (ends.length === 2) connect.push((Math.max(...ends) - begin) * 1000);
        const code = host.eventsNamed('start_session')[0]?.wall;
        const read = client.eventsNamed('code_read')[0]?.wall;
        if (code !== undefined && read !== undefined) handoff.push((read - code) * 1000);
        if (process.env.TIMELINE) for (const p of players) console.log(p === host ? 'host' : 'client', p.events.map((e) => `${String(e.event)}@${((e.wall - begin) * 1000).toFixed(0)}`).join(' '));
        if (process.env.TIMELINE && process.env.SHP_TRACE) for (const p of players) console.log(traced(p === host ? 'host' : 'client', p.lines, begin));
      } finally {
        for (const p of players) p.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    server.child.kill();
  }
  console.log(`host_session → both ENet peers connected${MANAGED ? ' (managed game)' : ''} at ${FPS} fps (${connect.length}/${runs}): p50 ${percentile(connect, 50).toFixed(0)} ms, p95 ${percentile(connect, 95).toFixed(0)} ms`);
  console.log(`of which the harness handing the code to the client (host's start_session → client read the file): p50 ${percentile(handoff, 50).toFixed(0)} ms, p95 ${percentile(handoff, 95).toFixed(0)} ms`);
  console.log(`runs: ${connect.map((c) => c.toFixed(0)).join(' ')}`);
}

await main(Number(process.argv[2] ?? 10));
