/**
 * CPU time per request: the echo baseline, this server and (with --against REF) one built from git
 * commit REF, in closed loops taken in turn (echo, this, REF, echo, ...) on targets started once
 * per request type: user and system time of each process from /proc, the median of the rounds. On
 * a machine shared with other work the rates of `npm run bench` move by a third between rounds;
 * CPU time per request moves far less. "echo/this" is the echo's user + system time per request
 * over this server's: the share of a bare socket's work the server does.
 * `--own-core` runs each target alone on the machine's last core and the generator on the others, as
 * a server is deployed: its clients are elsewhere, and do not evict its caches between datagrams.
 * `--minimal` adds the minimal rendezvous (bench/minimal-rendezvous.ts: the floor of a rendezvous in
 * Node, without the server's safeguards), and the ratios echo/minimal and minimal/this: how much of
 * the gap to the echo is being a rendezvous at all, and how much the server's own.
 * Usage: node --import tsx bench/cpu-per-request.ts [--against REF] [--minimal] [--only TYPE,TYPE] [--rounds N] [--seconds S] [--own-core]
 */
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareServer } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
import { coreSplit, pin } from './core-split.ts';
import type { Kind } from './load-commands.ts';
import { buildAt, type Started, startEcho, startMinimal, startServer, stop } from './bench-targets.ts';
import { ECHO_COPIES, LABELS, run, startGenerators, stopGenerators, withClients } from './throughput.ts';

const { values: args } = parseArgs({
  options: { against: { type: 'string' }, only: { type: 'string' }, rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '2' }, 'own-core': { type: 'boolean', default: false },
    minimal: { type: 'boolean', default: false } },
});
const kinds = (args.only ?? 'register,join,random,keepalive,badcode,relay,mix').split(',') as Array<Kind | 'mix'>;
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);

/** User and system CPU seconds of a process, from /proc. */
function cpu(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

prepareServer();
const baseline = args.against ? buildAt(args.against) : undefined;
const split = args['own-core'] ? coreSplit() : null;
if (args['own-core'] && !split) throw new Error('--own-core needs two cores and taskset');
const g = await startGenerators(3, split?.generator);
const names = ['echo', ...(args.minimal ? ['minimal'] : []), 'this', ...(args.against ? [args.against] : [])];
const at = (name: string) => names.indexOf(name);
/** Each ratio: its label, and what it divides (totals or user times of two targets). */
const ratios: Array<{ label: string; of: (total: number[], user: number[]) => number }> = [
  ...(args.minimal ? [
    { label: 'echo/minimal', of: (t: number[]) => t[0]! / t[at('minimal')]! },
    { label: 'minimal/this', of: (t: number[]) => t[at('minimal')]! / t[at('this')]! },
  ] : []),
  { label: 'echo/this', of: (t) => t[0]! / t[at('this')]! },
  ...(args.against ? [
    { label: `echo/${args.against}`, of: (t: number[]) => t[0]! / t[at(args.against!)]! },
    { label: `this/${args.against} user`, of: (_: number[], u: number[]) => u[at('this')]! / u[at(args.against!)]! },
  ] : []),
];
console.log(`CPU µs per request (user + system), median of ${rounds} closed loops of ${seconds} s taken in turn${split ? `; each target alone on core ${split.target}, the generator on ${split.generator}` : ''}`);
console.log(`${'request type'.padEnd(38)}${names.map((n) => n.padStart(16)).join('')}${ratios.map((r) => ` ${r.label}`.padStart(16)).join('')}`);
try {
  for (const kind of kinds) {
    const targets: Array<{ echo: boolean; started: Started }> = [];
    try {
      targets.push({ echo: true, started: await startEcho(ECHO_COPIES[kind]) });
      if (args.minimal) targets.push({ echo: false, started: await startMinimal() });
      for (const [i, bundle] of [SERVER_BUNDLE, ...(baseline ? [baseline] : [])].entries()) {
        targets.push({ echo: false, started: await startServer([bundle], 47600 + i * 10) });
      }
      if (split) for (const { started } of targets) pin(started.child.pid!, split.target);
      const user = targets.map(() => [] as number[]);
      const system = targets.map(() => [] as number[]);
      for (let round = 0; round < rounds; round++) {
        for (const [i, { echo, started }] of targets.entries()) {
          await withClients(g, kind, started, echo, async () => {
            const before = cpu(started.child.pid!);
            const result = await run(g, kind, started, echo, seconds, kind === 'keepalive' ? 'flood' : 'closed');
            const after = cpu(started.child.pid!);
            const spent = after.user - before.user + (after.system - before.system);
            // run's CPU per request, split as the process's user and system time were.
            const share = spent > 0 ? (after.user - before.user) / spent : 0;
            user[i]!.push(result.cpuMicros * share);
            system[i]!.push(result.cpuMicros * (1 - share));
          });
        }
      }
      const total = targets.map((_, i) => median(user[i]!) + median(system[i]!));
      const cells = targets.map((_, i) => `${median(user[i]!).toFixed(1)} + ${median(system[i]!).toFixed(1)}`.padStart(16));
      const users = targets.map((_, i) => median(user[i]!));
      const shares = ratios.map((r) => r.of(total, users).toFixed(2).padStart(Math.max(16, r.label.length + 1)));
      console.log(`${LABELS[kind].padEnd(38)}${cells.join('')}${shares.join('')}`);
    } finally {
      for (const { started } of targets) await stop(started.child);
    }
  }
} finally {
  stopGenerators(g);
  if (baseline) rmSync(resolve(baseline, '../../..'), { recursive: true, force: true });
}
process.exit(0);
