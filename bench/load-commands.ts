/** What bench/throughput.ts and its generator processes (bench/load.ts) say to each other, and the latency histogram they share. */
export type Kind = 'register' | 'join' | 'random' | 'keepalive' | 'badcode' | 'relay';

export interface Target {
  readonly port: number;
  readonly serverKey: string;
  /** True for the echo baseline: no set-up, answers are the requests coming back. */
  readonly echo: boolean;
}

export interface SetupCommand {
  readonly op: 'setup';
  readonly worker: number;
  readonly target: Target;
  /** Clients of each kind in this process (a relay client is a pair of sockets). */
  readonly groups: Partial<Record<Kind, number>>;
}
export interface MeasureCommand {
  readonly op: 'measure';
  readonly mode: 'closed' | 'open' | 'flood';
  /** Open loop: requests a second this process offers. */
  readonly rate?: number;
  readonly seconds: number;
}
export type Command = SetupCommand | MeasureCommand | { readonly op: 'teardown' } | { readonly op: 'sink'; readonly port: number; readonly seconds: number };

/** Latency histogram: 10 µs bins up to 20 ms, then 1 ms bins up to 1 s. */
export const FINE_BINS = 2000;
export const BINS = FINE_BINS + 980;
export function binOf(ms: number): number {
  if (ms < 20) return Math.max(0, Math.floor(ms * 100));
  return Math.min(BINS - 1, FINE_BINS + Math.floor(ms - 20));
}
export function binMs(bin: number): number {
  return bin < FINE_BINS ? (bin + 1) / 100 : 20 + (bin - FINE_BINS + 1);
}

export interface MeasureResult {
  readonly answered: number;
  readonly sent: number;
  readonly lost: number;
  /** Open loop: requests that found no idle client (the clients were all waiting). */
  readonly skipped: number;
  readonly histogram: number[];
}

