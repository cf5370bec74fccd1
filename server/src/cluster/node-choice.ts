/**
 * Which relay node a pair gets, from the round trips both sides measured (RQ's pings): the node
 * whose worse side is the quickest, as Steam Datagram Relay routes by both ends' pings. A node one
 * side did not hear from is not a candidate when the other side has figures for some node it
 * heard; with no figures at all the instance picks by load.
 */
import type { RelayNodeEntry } from './node-registry.ts';

/** Round trips above this are taken as this (the wire carries three digits). */
export const MAX_PING_MS = 999;
/** Candidate nodes an RN lists at most. */
export const MAX_CANDIDATES = 3;

/** The figures of an RQ's pings field (`key=ms,key=ms`), or undefined when it has none or is malformed. */
export function readPings(text: string | undefined): ReadonlyMap<string, number> | undefined {
  if (!text) return undefined;
  const pings = new Map<string, number>();
  for (const part of text.split(',')) {
    const match = /^([a-z]{12})=(\d{1,3})$/.exec(part);
    if (!match || pings.size >= MAX_CANDIDATES) return undefined;
    pings.set(match[1]!, Number(match[2]));
  }
  return pings;
}

/** The pings field for [figures] (node key to milliseconds). */
export function writePings(figures: ReadonlyMap<string, number>): string {
  return [...figures].slice(0, MAX_CANDIDATES).map(([key, ms]) => `${key}=${Math.min(MAX_PING_MS, Math.max(0, Math.round(ms)))}`).join(',');
}

/**
 * The node ids a pair with [a]'s and [b]'s figures prefers, best first: by the worse of the two
 * round trips, then by load as [nodes] last showed it; only nodes every side with figures heard
 * from. Empty when neither side has figures (the caller picks by load).
 */
export function preferredNodes(nodes: readonly RelayNodeEntry[], a: ReadonlyMap<string, number> | undefined, b: ReadonlyMap<string, number> | undefined): string[] {
  const sides = [a, b].filter((pings): pings is ReadonlyMap<string, number> => pings !== undefined && pings.size > 0);
  if (sides.length === 0) return [];
  const worse = (id: string) => Math.max(...sides.map((pings) => pings.get(id) ?? Infinity));
  const share = (id: string) => {
    const node = nodes.find((n) => n.id === id);
    return node ? node.load / Math.max(1, node.capacity) : 1;
  };
  return [...sides[0]!.keys()].filter((id) => worse(id) < Infinity)
    .sort((x, y) => worse(x) - worse(y) || share(x) - share(y));
}
