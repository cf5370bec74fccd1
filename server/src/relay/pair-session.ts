/**
 * The session a relay request is for. A host and a joiner name it by its id; a random session's
 * stranger never learns the id (its RQ carries `server key + "cycy"`), so the session is found by
 * the pair instead: one side hosts it and the other is its peer. An address hosts at most one
 * session, so the pair names at most one.
 */
import type { Session } from '../sessions/session.ts';
import type { SessionStore } from '../sessions/session-store.ts';

const isPair = (session: Session, a: string, b: string) => a !== b && session.hostRemoteKey === a && session.peers.has(b);

/** The live session in which [a] and [b] are host and peer (either way round), preferring [id]. */
export function pairSession(store: Pick<SessionStore, 'get' | 'hostedBy'>, id: string, a: string, b: string): Session | undefined {
  const named = store.get(id);
  if (named && (isPair(named, a, b) || isPair(named, b, a))) return named;
  const hostedByA = store.hostedBy(a);
  if (hostedByA && isPair(hostedByA, a, b)) return hostedByA;
  const hostedByB = store.hostedBy(b);
  if (hostedByB && isPair(hostedByB, b, a)) return hostedByB;
  return undefined;
}
