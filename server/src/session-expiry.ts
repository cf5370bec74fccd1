/**
 * Sessions that end for silence: at each sweep, those whose host went silent and provisional
 * ones never confirmed; at once, one whose host a waiting joiner found silent.
 */
import type { HandlerContext } from './handler-context.ts';
import type { Session, SessionPeer } from './sessions/session.ts';

/** Drops sessions whose host has been silent since before [cutoff], and provisional ones created before [unconfirmedCutoff]. */
export function expireSessions(ctx: HandlerContext, cutoff: number, unconfirmedCutoff: number): void {
  // Provisional sessions are counted, not logged: spoofed registrations must not fill the log.
  const unconfirmed = ctx.store.removeUnconfirmed(unconfirmedCutoff);
  ctx.stats.registrationsUnconfirmed += unconfirmed.length;
  const stale = ctx.store.removeStale(cutoff);
  // Sessions that ended without a handover take their relays with them.
  ctx.relays?.sessionsExpired([...unconfirmed, ...stale].map((s) => s.id));
  for (const session of stale) {
    if (!session.confirmed) {
      ctx.stats.registrationsUnconfirmed++;
      continue;
    }
    ctx.stats.sessionsExpired++;
    ctx.log('expired', { session: session.id, peers: session.peers.size });
  }
}

/** Whether [session]'s host has not been heard since [joiner] came, [silenceMs] ago or more. */
export function hostGone(session: Session, joiner: SessionPeer | undefined, now: number, silenceMs: number): boolean {
  return joiner !== undefined && session.hostSeenAt <= joiner.joinedAt && now - joiner.joinedAt >= silenceMs;
}

/** A session whose host went silent while a joiner waited: it ends now, as at expiry. */
export function endSilentSession(ctx: HandlerContext, session: Session): void {
  ctx.store.remove(session.id);
  ctx.relays?.sessionsExpired([session.id]);
  ctx.stats.sessionsExpired++;
  ctx.log('expired', { session: session.id, peers: session.peers.size });
}
