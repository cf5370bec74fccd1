/** The [p]th percentile of [sorted] (ascending), nearest rank: what the lab's reports print. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
