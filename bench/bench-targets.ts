/**
 * The targets a benchmark measures, each its own process: a server from a bundle (this tree's, or
 * one built from another commit) with the benchmark's limits, the echo baseline, or the minimal
 * rendezvous (the floor of a rendezvous in Node).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freeTcpPort } from '../ci/harness/free-tcp-port.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Limits that would refuse a benchmark's honest load from a few thousand loopback addresses
 * (random matches and failed joins a minute, relay bandwidth): raised alike for every server, so
 * every check still runs and costs what it costs. The per-address rate limits stay as they are.
 */
const BENCH_FLAGS = [
  '--matches-per-ip', '1000000', '--matches-per-net', '1000000', '--failed-joins-per-ip', '1000000', '--failed-joins-per-net', '1000000',
  '--failed-joins', '10000000', '--max-relays', '100000', '--relay-bandwidth', '1000mb', '--relay-total-bandwidth', '1000mb', '--log-level', 'warn',
];

/** A server bundle built from git commit [ref] in a temporary directory (the baseline of a comparison). */
export function buildAt(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shp-baseline-'));
  execFileSync('sh', ['-c', `git archive ${JSON.stringify(ref)} server | tar -x -C ${JSON.stringify(dir)}`], { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [join(dir, 'server/src/main.ts'), '--bundle', '--platform=node', '--format=esm',
    '--packages=external', '--log-level=warning', `--outfile=${join(dir, 'server/dist/main.mjs')}`], { cwd: dir });
  return join(dir, 'server/dist/main.mjs');
}

export interface Started { readonly child: ChildProcess; readonly port: number; readonly key: string; readonly metricsPort: number }

async function started(child: ChildProcess, ready: RegExp): Promise<RegExpMatchArray> {
  return new Promise<RegExpMatchArray>((done, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = ready.exec(line);
      if (m) done(m);
    });
    child.once('exit', (code) => fail(new Error(`exited with ${code} before it listened`)));
  });
}

/** A server from [bundle] (or [args] before it, e.g. to profile), with the benchmark's limits. */
export async function startServer(bundle: string[], relayBase: number, extra: string[] = []): Promise<Started> {
  const metricsPort = await freeTcpPort();
  const child = spawn(process.execPath, [...bundle, '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1',
    '--relay-ports', `${relayBase}-${relayBase + 3}`, '--metrics', `127.0.0.1:${metricsPort}`, ...BENCH_FLAGS, ...extra],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await started(child, /listening on [\d.]+:(\d+).*server key: ([a-z]{12})/);
  return { child, port: Number(m[1]), key: m[2]!, metricsPort };
}

export async function startEcho(copies: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/echo-server.ts', ...(copies ? ['--copies', copies] : [])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await started(child, /echo listening on [\d.]+:(\d+)/);
  return { child, port: Number(m[1]), key: 'cycycycyahah', metricsPort: 0 };
}

/** The minimal rendezvous (bench/minimal-rendezvous.ts): no metrics port, it counts datagrams as the echo does. */
export async function startMinimal(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/minimal-rendezvous.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await started(child, /listening on [\d.]+:(\d+).*server key: ([a-z]{12})/);
  return { child, port: Number(m[1]), key: m[2]!, metricsPort: 0 };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
