/**
 * `npm run bench`: throughput against a bare echo server measured in the same run, latency under
 * open-loop load, memory per session, the idle cost of keep-alives, and time to connect in real
 * headless Godot. Prints a table, writes bench/results/latest.json and a chart
 * bench/results/load.svg. Loopback only; every part is bounded in count and time.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { encodeKey } from '../server/src/generated/protocol.ts';
import { type Player, startPlayer } from '../ci/harness/processes.ts';
import { preparePlayers } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
import { renderLoadChart } from './chart.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const LOAD_SECONDS = 4;
// Enough client addresses that each stays under the server's per-address rate limit, as real
// players do (a few datagrams a second each).
const SOCKETS = 4000;

interface LoadResult { answeredPerSecond: number; offeredPerSecond: number | null; lost: number; p50: number; p99: number; max: number }

async function startProcess(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const match = await new Promise<RegExpMatchArray>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => { const m = ready.exec(line); if (m) done(m); });
    child.once('exit', (code) => fail(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, match };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function load(port: number, serverKey: string, mode: 'closed' | 'open', rate?: number): LoadResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify({
    port, serverKey, mode, rate, seconds: LOAD_SECONDS, sockets: SOCKETS, inFlight: 1,
  })], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

const SERVER_ARGS = [SERVER_BUNDLE, '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--log-level', 'warn', '--metrics', '127.0.0.1:0'];
const SERVER_READY = /listening on [\d.]+:(\d+).*server key: ([a-z]{12})/;

async function throughputAndLatency() {
  const server = await startProcess(SERVER_ARGS, SERVER_READY);
  const echo = await startProcess(['--import', 'tsx', 'bench/echo-server.ts'], /echo listening on [\d.]+:(\d+)/);
  const serverPort = Number(server.match[1]);
  const serverKey = server.match[2]!;
  const echoPort = Number(echo.match[1]);
  const idleRss = rssMb(server.child.pid!);
  try {
    // Alternate the two, so that the machine's noise falls on both alike.
    const ours = load(serverPort, serverKey, 'closed');
    const echoMax = load(echoPort, serverKey, 'closed');
    const curve: Array<{ target: string; fraction: number } & LoadResult> = [];
    for (const fraction of [0.1, 0.25, 0.5, 0.75, 0.9, 1.1]) {
      curve.push({ target: 'simple-hole-punch', fraction, ...load(serverPort, serverKey, 'open', Math.round(ours.answeredPerSecond * fraction)) });
      curve.push({ target: 'echo baseline', fraction, ...load(echoPort, serverKey, 'open', Math.round(echoMax.answeredPerSecond * fraction)) });
    }
    return { ours, echo: echoMax, curve, idleRss };
  } finally {
    await stop(server.child);
    await stop(echo.child);
  }
}

function memory(): Array<{ sessions: number; rssMb: number; heapMb: number }> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memory.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** 1,000 hosts sending keep-alives at the client's default rate (every 5 s): the server's CPU. */
async function idleCost(seconds = 20): Promise<{ hosts: number; cpuSecondsPerMinute: number; rssMb: number }> {
  const server = await startProcess(SERVER_ARGS, SERVER_READY);
  const port = Number(server.match[1]);
  const hosts: Array<{ socket: dgram.Socket; id: string }> = [];
  const local = encodeKey({ address: '10.0.0.2', port: 4000 });
  try {
    for (let i = 0; i < 1000; i++) {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((done) => socket.bind(0, `127.4.${i >> 8}.${i & 255}`, done));
      const id = await new Promise<string>((done) => {
        socket.once('message', (d) => done(d.toString().split(':')[2]!));
        socket.send(`HS:${local}`, port, '127.0.0.1');
      });
      hosts.push({ socket, id });
    }
    const before = cpuSeconds(server.child.pid!);
    const started = Date.now();
    // Each host's keep-alive every 5 s, spread evenly over the interval.
    const timers = hosts.map((h, i) => setTimeout(() => {
      const send = () => h.socket.send(`KA:${h.id}`, port, '127.0.0.1');
      send();
      timers.push(setInterval(send, 5000) as unknown as NodeJS.Timeout);
    }, (i * 5000) / hosts.length));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    for (const t of timers) clearTimeout(t);
    const used = cpuSeconds(server.child.pid!) - before;
    return { hosts: hosts.length, cpuSecondsPerMinute: (used / ((Date.now() - started) / 1000)) * 60, rssMb: rssMb(server.child.pid!) };
  } finally {
    for (const h of hosts) h.socket.close();
    await stop(server.child);
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Real headless Godot on loopback: host_session to both ENet peers connected, and to handover. */
async function timeToConnect(runs = 20) {
  const server = await startProcess(SERVER_ARGS, SERVER_READY);
  const key = server.match[2]!;
  const connect: number[] = [];
  const handover: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'shp-bench-'));
      const players: Player[] = [];
      try {
        const goFile = join(dir, 'go');
        const sessionFile = join(dir, 'session');
        const host = startPlayer({ role: 'host', alias: 'host', serverKey: key, goFile, timeout: 20 });
        const client = startPlayer({ role: 'join', alias: 'client', sessionFile, timeout: 20 });
        players.push(host, client);
        await Promise.all(players.map((p) => p.waitForEvent('ready', 30_000)));
        writeFileSync(goFile, 'go');
        writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
        await Promise.all(players.map((p) => p.exited));
        const begin = host.eventsNamed('begin')[0]!.wall;
        const last = (names: string[]) => Math.max(...players.flatMap((p) => names.flatMap((n) => p.eventsNamed(n).map((e) => e.wall))));
        if (players.every((p) => p.eventsNamed('enet_connected').length === 1)) connect.push((last(['enet_connected']) - begin) * 1000);
        handover.push((last(['start_server', 'start_client']) - begin) * 1000);
      } finally {
        for (const p of players) p.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await stop(server.child);
  }
  return {
    runs, connected: connect.length,
    connectP50: percentile(connect, 50), connectP95: percentile(connect, 95),
    handoverP50: percentile(handover, 50), handoverP95: percentile(handover, 95),
  };
}

async function main(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
  console.log(`bench on ${machine}`);
  preparePlayers(); // The Godot half of the benchmark runs the demo's players.
  const load = await throughputAndLatency();
  const mem = memory();
  const idle = await idleCost();
  const connect = await timeToConnect();
  const at = (fraction: number) => load.curve.find((c) => c.target === 'simple-hole-punch' && c.fraction === fraction)!;
  const bytesPerSession = ((mem[2]!.heapMb - mem[0]!.heapMb) * 2 ** 20) / mem[2]!.sessions;
  const rows: Array<[string, string]> = [
    ['answered requests/s, simple-hole-punch (closed loop)', load.ours.answeredPerSecond.toFixed(0)],
    ['answered requests/s, bare echo server (same run)', load.echo.answeredPerSecond.toFixed(0)],
    ['efficiency (ours / echo)', (load.ours.answeredPerSecond / load.echo.answeredPerSecond).toFixed(2)],
    ...[0.25, 0.5, 0.9].map((f): [string, string] => [`latency at ${f * 100}% of max: p50 / p99 / max (ms)`, `${at(f).p50.toFixed(2)} / ${at(f).p99.toFixed(2)} / ${at(f).max.toFixed(2)}`]),
    ...mem.map((m): [string, string] => [`memory with ${m.sessions} sessions (each with a peer): RSS / heap`, `${m.rssMb.toFixed(1)} MB / ${m.heapMb.toFixed(1)} MB`]),
    ['heap bytes per session (100,000 sessions)', bytesPerSession.toFixed(0)],
    ['idle server RSS (process, no sessions)', `${load.idleRss.toFixed(1)} MB`],
    [`idle cost: ${idle.hosts} hosts sending keep-alives every 5 s`, `${idle.cpuSecondsPerMinute.toFixed(2)} CPU s/min, RSS ${idle.rssMb.toFixed(1)} MB`],
    [`time to connect, Godot on loopback (${connect.connected}/${connect.runs}): host_session → ENet connected p50 / p95`, `${connect.connectP50.toFixed(0)} / ${connect.connectP95.toFixed(0)} ms`],
    ['  of which the datagram exchange (→ start_server/start_client) p50 / p95', `${connect.handoverP50.toFixed(0)} / ${connect.handoverP95.toFixed(0)} ms`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), load, memory: mem, bytesPerSession, idle, connect }, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'load.svg'), await renderLoadChart(load.curve));
  console.log(`wrote bench/results/latest.json and bench/results/load.svg`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
