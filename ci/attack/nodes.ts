/**
 * Our real nodes in the attack suite: headless Godot processes running the demo's scenario
 * against the run's server, each in the group the node watch counts (see NodeWatch). Few at once
 * (two shared cores): legitimate node flows run one at a time, and attacks on nodes take turns.
 */
import { type Player, type PlayerEvent, type PlayerOptions, startPlayer } from '../harness/processes.ts';
import type { NodeWatch } from './node-watch.ts';

/** Work that takes turns: each [take] runs once the work taken before it is done. */
export class Turns {
  private last: Promise<unknown> = Promise.resolve();

  take<T>(work: () => Promise<T>): Promise<T> {
    const mine = this.last.then(work);
    this.last = mine.catch(() => {});
    return mine;
  }

  /** Resolves once every work taken so far is done. */
  async idle(): Promise<void> {
    await this.last;
  }
}

export class Nodes {
  private readonly running = new Set<Player>();
  private readonly turns = new Turns();
  started = 0;
  mostAtOnce = 0;

  constructor(readonly watch: NodeWatch | null) {
    process.once('exit', () => this.killAll());
  }

  /** Starts a node; [relayed] ones send our protocol's messages only to the server and its relays (needs the watch). */
  start(options: PlayerOptions, relayed = false): Player {
    const gid = this.watch ? (relayed ? this.watch.relayedGid : this.watch.nodeGid) : undefined;
    const player = startPlayer({ timeout: 30, ...options }, gid === undefined ? {} : { gid });
    this.running.add(player);
    this.started++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running.size);
    void player.exited.then(() => this.running.delete(player));
    return player;
  }

  /** Runs [work] once the attacks on nodes before it are done, so that they never pile up. */
  turn<T>(work: () => Promise<T>): Promise<T> {
    return this.turns.take(work);
  }

  /** Resolves once every attack on nodes queued so far has had its turn. */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  killAll(): void {
    for (const p of this.running) p.kill();
  }
}

/** Null when [player] exited 0, else why not: its failure event, or its exit code. */
export async function outcome(player: Player): Promise<string | null> {
  const code = await player.exited;
  if (code === 0) return null;
  const failure = player.events.filter((e) => !['ready', 'begin', 'done'].includes(e.event) && /fail|timeout|refused|lost|bad_|error/.test(e.event)).at(-1);
  return `${player.label.replace('player ', '')} exit ${code ?? 'killed'}${failure ? ` (${describe(failure)})` : ''}`;
}

function describe(e: PlayerEvent): string {
  const { event, wall: _wall, ...rest } = e;
  const detail = Object.values(rest).map(String).join(' ');
  return detail ? `${event} ${detail}` : event;
}

/** Seconds from [player]'s first [from] event to its first [to] event; null when either is missing. */
export function secondsBetween(player: Player, from: string, to: string): number | null {
  const a = player.eventsNamed(from)[0];
  const b = player.eventsNamed(to)[0];
  return a && b ? b.wall - a.wall : null;
}

/**
 * Null once [player] reported done, else why not: its `failed` event, its exit, or nothing within
 * [ms]. Unlike [outcome], it does not wait for a done client to linger and quit.
 */
export async function settled(player: Player, ms: number): Promise<string | null> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (player.eventsNamed('done').length > 0) return null;
    const failed = player.eventsNamed('failed')[0];
    if (failed) return `failed ${String(failed.reason)}${failed.detail ? ` ${String(failed.detail)}` : ''}`;
    if (player.child.exitCode !== null || player.child.signalCode !== null) return outcome(player);
    await new Promise((wake) => setTimeout(wake, 100));
  }
  return `nothing within ${ms / 1000} s`;
}
