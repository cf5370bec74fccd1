/**
 * What the handlers do to sessions, whichever request (or another instance's word) led there:
 * create one, see a joiner, confirm a host, and the answers that introduce a pair.
 */
import type { Endpoint, Message } from './generated/protocol.ts';
import type { HandlerContext, Refusal } from './handler-context.ts';
import { hostNatFields, joinerNatFields } from './nat/nat-book.ts';
import { decodeEndpoint } from './sessions/session-rules.ts';
import type { Session, SessionPeer } from './sessions/session.ts';
import { PeerTable } from './sessions/peer-table.ts';
import { newSessionId } from './sessions/session-codes.ts';
import { newToken } from './sessions/tokens.ts';

export class SessionActions {
  constructor(private readonly ctx: HandlerContext) {}

  /**
   * A new session, or the reason a limit refuses it (counted). At a
   * limit, the oldest provisional session (of this address, or of the server) gives way: an
   * unproven registration cannot keep a real host out, and holding the table full takes an
   * attacker a fresh registration for every one it holds, within every confirm window.
   */
  createSession(from: Endpoint, hostRemoteKey: string, hostLocalKey: string, random: boolean, hostNonce: string | undefined): Session | Refusal {
    const { store, stats } = this.ctx;
    if (this.ctx.draining()) {
      stats.registrationsRefused++; // Draining: the node registers elsewhere.
      return 'server_full';
    }
    if (store.hostedFromIp(from.address) >= this.ctx.config.sessionsPerIp && !this.evictProvisional(from.address)) {
      stats.registrationsRefused++;
      return 'address_limit';
    }
    if (store.size >= this.ctx.config.maxSessions && !this.evictProvisional()) {
      stats.registrationsRefused++;
      return 'server_full';
    }
    const id = newSessionId(this.ctx.serverKey(), this.ctx.config.suffixBigrams, (candidate) => store.get(candidate) !== undefined);
    if (id === null) {
      stats.registrationsRefused++;
      return 'server_full';
    }
    const now = this.ctx.now();
    const session: Session = {
      id, hostRemoteKey, hostIp: from.address, hostLocalKey, hostNonce, hostNat: this.ctx.natReport(), random, peers: new PeerTable(), createdAt: now,
      hostSeenAt: now, confirmed: false,
    };
    store.add(session);
    stats.sessionsCreated++;
    return session;
  }

  private evictProvisional(ip?: string): boolean {
    const oldest = this.ctx.store.oldestProvisional(ip);
    if (!oldest) return false;
    this.ctx.store.remove(oldest.id);
    this.ctx.relays?.sessionsExpired([oldest.id]);
    this.ctx.stats.registrationsEvicted++;
    return true;
  }

  /** The host sent something only HR told it: the return path works. */
  heardFromHost(session: Session): void {
    session.hostSeenAt = this.ctx.now();
    if (session.confirmed) return;
    this.ctx.store.confirm(session.id);
    this.ctx.log('registered', { session: session.id, host: session.hostRemoteKey, random: session.random });
  }

  /**
   * Adds or refreshes a joiner, moving it to the end of the least-recently-heard order. A pair
   * whose two sides both sent nonces (both are ours) gets a secret, the same for every duplicate.
   */
  seePeer(session: Session, remoteKey: string, localKey: string, now: number, nonce: string | undefined, nat = this.ctx.natReport()): SessionPeer {
    const known = session.peers.get(remoteKey);
    if (known) {
      // A duplicate (its JR was lost) or a join again: the same joiner, updated where it stands.
      known.localKey = localKey;
      known.seenAt = now;
      known.secret ??= nonce && session.hostNonce ? newToken() : undefined;
      known.nat = nat ?? known.nat;
      this.ctx.store.putPeer(session, known);
      return known;
    }
    const secret = nonce && session.hostNonce ? newToken() : undefined;
    const peer: SessionPeer = { remoteKey, localKey, seenAt: now, joinedAt: now, secret, nat };
    this.ctx.store.putPeer(session, peer);
    return peer;
  }

  answerHost(session: Session, to: Endpoint, nonce: string | undefined, via = this.ctx.send): void {
    via(to, { code: 'HR', remoteKey: session.hostRemoteKey, sessionId: session.id, nonce });
  }

  /** RF to a request that carried a nonce (our node); an original client gets today's silence. */
  refuse(to: Endpoint, reason: Refusal, nonce: string | undefined): void {
    if (nonce) this.ctx.send(to, { code: 'RF', reason, nonce });
  }

  /** NJ to the host and JR to the joiner: each learns where to punch. */
  introduce(session: Session, peer: SessionPeer, joiner: Endpoint, joinerNonce: string | undefined, via: HandlerContext['send'] = this.ctx.send): void {
    const hostKey = session.hostLink ?? session.hostRemoteKey;
    via(decodeEndpoint(hostKey), newJoiner(session, peer));
    via(joiner, {
      code: 'JR', joinerRemoteKey: peer.remoteKey, hostRemoteKey: session.hostRemoteKey, hostLocalKey: session.hostLocalKey,
      nonce: joinerNonce, secret: peer.secret, ...hostNatFields(session.hostNat, peer.secret),
    });
  }
}

/** NJ for the host: the joiner, with the host's own nonce, the pair's secret and the joiner's NAT report when there are. */
export function newJoiner(session: Session, peer: SessionPeer): Message {
  return {
    code: 'NJ', joinerRemoteKey: peer.remoteKey, joinerLocalKey: peer.localKey, nonce: session.hostNonce, secret: peer.secret,
    ...joinerNatFields(peer.nat, peer.secret),
  };
}
