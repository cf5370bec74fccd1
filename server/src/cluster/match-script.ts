/**
 * The cross-instance match as one atomic Redis step: a Lua script takes the oldest waiting
 * stranger that may match (not the asker's own address and port, both addresses and /24s within
 * their budgets of matches a minute), or else puts the asker at the back of the queue (an asker
 * queued already keeps its place, and leaves the queue when it is matched). Two
 * instances running it at once cannot take the same stranger: Redis runs scripts one at a time.
 * It says which minute of each budget counter a match spent, so that a match that falls through
 * can give back what it spent, and only that (match-refund.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { runScript } from './redis-script.ts';

/** The waiting queue (a sorted set of session ids by arrival) and the counter that orders it. */
export const WAITING_KEY = 'shp:waiting';
const SEQUENCE_KEY = 'shp:waiting:seq';
/** Per waiting session, its entry (JSON); per address and /24, matches this minute. */
export const entryKey = (id: string) => `shp:waiting:entry:${id}`;

/** A waiting stranger as every instance may read it: enough to answer its match from anywhere. */
export interface WaitingEntry {
  /** The server key of the instance the stranger talks to, which answers it. */
  readonly instance: string;
  readonly sessionId: string;
  readonly hostRemoteKey: string;
  readonly hostIp: string;
  readonly hostNet: string;
  readonly hostLocalKey: string;
  readonly hostNonce?: string;
  readonly hostNat?: unknown;
}

export interface MatchLimits {
  /** How long an entry lasts unless refreshed: its instance refreshes it while the stranger waits. */
  readonly entryTtlMs: number;
  readonly perIp: number;
  readonly perNet: number;
  /** Entries looked at per match at most: the cost of one match is bounded. */
  readonly maxChecks: number;
}

const SCRIPT = `
local perIp, perNet = tonumber(ARGV[5]), tonumber(ARGV[6])
local function within(ip, net)
  return tonumber(redis.call('GET', 'shp:matches:ip:' .. ip) or '0') < perIp
    and tonumber(redis.call('GET', 'shp:matches:net:' .. net) or '0') < perNet
end
-- Spends a side's budgets; returns which minute of its counters it spent (their ends).
local function spend(ip, net)
  local ends = {}
  for _, key in ipairs({'shp:matches:ip:' .. ip, 'shp:matches:net:' .. net}) do
    if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, 60000) end
    ends[#ends + 1] = redis.call('PEXPIRETIME', key)
  end
  return ends
end
local entry = cjson.decode(ARGV[1])
if ARGV[2] == '1' and within(entry.hostIp, entry.hostNet) then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[4]) - 1)) do
    local data = redis.call('GET', 'shp:waiting:entry:' .. id)
    if not data then
      redis.call('ZREM', KEYS[1], id)
    else
      local other = cjson.decode(data)
      if other.hostRemoteKey ~= entry.hostRemoteKey and within(other.hostIp, other.hostNet) then
        redis.call('ZREM', KEYS[1], id)
        redis.call('DEL', 'shp:waiting:entry:' .. id)
        -- An asker queued already (queued again after an outage) leaves the queue with its match.
        redis.call('ZREM', KEYS[1], entry.sessionId)
        redis.call('DEL', 'shp:waiting:entry:' .. entry.sessionId)
        local asker, taken = spend(entry.hostIp, entry.hostNet), spend(other.hostIp, other.hostNet)
        return {data, asker[1], asker[2], taken[1], taken[2]}
      end
    end
  end
end
redis.call('ZADD', KEYS[1], 'NX', redis.call('INCR', KEYS[2]), entry.sessionId)
redis.call('SET', 'shp:waiting:entry:' .. entry.sessionId, ARGV[1], 'PX', ARGV[3])
return false
`;

/** A budget counter a match spent, and the end of the minute it spent (as PEXPIRETIME says). */
export interface SpentCounter {
  readonly key: string;
  readonly minuteEnd: number;
}

/** A match Redis made: the stranger taken, an id of its own, and what it spent for each side. */
export interface Match {
  readonly other: WaitingEntry;
  /** Never repeats, also across Redis restarts: a give-back of one match is never taken for another's. */
  readonly id: string;
  readonly spent: { readonly asker: readonly SpentCounter[]; readonly taken: readonly SpentCounter[] };
}

/**
 * Matches [entry] with the oldest eligible waiting stranger (removed from the queue, returned), or
 * queues it (null). With [mayMatch] false it is only queued: its address is past its fair share here.
 */
export async function matchOrWait(redis: Redis, entry: WaitingEntry, mayMatch: boolean, limits: MatchLimits): Promise<Match | null> {
  const found = await runScript(redis, SCRIPT, [WAITING_KEY, SEQUENCE_KEY], [JSON.stringify(entry), mayMatch ? '1' : '0',
    String(limits.entryTtlMs), String(limits.maxChecks), String(limits.perIp), String(limits.perNet)]) as [string, number, number, number, number] | null;
  if (found === null) return null;
  const [data, askerIp, askerNet, takenIp, takenNet] = found;
  const other = JSON.parse(data) as WaitingEntry;
  return {
    other, id: randomUUID(),
    spent: { asker: spentCounters(entry, askerIp, askerNet), taken: spentCounters(other, takenIp, takenNet) },
  };
}

/** The counters the match step spent for [side]'s address and /24 (the keys as it names them). */
function spentCounters(side: WaitingEntry, ipEnd: number, netEnd: number): SpentCounter[] {
  return [{ key: `shp:matches:ip:${side.hostIp}`, minuteEnd: ipEnd }, { key: `shp:matches:net:${side.hostNet}`, minuteEnd: netEnd }];
}

/** Takes a stranger out of the queue (it left, expired, or its instance closes). */
export async function leaveQueue(redis: Redis, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await redis.multi().zrem(WAITING_KEY, ...ids).del(...ids.map(entryKey)).exec();
}

/** Keeps the entries of strangers still waiting alive for another [ttlMs]. */
export async function refreshEntries(redis: Redis, ids: readonly string[], ttlMs: number): Promise<void> {
  if (ids.length === 0) return;
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.pexpire(entryKey(id), ttlMs);
  await pipeline.exec();
}
