/**
 * Rebinds whose two sides ask two instances (strangers matched through Redis each registered with
 * their own). They meet on one Redis key per grant id: each instance writes its own side there
 * (under its IP address, which the grant names), and the first to find both sides there decides
 * the node, mints the pair's new grant and writes both sides' RGs, once (HSETNX): an instance that
 * decided too, at the same moment, takes the decision stored first. Each instance answers only its
 * own side, from that decision, at its RR or at a resend of it.
 */
import type { Redis } from 'ioredis';
import type { RelayGranted } from '../generated/protocol.ts';

/** How long a meeting is kept: past the wait of a single side (10 s), with room for the other's resends. */
export const MEETING_TTL_MS = 30_000;

const meetingKey = (grantId: string) => `shp:rebind:${grantId}`;
/** The field of the decision (never an IP address). */
const DECIDED = 'decided';

/** A side of a rebind, as its instance writes it. */
export interface MeetingSide {
  readonly key: string;
  readonly ip: string;
  /** The other side's address, as its grant names it. */
  readonly peerIp: string;
  /** Its round trips to the nodes, by node id, when it measured them. */
  readonly pings?: Record<string, number>;
}

/** The new node of a rebind, and each side's RG (without its nonce) by the side's IP address. */
export interface RebindDecision {
  readonly node: string;
  readonly byPing: boolean;
  readonly rgs: Record<string, RelayGranted>;
}

export interface Meeting {
  /** The other side, once its instance wrote it. */
  readonly other: MeetingSide | undefined;
  readonly decided: RebindDecision | undefined;
}

/** Writes [side] to the meeting of [grantId] (its latest word stands) and reads the meeting. */
export async function meet(redis: Redis, grantId: string, side: MeetingSide): Promise<Meeting> {
  const key = meetingKey(grantId);
  const replies = await redis.multi().hset(key, side.ip, JSON.stringify(side)).pexpire(key, MEETING_TTL_MS).hgetall(key).exec();
  const all = (replies?.[2]?.[1] ?? {}) as Record<string, string>;
  // Only the address the grant names for the peer, naming ours: the grant id is random, but checked all the same.
  const written = all[side.peerIp] === undefined ? undefined : JSON.parse(all[side.peerIp]!) as MeetingSide;
  const other = written?.peerIp === side.ip && written.ip === side.peerIp ? written : undefined;
  return { other, decided: all[DECIDED] === undefined ? undefined : JSON.parse(all[DECIDED]) as RebindDecision };
}

/** Stores [decision] for [grantId] unless one was stored first; the decision that stands. */
export async function decide(redis: Redis, grantId: string, decision: RebindDecision): Promise<RebindDecision> {
  const key = meetingKey(grantId);
  const replies = await redis.multi().hsetnx(key, DECIDED, JSON.stringify(decision)).hget(key, DECIDED).exec();
  const stored = replies?.[1]?.[1] as string | null | undefined;
  return stored ? JSON.parse(stored) as RebindDecision : decision;
}
