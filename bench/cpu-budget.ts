/**
 * A fixed CPU budget per benchmarked process, as if each ran on a machine of the same size: one
 * cgroup per process with a CFS quota (cgroup v1 `cpu.cfs_quota_us`, or v2 `cpu.max`). The
 * cgroups are made here and removed once their process is gone, also on Ctrl-C or a failure.
 * Without a writable cpu controller (not root, or none mounted) processes run unconfined, and
 * `note` says so.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The quota is handed out every period: as short as may be, so a confined process is never frozen
 * long (as a small machine is not), while its quota stays at least the kernel's bandwidth slice
 * (5 ms), below which a process overruns it.
 */
const SLICE_US = 5_000;
const periodFor = (cores: number) => Math.min(1_000_000, Math.max(10_000, Math.ceil(SLICE_US / cores / 1000) * 1000));

export interface CpuBudget {
  /** Cores each confined process may use, or null when they run unconfined. */
  readonly cores: number | null;
  /** What confines them, or why nothing does. */
  readonly note: string;
  /** Puts process [pid] (all its threads) in a cgroup of its own with the budget. */
  confine(pid: number, name: string): void;
  /**
   * Puts process [pid] (Redis, a generator, this process) in a cgroup without a quota: it and the
   * confined ones weigh more than the machine's other processes, so each gets its budget, and the
   * harness its share, while other work runs beside them.
   */
  favour(pid: number, name: string): void;
  /** Removes the cgroup of [pid] (call once it exited). */
  free(pid: number): void;
  /** Kills what is still confined and removes every cgroup made here. */
  release(): void;
}

interface Hierarchy { readonly kind: 'v1' | 'v2'; readonly parent: string }

/** A writable cpu controller: v1's cpu hierarchy, or a v2 hierarchy that offers cpu. */
function hierarchy(): Hierarchy | null {
  if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) return { kind: 'v1', parent: '/sys/fs/cgroup/cpu' };
  for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    const controllers = join(root, 'cgroup.controllers');
    if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) return { kind: 'v2', parent: root };
  }
  return null;
}

function unconfined(note: string): CpuBudget {
  return { cores: null, note, confine() {}, favour() {}, free() {}, release() {} };
}

/** A budget of [cores] per process (null: none asked for). */
export function cpuBudget(cores: number | null): CpuBudget {
  if (cores === null) return unconfined('no CPU budget (--cpu off): processes share the machine\'s cores');
  const found = hierarchy();
  if (!found) return unconfined(`NOTE: no cpu cgroup controller found; --cpu ${cores} ignored, processes share the machine's cores`);
  const base = join(found.parent, `shp-bench-${process.pid}`);
  try {
    mkdirSync(base);
    if (found.kind === 'v2') {
      try { writeFileSync(join(found.parent, 'cgroup.subtree_control'), '+cpu'); } catch { /* already on, or must be: checked below */ }
      writeFileSync(join(base, 'cgroup.subtree_control'), '+cpu');
    }
  } catch (error) {
    try { rmdirSync(base); } catch { /* never made */ }
    return unconfined(`NOTE: cannot write cgroups under ${found.parent} (${(error as Error).message.split(',')[0]}); --cpu ${cores} ignored, processes share the machine's cores`);
  }
  const groups = new Map<number, string>();
  const period = periodFor(cores);
  const quota = Math.round(cores * period);
  const remove = (dir: string) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      try { rmdirSync(dir); return; } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // its last task is still exiting
      }
    }
  };
  /** A cgroup for [pid], weighing ten times a process of the machine's own. */
  const group = (pid: number, name: string) => {
    const dir = join(base, name);
    mkdirSync(dir);
    groups.set(pid, dir);
    if (found.kind === 'v1') writeFileSync(join(dir, 'cpu.shares'), '10240');
    else writeFileSync(join(dir, 'cpu.weight'), '1000');
    return dir;
  };
  const budget: CpuBudget = {
    cores,
    note: `each instance or node confined to ${cores} core (cgroup ${found.kind}, quota ${quota} us every ${period} us)`,
    confine(pid, name) {
      const dir = group(pid, name);
      if (found.kind === 'v1') {
        writeFileSync(join(dir, 'cpu.cfs_period_us'), String(period));
        writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
      } else {
        writeFileSync(join(dir, 'cpu.max'), `${quota} ${period}`);
      }
      writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    },
    favour(pid, name) {
      writeFileSync(join(group(pid, name), 'cgroup.procs'), String(pid));
    },
    free(pid) {
      const dir = groups.get(pid);
      if (dir === undefined) return;
      groups.delete(pid);
      remove(dir);
    },
    release() {
      // Every process back where it came from (v1 and v2 roots take processes), then the ones left
      // killed: a killed child stays in its cgroup until reaped, which an exiting parent never does.
      for (const pid of groups.keys()) {
        try { writeFileSync(join(found.parent, 'cgroup.procs'), String(pid)); } catch { /* already gone */ }
        if (pid === process.pid) continue;
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      for (const pid of [...groups.keys()]) budget.free(pid);
      remove(base);
    },
  };
  return budget;
}

/** Runs [cleanup] once on Ctrl-C, SIGTERM or exit, then lets the process end. */
export function onInterrupt(cleanup: () => void): void {
  let done = false;
  const once = () => { if (!done) { done = true; cleanup(); } };
  process.once('exit', once);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => { once(); process.exit(130); });
  }
}

/** The `--cpu N` (or `--cpu=N`) flag: cores per confined process; `off`: none; absent: [fallback]. */
export function cpuFlag(argv: readonly string[], fallback: number): number | null {
  const at = argv.findIndex((arg) => arg === '--cpu' || arg.startsWith('--cpu='));
  if (at < 0) return fallback;
  const text = argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
  if (text === 'off') return null;
  const value = Number(text);
  if (!(value > 0)) throw new Error('--cpu takes the cores per process (e.g. --cpu 0.25) or off');
  return value;
}

/** User and system CPU seconds of process [pid] so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
