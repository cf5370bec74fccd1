/** The in-memory session store, telling [removed] of each session that leaves it (to take it out of the shared queue). */
import { MemorySessionStore } from '../sessions/memory-session-store.ts';

export class ObservedSessionStore extends MemorySessionStore {
  constructor(private readonly removed: (id: string) => void) {
    super();
  }

  override remove(id: string): boolean {
    const removed = super.remove(id);
    if (removed) this.removed(id);
    return removed;
  }
}
