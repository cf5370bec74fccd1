/**
 * The real server bundle as a child process on ephemeral ports, with relays on, its options
 * scaled so that each attack bites at a rate two shared cores can offer. Reads what the server
 * says about itself: its key, its warnings, its counters (Prometheus /metrics), its memory.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { prepareServer } from '../harness/prepare.ts';
import { startServer as startHarnessServer } from '../harness/processes.ts';
import { SERVER_BUNDLE } from '../harness/server-build.ts';
import type { Endpoint } from '../../server/src/generated/protocol.ts';
import { freeTcpPort } from '../harness/free-tcp-port.ts';

/** Options that make the attacks bite at modest rates; each is stated in the report. */
export const SCALED_OPTIONS = {
  // Spoofed HS at a few hundred a second fill this in seconds; the default 100,000 would take minutes.
  'max-sessions': '3000',
  // Short enough that junk which starves keep-alives expires a session within the run.
  expiry: '20s',
  'sweep-interval': '1s',
  // Small paced datagrams from 8 attacker relays exceed this at about 1,600 datagrams a second.
  'relay-total-bandwidth': '512kb',
} as const;

export interface RunningServer {
  readonly child: ChildProcess;
  readonly main: Endpoint;
  readonly serverKey: string;
  /** Every port the server may relay on (the whole range, or the small set). */
  readonly relayPorts: readonly number[];
  readonly relayOption: string;
  readonly metricsUrl: string;
  readonly args: readonly string[];
  /** Warning lines by event name (pino's msg), and stderr, for the report. */
  readonly events: Map<string, number>;
  readonly stderr: string[];
  readonly stdout: string[];
  exitedAt: number | null;
  exit: string | null;
}

/** How this build of the server takes relay ports, read from its --help. */
function relayPortsOption(bundle: string): { size: number; form: 'range' | 'list' } {
  const help = execFileSync(process.execPath, [bundle, '--help'], { encoding: 'utf8' });
  const line = help.split('\n').find((l) => /^\s*--relay-ports\s/.test(l)) ?? '';
  const shown = /default (\S+)/.exec(line)?.[1] ?? '';
  const range = /^(\d+)-(\d+)$/.exec(shown);
  if (range) return { size: Number(range[2]) - Number(range[1]) + 1, form: 'range' };
  const list = shown.split(',').filter((p) => /^\d+$/.test(p));
  if (list.length > 0) return { size: list.length, form: 'list' };
  throw new Error(`cannot read the relay ports' default from --help: ${line}`);
}

async function udpPortFree(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  return new Promise((done) => {
    socket.once('error', () => { socket.close(); done(false); });
    socket.bind(port, '127.0.0.1', () => socket.close(() => done(true)));
  });
}

/** [size] free consecutive UDP ports below the kernel's ephemeral range (so nothing takes them meanwhile). */
async function freePortBlock(size: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * (32_000 - 20_000 - size));
    const ports = Array.from({ length: size }, (_, i) => first + i);
    let free = true;
    for (const port of ports) if (!(await udpPortFree(port))) { free = false; break; }
    if (free) return ports;
  }
  throw new Error(`no ${size} free consecutive UDP ports`);
}

/**
 * Starts this tree's bundle (built first), or [bundle] when given (another build, as it is); in
 * group [gid] when given, so that the node watch counts what it sends.
 */
export async function startServer(bundle?: string, gid?: number): Promise<RunningServer> {
  if (!bundle) prepareServer();
  const relay = relayPortsOption(bundle ?? SERVER_BUNDLE);
  const relayPorts = await freePortBlock(relay.size);
  const relayOption = relay.form === 'range' ? `${relayPorts[0]}-${relayPorts.at(-1)}` : relayPorts.join(',');
  const metricsPort = await freeTcpPort();
  const args = [
    '--relay-ports', relayOption, '--log-level', 'warn', '--metrics', `127.0.0.1:${metricsPort}`,
    ...Object.entries(SCALED_OPTIONS).flatMap(([flag, value]) => [`--${flag}`, value]),
  ];
  const started = await startHarnessServer(args, { bundle, gid });
  const lines = started.process.lines;
  const json = (line: string) => line.startsWith('{');
  const server: RunningServer = {
    child: started.process.child, main: { address: '127.0.0.1', port: started.port }, serverKey: started.key, relayPorts, relayOption,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, args,
    get events() {
      const events = new Map<string, number>();
      for (const line of lines.filter(json)) {
        try {
          const msg = String((JSON.parse(line) as { msg?: unknown }).msg);
          events.set(msg, (events.get(msg) ?? 0) + 1);
        } catch { /* not a log line */ }
      }
      return events;
    },
    get stderr() { return lines.filter((l) => l.startsWith('[stderr] ')).map((l) => l.slice('[stderr] '.length)); },
    get stdout() { return lines.filter((l) => !json(l) && !l.startsWith('[stderr] ')); },
    exitedAt: null, exit: null,
  };
  started.process.child.once('exit', (code, signal) => {
    server.exitedAt = Date.now();
    server.exit = signal ? `signal ${signal}` : `code ${code}`;
  });
  return server;
}

export function alive(server: RunningServer): boolean {
  return server.exitedAt === null;
}

/** The server's counters from /metrics: `name{label="x"}` to value; empty when it does not answer. */
export async function scrapeMetrics(server: RunningServer): Promise<Map<string, number>> {
  const counters = new Map<string, number>();
  try {
    const response = await fetch(server.metricsUrl, { signal: AbortSignal.timeout(2000) });
    for (const line of (await response.text()).split('\n')) {
      const match = /^(shp_[a-z_]+(?:\{[^}]*\})?) ([\d.e+-]+)$/.exec(line);
      if (match) counters.set(match[1]!, Number(match[2]));
    }
  } catch { /* dead or busy: the caller reports what it has */ }
  return counters;
}

/** Resident memory of [pid] in MB: now (VmRSS) and the kernel's high-water mark (VmHWM). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** CPU seconds [pid] has used (user + system), from /proc (clock ticks of 1/100 s on Linux). */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** SIGTERM, then the summary line the server logs on the way out. */
export async function stopServer(server: RunningServer): Promise<string> {
  if (alive(server)) {
    const exited = new Promise((done) => server.child.once('exit', done));
    server.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (alive(server)) server.child.kill('SIGKILL');
  }
  return server.stdout.find((l) => l.includes('stopped on')) ?? '(no summary: the server did not stop cleanly)';
}
