/**
 * CPU time per request, this server against one built from git commit REF, in closed loops taken
 * in turn (this, REF, this, ...) on servers started once per request type: user and system time of
 * each server process from /proc, the median of the rounds. On a machine shared with other work
 * the rates of `npm run bench` move by a third between rounds; user time per request moves far
 * less, and it is where the server's own work shows (the system time of a datagram in and out is
 * the kernel's, the same for both).
 * Usage: node --import tsx bench/cpu-per-request.ts --against REF [--only TYPE,TYPE] [--rounds N] [--seconds S]
 */
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareServer } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
import type { Kind } from './load-commands.ts';
import { buildAt, LABELS, run, type Started, startGenerators, startServer, stop, stopGenerators, withClients } from './throughput.ts';

const { values: args } = parseArgs({
  options: { against: { type: 'string' }, only: { type: 'string' }, rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '2' } },
});
if (!args.against) throw new Error('--against REF is required');
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
const baseline = buildAt(args.against);
const g = await startGenerators(3);
const names = ['this', args.against];
console.log(`CPU µs per request (user + system), median of ${rounds} closed loops of ${seconds} s taken in turn`);
console.log(`${'request type'.padEnd(38)}${names.map((n) => n.padStart(18)).join('')}  this/${args.against} user`);
try {
  for (const kind of kinds) {
    const servers: Started[] = [];
    try {
      for (const [i, bundle] of [SERVER_BUNDLE, baseline].entries()) servers.push(await startServer([bundle], 47600 + i * 10));
      const user = servers.map(() => [] as number[]);
      const system = servers.map(() => [] as number[]);
      for (let round = 0; round < rounds; round++) {
        for (const [i, server] of servers.entries()) {
          await withClients(g, kind, server, false, async () => {
            const before = cpu(server.child.pid!);
            const result = await run(g, kind, server, false, seconds, kind === 'keepalive' ? 'flood' : 'closed');
            const after = cpu(server.child.pid!);
            const spent = after.user - before.user + (after.system - before.system);
            // run's CPU per request, split as the process's user and system time were.
            const share = spent > 0 ? (after.user - before.user) / spent : 0;
            user[i]!.push(result.cpuMicros * share);
            system[i]!.push(result.cpuMicros * (1 - share));
          });
        }
      }
      const cells = servers.map((_, i) => `${median(user[i]!).toFixed(1)} + ${median(system[i]!).toFixed(1)}`.padStart(18));
      console.log(`${LABELS[kind].padEnd(38)}${cells.join('')}  ${(median(user[0]!) / median(user[1]!)).toFixed(2)}`);
    } finally {
      for (const server of servers) await stop(server.child);
    }
  }
} finally {
  stopGenerators(g);
  rmSync(resolve(baseline, '../../..'), { recursive: true, force: true });
}
process.exit(0);
