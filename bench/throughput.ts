/**
 * Throughput and latency per request type, each against the echo baseline in the same run: the
 * load is spread over several generator processes (bench/load.ts), whose own ceiling against a
 * sink that never answers is measured first. For each type and each target (the echo, this
 * server, and optionally a baseline server built from another commit): a closed loop for the
 * maximum, then open loops at a low fixed rate (the machine's floor) and at 25, 50 and 90% of that
 * maximum for p50 / p99.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { type Started, startEcho, startMinimal, startServer, stop } from './bench-targets.ts';
import { type CoreSplit, pin } from './core-split.ts';
import { binMs, type Kind, type MeasureResult, type SetupCommand, type Target } from './load-commands.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface Row {
  readonly kind: Kind | 'mix';
  readonly label: string;
  readonly target: string;
  /** Answered requests a second in the closed loop (keep-alives: handled a second under a flood). */
  readonly max: number;
  /** The maximum of each round, of which max is the median. */
  readonly maxima: number[];
  /** CPU time the target process spent per request in the closed loops (median of the rounds), µs. */
  readonly cpuMicros: number;
  /** p50 / p99 (ms) at each of LEVELS; null where nothing is answered. */
  readonly latency: Array<{ level: string; offered: number; answeredShare: number; p50: number; p99: number } | null>;
}

/**
 * Offered rate of the first latency column, the same for every target: so low that neither the
 * target nor the generator is busy, its p99 is the machine's own floor (a sleeping core's wake-up,
 * the scheduler), below which no target's p99 at any load can be judged.
 */
export const FLOOR_RATE = 500;
/** The latency columns: the floor, then 25, 50 and 90% of each target's own maximum. */
const LEVELS: ReadonlyArray<{ label: string; offered: (max: number) => number }> = [
  { label: `@${FLOOR_RATE}/s`, offered: () => FLOOR_RATE },
  ...[0.25, 0.5, 0.9].map((fraction) => ({ label: `@${fraction * 100}%`, offered: (max: number) => Math.round(max * fraction) })),
];

/** Clients per generator process, per request type. */
const GROUPS: Record<Kind | 'mix', SetupCommand['groups']> = {
  register: { register: 1000 },
  join: { join: 500 },
  random: { random: 1000 },
  keepalive: { keepalive: 1000 },
  badcode: { badcode: 1000 },
  relay: { relay: 300 },
  mix: { register: 300, join: 150, random: 150, badcode: 150, relay: 100 },
};

export const LABELS: Record<Kind | 'mix', string> = {
  register: 'registration (HS → HR, KA, CS)',
  join: 'join by code (JS → JR + NJ)',
  random: 'random match (RS → HR | JR + NJ)',
  keepalive: 'steady keep-alives (KA, unanswered)',
  badcode: 'a bad code (JS → BK)',
  relay: 'relay forwarding (100 B)',
  mix: 'the full mix',
};

/** What the echo sends per datagram of each code, as the server does for that request type. */
export const ECHO_COPIES: Record<Kind | 'mix', string> = {
  register: '', join: 'JS=2', random: 'RS=1.5', keepalive: '', badcode: '', relay: '',
  // In the mix, a JS is a join (two answers) or a bad code (one) in equal numbers.
  mix: 'JS=1.5,RS=1.5',
};

class Worker {
  private readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly waiting: Array<(line: string) => void> = [];

  constructor() {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  call<T>(command: object): Promise<T> {
    return new Promise<T>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`generator: no answer to ${JSON.stringify(command).slice(0, 80)}`)), 120_000);
      this.waiting.push((line) => {
        clearTimeout(timer);
        done(JSON.parse(line) as T);
      });
      this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  stop(): void {
    this.child.stdin!.end();
    this.child.kill('SIGTERM');
  }
}

/** Datagrams the target has handled: the server's count of keep-alives, or (the echo, the minimal rendezvous) its count of everything. */
async function handled(target: Started): Promise<number> {
  if (target.metricsPort === 0) {
    const socket = dgram.createSocket('udp4');
    const count = await new Promise<number>((done) => {
      socket.once('message', (d) => done(Number(d.toString())));
      socket.send('?', target.port, '127.0.0.1');
    });
    socket.close();
    return count - 1;
  }
  const text = await (await fetch(`http://127.0.0.1:${target.metricsPort}/metrics`)).text();
  return Number(/shp_datagrams_received_total\{code="KA"\} (\d+)/.exec(text)?.[1] ?? 0);
}

function merge(results: MeasureResult[]): MeasureResult {
  const histogram = results[0]!.histogram.map((_, i) => results.reduce((s, r) => s + r.histogram[i]!, 0));
  const sum = (f: (r: MeasureResult) => number) => results.reduce((s, r) => s + f(r), 0);
  return { answered: sum((r) => r.answered), sent: sum((r) => r.sent), lost: sum((r) => r.lost), skipped: sum((r) => r.skipped), histogram };
}

function percentile(histogram: number[], p: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= (p / 100) * total) return binMs(i);
  }
  return binMs(histogram.length - 1);
}

export interface Generators {
  readonly workers: Worker[];
  /** Datagrams a second all generator processes together send to a sink that never answers. */
  readonly ceiling: number;
}

export async function startGenerators(count: number, cpus?: string): Promise<Generators> {
  const workers = Array.from({ length: count }, () => new Worker());
  if (cpus) for (const w of workers) pin(w.pid, cpus); // Its ceiling on those cores alone.
  const sink = dgram.createSocket({ type: 'udp4', recvBufferSize: 4096 });
  await new Promise<void>((done) => sink.bind(0, '127.0.0.1', done));
  // Nothing listens for 'message': the kernel drops what does not fit the small buffer.
  const results = await Promise.all(workers.map((w) => w.call<{ sent: number }>({ op: 'sink', port: sink.address().port, seconds: 1 })));
  sink.close();
  return { workers, ceiling: results.reduce((s, r) => s + r.sent, 0) };
}

export function stopGenerators(g: Generators): void {
  for (const w of g.workers) w.stop();
}

/** One set-up of [kind]'s clients against [target], [body] run on it, and the clients closed. */
export async function withClients<T>(g: Generators, kind: Kind | 'mix', target: Started, echo: boolean, body: () => Promise<T>): Promise<T> {
  const t: Target = { port: target.port, serverKey: target.key, echo };
  await Promise.all(g.workers.map((w, worker) => w.call({ op: 'setup', worker, target: t, groups: GROUPS[kind] })));
  try {
    return await body();
  } finally {
    await Promise.all(g.workers.map((w) => w.call({ op: 'teardown' })));
  }
}

/** One run on clients already set up: answered requests a second (keep-alives: handled ones) and the merged histogram. */
export async function run(g: Generators, kind: Kind | 'mix', target: Started, echo: boolean, seconds: number, mode: 'closed' | 'open' | 'flood', rate?: number) {
  const before = kind === 'keepalive' ? await handled(target) : 0;
  const cpuBefore = cpuSeconds(target.child.pid!);
  const results = await Promise.all(g.workers.map((w) => w.call<MeasureResult>({ op: 'measure', mode, rate: rate && rate / g.workers.length, seconds })));
  const cpu = cpuSeconds(target.child.pid!) - cpuBefore;
  const merged = merge(results);
  // Keep-alives are never answered: what the target handled in the window (and the warm-up, pro rata) is its throughput.
  const handledAll = kind === 'keepalive' ? (await handled(target)) - before : 0;
  const count = kind === 'keepalive' ? handledAll * (seconds / (seconds + 0.3)) : merged.answered;
  // CPU time per request over the whole run (warm-up included, as are its requests: answered ones are counted in the window only, so scale).
  const requests = kind === 'keepalive' ? handledAll : merged.answered * ((seconds + 0.3) / seconds);
  return { merged, perSecond: count / seconds, cpuMicros: requests > 0 ? (cpu * 1e6) / requests : NaN };
}

/** CPU seconds (user + system) a process has used, from /proc: what the noise of other processes does not change much. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;


/** A server to measure: a bundle (with the benchmark's limits), or the minimal rendezvous. */
export interface Contender { readonly name: string; readonly bundle: string[] | 'minimal' }

export const MINIMAL: Contender = { name: 'minimal', bundle: 'minimal' };

/** [contender] started, its relay ports from [relayBase]. */
export function startContender(contender: Contender, relayBase: number): Promise<Started> {
  return contender.bundle === 'minimal' ? startMinimal() : startServer(contender.bundle, relayBase);
}

/**
 * Every request type, then the mix. For each, a fresh echo and a fresh server of each contender
 * (so no type inherits another's sessions). The machine may be shared and noisy: each target's
 * maximum is the median of [rounds] closed loops taken in turn (echo, this, baseline, echo, ...),
 * so that noise falls on all alike; then each gets its open loops at fractions of its maximum.
 */
export async function perTypeTable(g: Generators, contenders: Contender[], seconds: number, rounds: number, kinds: Array<Kind | 'mix'>, split: CoreSplit | null = null): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of kinds) {
    const targets: Array<{ name: string; echo: boolean; started: Started }> = [];
    try {
      targets.push({ name: 'echo', echo: true, started: await startEcho(ECHO_COPIES[kind]) });
      for (const [i, contender] of contenders.entries()) {
        targets.push({ name: contender.name, echo: false, started: await startContender(contender, 47600 + i * 10) });
      }
      if (split) for (const t of targets) pin(t.started.child.pid!, split.target);
      const maxima = targets.map(() => [] as number[]);
      const cpus = targets.map(() => [] as number[]);
      for (let round = 0; round < rounds; round++) {
        for (const [i, t] of targets.entries()) {
          const closed = await withClients(g, kind, t.started, t.echo, () => run(g, kind, t.started, t.echo, seconds, kind === 'keepalive' ? 'flood' : 'closed'));
          maxima[i]!.push(closed.perSecond);
          cpus[i]!.push(closed.cpuMicros);
        }
      }
      for (const [i, t] of targets.entries()) {
        const max = median(maxima[i]!);
        const latency = await withClients(g, kind, t.started, t.echo, async () => {
          const out: Row['latency'] = [];
          for (const level of LEVELS) {
            const offered = level.offered(max);
            const open = await run(g, kind, t.started, t.echo, seconds, 'open', offered);
            out.push({
              level: level.label, offered, answeredShare: open.perSecond / offered,
              p50: percentile(open.merged.histogram, 50), p99: percentile(open.merged.histogram, 99),
            });
          }
          return out;
        });
        rows.push({ kind, label: LABELS[kind], target: t.name, max, maxima: maxima[i]!, cpuMicros: median(cpus[i]!), latency });
      }
    } finally {
      for (const t of targets) await stop(t.started.child);
    }
    process.stderr.write(`  measured ${kind}\n`);
  }
  return rows;
}

/** The table: per type, each target's maximum and its ratio to the echo, and latencies. */
export function formatTable(rows: Row[], ceiling: number): string {
  const out: string[] = [];
  const targets = [...new Set(rows.map((r) => r.target))];
  const fmt = (n: number) => (Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(2) : n.toFixed(1));
  out.push(`generator ceiling: ${Math.round(ceiling)} datagrams/s sent to a sink that never answers (all generator processes)`);
  const header = ['request type', 'target', 'max/s', '× echo', 'rounds (k/s)', 'CPU µs/req', 'echo/this CPU', ...LEVELS.map((l) => `p50 / p99 ms ${l.label}`)];
  const lines: string[][] = [header];
  for (const kind of [...new Set(rows.map((r) => r.kind))]) {
    const echo = rows.find((r) => r.kind === kind && r.target === 'echo')!;
    for (const target of targets) {
      const r = rows.find((x) => x.kind === kind && x.target === target);
      if (!r) continue;
      lines.push([
        target === 'echo' ? r.label : '', target, Math.round(r.max).toString(), target === 'echo' ? '' : (r.max / echo.max).toFixed(2),
        r.maxima.map((m) => (m / 1000).toFixed(1)).join(' '),
        r.cpuMicros.toFixed(1), target === 'echo' ? '' : (echo.cpuMicros / r.cpuMicros).toFixed(2),
        ...r.latency.map((l) => (l ? `${fmt(l.p50)} / ${fmt(l.p99)}${l.answeredShare < 0.98 ? ` (${Math.round(l.answeredShare * 100)}% ans.)` : ''}` : '—')),
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const l of lines) out.push(l.map((c, i) => ((i >= 2 && i <= 3) || i === 5 || i === 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  return out.join('\n');
}
