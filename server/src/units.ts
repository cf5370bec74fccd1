/** Parsing the units that options are given in: durations like `30s`, sizes like `128kb`. */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a duration such as `500ms`, `30s`, `20m` or `1h`; null when it is not one. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2]!]!);
}

/** A duration in the largest unit that shows it exactly, for --help and logs. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
