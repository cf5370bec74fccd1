/**
 * `npm run bench`: one table per run, per request type and for the full mix, each against a bare
 * echo server with the rendezvous socket's options, the generator spread over several processes
 * whose own ceiling is printed; then memory per session, the idle process, the idle cost of
 * keep-alives, and a CPU profile of the server at 90% of its mix maximum, summarised into
 * docs/server-profile.md. `--against REF` adds a server built from git commit REF to every row,
 * side by side (the fair way to compare two versions on a shared machine). `--connect` adds time
 * to connect in real headless Godot. Writes bench/results/latest.json. Loopback only; every part
 * is bounded in count and time (a few minutes in all).
 * Options: --against REF, --workers N (generator processes, default 3), --seconds S (per
 * measurement, default 1), --rounds N (closed loops per target, default 3), --only TYPE,TYPE, --no-profile, --connect, --own-core (each target alone on a core and the generator
 * on the others, for every loop), --minimal (adds the minimal rendezvous, bench/minimal-rendezvous.ts, to every row: the floor of a rendezvous in Node).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { encodeKey } from '../server/src/generated/protocol.ts';
import { type Player, startPlayer } from '../ci/harness/processes.ts';
import { preparePlayers, prepareServer } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
import { parseArgs } from 'node:util';
import { summarise, summaryMarkdown } from './profile-summary.ts';
import { coreSplit } from './core-split.ts';
import { buildAt, startServer, stop } from './bench-targets.ts';
import {
  type Contender, formatTable, MINIMAL, perTypeTable, type Row, run, startGenerators, stopGenerators, withClients,
} from './throughput.ts';
import type { Kind } from './load-commands.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');

async function startProcess(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const match = await new Promise<RegExpMatchArray>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => { const m = ready.exec(line); if (m) done(m); });
    child.once('exit', (code) => fail(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, match };
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

function memory(): Array<{ sessions: number; rssMb: number; heapMb: number }> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memory.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** 1,000 hosts sending keep-alives at the client's default rate (every 5 s): the server's CPU. */
async function idleCost(seconds = 10): Promise<{ hosts: number; cpuSecondsPerMinute: number; rssMb: number }> {
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

/** The players' frame rate in the time to connect. */
const CONNECT_FPS = 250;

/**
 * Real headless Godot on loopback: host_session to both ENet peers connected, and to handover, the
 * players kept at 250 fps (as bench/connect-time.ts does: without it headless Godot runs at 145).
 */
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
        const host = startPlayer({ role: 'host', alias: 'host', serverKey: key, goFile, timeout: 20, maxFps: CONNECT_FPS });
        const client = startPlayer({ role: 'join', alias: 'client', sessionFile, timeout: 20, maxFps: CONNECT_FPS });
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

const KINDS: Array<Kind | 'mix'> = ['register', 'join', 'random', 'keepalive', 'badcode', 'relay', 'mix'];

/** The server (from source, so that the profile names its modules) under the mix at [rate]: a summary for docs/. */
async function profile(g: Awaited<ReturnType<typeof startGenerators>>, rate: number, seconds: number, command: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'shp-profile-'));
  try {
    const server = await startServer(['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', 'server/src/main.ts'], 47680);
    let answered = 0;
    const window = { from: 0, to: 0 };
    const micros = () => Number(process.hrtime.bigint() / 1000n);
    try {
      answered = await withClients(g, 'mix', server, false, async () => {
        window.from = micros();
        const result = await run(g, 'mix', server, false, seconds, 'open', rate);
        window.to = micros();
        return result.perSecond;
      });
    } finally {
      await stop(server.child);
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    const summary = summarise(join(dir, file), window);
    return `# Where the server's time goes

A CPU profile of the rendezvous server under the full mix of requests (registrations with their
keep-alive and close, joins by code, random matches, bad codes, relay forwarding) offered at
${Math.round(rate)} a second, 90% of the maximum the same run measured (${Math.round(answered)} a second answered), on
${machineName()}. Self time by function group while the load ran (start-up and set-up left out), as a share
of the time the process was not idle.

Written by \`${command}\` (the profile is \`node --cpu-prof\` on the server process); ${new Date().toISOString().slice(0, 10)}.

${summaryMarkdown(summary)}
The profiler samples the main thread at intervals of wall time, so \`doSend\` holds more than
the CPU a send takes: on loopback a send delivers into the receiving socket and wakes the process
that reads it, and on a busy machine the scheduler may run that process before the sender
resumes. The echo baseline spends most of its time in \`doSend\` too. The CPU time per request
(user and system, from \`/proc\`) is in [the benchmarks](benchmarks.md); at the same offered rate
the two spend the same system time, and the server's extra is user time: its own work.
`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function machineName(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      against: { type: 'string' }, workers: { type: 'string', default: '3' }, seconds: { type: 'string', default: '1' }, rounds: { type: 'string', default: '3' },
      only: { type: 'string' }, 'no-profile': { type: 'boolean', default: false }, connect: { type: 'boolean', default: false },
      'own-core': { type: 'boolean', default: false }, minimal: { type: 'boolean', default: false },
    },
  });
  const machine = machineName();
  console.log(`bench on ${machine}`);
  if (args.connect) preparePlayers();
  else prepareServer();
  const contenders: Contender[] = [...(args.minimal ? [MINIMAL] : []), { name: 'this', bundle: [SERVER_BUNDLE] }];
  const baseline = args.against ? buildAt(args.against) : null;
  if (baseline) contenders.push({ name: args.against!, bundle: [baseline] });
  const kinds = args.only ? (args.only.split(',') as Array<Kind | 'mix'>) : KINDS;
  const seconds = Number(args.seconds);
  const split = args['own-core'] ? coreSplit() : null;
  if (args['own-core'] && !split) throw new Error('--own-core needs two cores and taskset');
  const g = await startGenerators(Number(args.workers), split?.generator);
  let rows: Row[];
  let profilePage: string | null = null;
  try {
    rows = await perTypeTable(g, contenders, seconds, Number(args.rounds), kinds, split);
    const mix = rows.find((r) => r.kind === 'mix' && r.target === 'this');
    const command = `npm run bench${args.against ? ` -- --against ${args.against}` : ''}`;
    if (mix && !args['no-profile']) profilePage = await profile(g, mix.max * 0.9, 4, command);
  } finally {
    stopGenerators(g);
    if (baseline) rmSync(resolve(baseline, '../../..'), { recursive: true, force: true });
  }
  console.log(`${g.workers.length} generator processes, ${seconds} s per measurement, max/s the median of ${args.rounds} closed loops taken in turn; the echo answers each code as often as the server does`);
  console.log(split
    ? `each target alone on core ${split.target}, the generator on ${split.generator} (its ceiling there)`
    : 'every process on every core');
  console.log(formatTable(rows, g.ceiling));
  const mem = memory();
  const idleRss = await idleProcessRss();
  const idle = await idleCost();
  const connect = args.connect ? await timeToConnect() : null;
  const bytesPerSession = ((mem[2]!.heapMb - mem[0]!.heapMb) * 2 ** 20) / mem[2]!.sessions;
  const more: Array<[string, string]> = [
    ...mem.map((m): [string, string] => [`memory with ${m.sessions} sessions (each with a peer): RSS / heap`, `${m.rssMb.toFixed(1)} MB / ${m.heapMb.toFixed(1)} MB`]),
    ['heap bytes per session (100,000 sessions, each with a peer)', bytesPerSession.toFixed(0)],
    ['idle server RSS (process, no sessions)', `${idleRss.toFixed(1)} MB`],
    [`idle cost: ${idle.hosts} hosts sending keep-alives every 5 s`, `${idle.cpuSecondsPerMinute.toFixed(2)} CPU s/min, RSS ${idle.rssMb.toFixed(1)} MB`],
  ];
  if (connect) {
    more.push([`time to connect, Godot on loopback (${connect.connected}/${connect.runs}): host_session → ENet connected p50 / p95`, `${connect.connectP50.toFixed(0)} / ${connect.connectP95.toFixed(0)} ms`]);
    more.push(['  of which the datagram exchange (→ start_server/start_client) p50 / p95', `${connect.handoverP50.toFixed(0)} / ${connect.handoverP95.toFixed(0)} ms`]);
  }
  const width = Math.max(...more.map((r) => r[0].length));
  for (const [label, value] of more) console.log(`${label.padEnd(width)}  ${value}`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), generatorCeiling: g.ceiling, rows, memory: mem, bytesPerSession, idleRss, idle, connect }, null, 2)}\n`);
  if (profilePage) {
    writeFileSync(join(ROOT, 'docs', 'server-profile.md'), profilePage);
    console.log('wrote docs/server-profile.md');
  }
  console.log('wrote bench/results/latest.json');
}

/** RSS of a server process that has just started and holds nothing. */
async function idleProcessRss(): Promise<number> {
  const server = await startProcess(SERVER_ARGS, SERVER_READY);
  await new Promise((r) => setTimeout(r, 500));
  const rss = rssMb(server.child.pid!);
  await stop(server.child);
  return rss;
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
