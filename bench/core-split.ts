/**
 * `--own-core`: every target (the echo or a server) alone on the machine's last core from its
 * start, the generator's processes on the others from theirs, so that a target's time and tail
 * are its own and not the time it waited for the generator to leave its core, as a deployed
 * server's clients are elsewhere. Its maximum, CPU and latency are all measured so, the echo's and
 * every server's alike. Needs `taskset` and at least two cores.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface CoreSplit {
  readonly target: string;
  readonly generator: string;
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
  return { target: String(n - 1), generator: n === 2 ? '0' : `0-${n - 2}` };
}

/** Every thread of [pid] allowed on [list] (taskset's cpu-list) alone. */
export function pin(pid: number, list: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
}
