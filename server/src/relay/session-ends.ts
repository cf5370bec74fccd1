/**
 * A view of a session store that reports the sessions it expires, so their relays close with
 * them. Everything else passes through unchanged; a session closed by its host (CS, the normal
 * handover to the game) is not reported: its relays live on while the game sends data.
 */
import type { Session } from '../sessions/session.ts';
import type { SessionStore } from '../sessions/session-store.ts';

export function reportingExpiry(store: SessionStore, expired: (sessions: readonly Session[]) => void): SessionStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'removeStale') {
        return (cutoff: number): Session[] => {
          const stale = target.removeStale(cutoff);
          expired(stale);
          return stale;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
