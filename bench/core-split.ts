/**
 * The latency loops' cores: the target (the echo or a server) alone on the machine's last core,
 * the generator's processes on the others, so that a target's tail is its own and not the time it
 * waited for the generator to leave its core. A server is deployed so: its clients are elsewhere.
 * Both the echo and every server are measured alike. Needs `taskset` and at least two cores;
 * otherwise nothing is pinned and the table says so.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface CoreSplit {
  readonly target: string;
  readonly generator: string;
  readonly all: string;
}

/** The split for this machine, or null where it has one core or no `taskset`. */
export function coreSplit(): CoreSplit | null {
  const n = cpus().length;
  if (n < 2) return null;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { target: String(n - 1), generator: n === 2 ? '0' : `0-${n - 2}`, all: `0-${n - 1}` };
}

/** Every thread of [pid] allowed on [list] (taskset's cpu-list) alone. */
export function pin(pid: number, list: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
}

/** [body] with [target] on its own core and [generators] on the rest; every process free again after. */
export async function withCoresSplit<T>(split: CoreSplit | null, target: number, generators: readonly number[], body: () => Promise<T>): Promise<T> {
  if (!split) return body();
  pin(target, split.target);
  for (const pid of generators) pin(pid, split.generator);
  try {
    return await body();
  } finally {
    for (const pid of [target, ...generators]) {
      try {
        pin(pid, split.all);
      } catch {
        // A process that has exited keeps no affinity to restore.
      }
    }
  }
}
