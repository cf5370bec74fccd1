/**
 * A game connection's timeline from both of its processes: the node's steps (printed as
 * `SHP_TRACE <unix seconds> <step>` when SHP_TRACE is set) and each process's own lines (at the
 * time they arrived), merged and timed from one origin; and the time of each milestone, so that a
 * lab case can say where a lossy connect spends its seconds.
 */
import type { Watched } from '../harness/processes.ts';

/** The environment that makes a Godot process print the node's steps. */
export const TRACE_ENV = { ...process.env, SHP_TRACE: '1' };

const TRACE = /^SHP_TRACE (\d+\.\d+) (.*)$/;

interface Entry {
  readonly at: number; // ms since the epoch
  readonly side: string;
  readonly text: string;
}

function entries(side: string, watched: Watched): Entry[] {
  return watched.lines.map((line, i) => {
    const trace = TRACE.exec(line);
    return trace ? { at: Number(trace[1]) * 1000, side, text: trace[2]! } : { at: watched.times[i]!, side, text: line };
  });
}

/** Every line of [sides], in time order, as `+seconds side: text` from [origin] (ms since the epoch). */
export function timeline(sides: Record<string, Watched>, origin: number): string[] {
  const all = Object.entries(sides).flatMap(([side, watched]) => entries(side, watched));
  all.sort((a, b) => a.at - b.at);
  return all.map((e) => `${((e.at - origin) / 1000).toFixed(3).padStart(8)} s ${e.side}: ${e.text}`);
}

/** The milestones of a snippet session, each the first line of its side that matches. */
export const MILESTONES: ReadonlyArray<readonly [string, 'host' | 'player', RegExp]> = [
  ['server answered (player)', 'player', /^joined: the server answered/],
  ['joiner introduced (host)', 'host', /^the server introduced a joiner/],
  ['punched (player)', 'player', /^punched /],
  ['handover done (player)', 'player', /^handover done: start_client/],
  ['host game server up', 'host', /^host: game server behind the gate/],
  ['ENet connected (player)', 'player', /^client: ENet connected/],
  ['hello heard (host)', 'host', /^host: hello from peer/],
  ['list heard (player)', 'player', /^client: list heard/],
  ['let in (player)', 'player', /^client: let in/],
  ['peer connected (host)', 'host', /^host: peer \d+ connected/],
  ['hello RPC (host)', 'host', /^got: hello from player/],
  ['welcome RPC (player)', 'player', /^got: welcome/],
];

/** Seconds from [origin] to each milestone of the session (absent when it never came), and its ENet attempts. */
export function milestones(sides: { host: Watched; player: Watched }, origin: number): { times: Map<string, number>; attempts: number } {
  const times = new Map<string, number>();
  const bySide = { host: entries('host', sides.host), player: entries('player', sides.player) };
  for (const [name, side, pattern] of MILESTONES) {
    const hit = bySide[side].find((e) => pattern.test(e.text));
    if (hit) times.set(name, (hit.at - origin) / 1000);
  }
  const attempts = bySide.player.filter((e) => /^client: ENet attempt/.test(e.text)).length;
  return { times, attempts };
}

/** One line per milestone: its median and p95 over the sessions that reached it. */
export function milestoneSummary(all: ReadonlyArray<Map<string, number>>): string[] {
  return MILESTONES.map(([name]) => {
    const values = all.map((m) => m.get(name)).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    if (values.length === 0) return `${name}: never`;
    const at = (p: number) => values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)]!.toFixed(2);
    return `${name.padEnd(26)} median ${at(0.5)} s, p95 ${at(0.95)} s (${values.length})`;
  });
}
