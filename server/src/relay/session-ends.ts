/**
 * A view of a session store that reports the sessions it drops without a handover (expired, or
 * never confirmed), so their relays close with them. Everything else passes through unchanged; a
 * session closed by its host (CS, the normal handover to the game) is not reported: its relays
 * live on while the game sends data.
 */
import type { Session } from '../sessions/session.ts';
import type { SessionStore } from '../sessions/session-store.ts';

/** Store methods that remove sessions that ended without a handover, and return them. */
const ENDING = new Set<PropertyKey>(['removeStale', 'removeUnconfirmed']);

export function reportingExpiry(store: SessionStore, expired: (sessions: readonly Session[]) => void): SessionStore {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (!ENDING.has(property)) return method;
      return (...args: unknown[]): unknown => {
        const ended = method(...args) as Session[];
        expired(ended);
        return ended;
      };
    },
  });
}
