/**
 * What an instance remembers for a while about strangers matched across instances (the JR sent
 * to its own, the instances another's relay requests came through), oldest first: an entry
 * counts for [memoryMs] after it was remembered, the sweep forgets it afterwards, and past
 * MAX_REMEMBERED entries the oldest goes, which bounds memory under a flood of matches.
 */

/** Past this many remembered entries the oldest go. */
const MAX_REMEMBERED = 200_000;

export class RecentMemory<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(private readonly memoryMs: number, private readonly now: () => number) {}

  /** Remembers [value] for [key] from now, moved to the end: the entries stay oldest first. */
  remember(key: string, value: V): void {
    if (this.entries.size >= MAX_REMEMBERED) this.entries.delete(this.entries.keys().next().value!);
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
  }

  /** [key]'s value while it counts; undefined once [memoryMs] passed, whether or not the sweep forgot it yet. */
  recall(key: string): V | undefined {
    const known = this.entries.get(key);
    return known && this.now() - known.at < this.memoryMs ? known.value : undefined;
  }

  /** Whether [key] is still held, however old: until the sweep forgets it. */
  holds(key: string): boolean {
    return this.entries.has(key);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets the entries that no longer count. */
  sweep(): void {
    const now = this.now();
    for (const [key, known] of this.entries) {
      if (now - known.at < this.memoryMs) break; // Oldest first.
      this.entries.delete(key);
    }
  }
}
