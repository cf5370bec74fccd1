/**
 * Relay nodes in Redis. Each node writes its entry (public address, ports, region, capacity, load)
 * every NODE_REFRESH_MS with a lifetime of NODE_TTL_MS: a node that stops refreshing (killed, cut
 * off) drops out within NODE_TTL_MS. An instance picks a node for a pair in one atomic step: the
 * one with the lowest share of its capacity in use, counting the grants made since its last
 * refresh so that instances picking at once do not all land on the same node; its own region first
 * when one there has room. When the pair measured its round trips, the instance names the nodes it
 * prefers, best first, and the first of them with room is taken.
 */
import type { Redis } from 'ioredis';

export const NODE_REFRESH_MS = 2_000;
export const NODE_TTL_MS = 3 * NODE_REFRESH_MS;

const NODES_KEY = 'shp:nodes';
const nodeKey = (id: string) => `shp:node:${id}`;
const grantedKey = (id: string) => `shp:node:${id}:granted`;

export interface RelayNodeEntry {
  /** Its key: public address and control port. */
  readonly id: string;
  readonly publicIp: string;
  readonly ports: readonly number[];
  readonly region: string;
  /** Relays it holds at most, and holds now. */
  readonly capacity: number;
  readonly load: number;
}

/** Writes (or refreshes) [entry]; the grants counted since the last refresh start again from its load. */
export async function registerNode(redis: Redis, entry: RelayNodeEntry, ttlMs = NODE_TTL_MS): Promise<void> {
  await redis.multi()
    .set(nodeKey(entry.id), JSON.stringify(entry), 'PX', ttlMs)
    .del(grantedKey(entry.id))
    .sadd(NODES_KEY, entry.id)
    .exec();
}

/** Takes [id] out at once (a node that drains or stops). */
export async function deregisterNode(redis: Redis, id: string): Promise<void> {
  await redis.multi().del(nodeKey(id), grantedKey(id)).srem(NODES_KEY, id).exec();
}

const PICK = `
local best, bestShare, bestInRegion = nil, nil, false
for i = 4, #ARGV do
  local data = ARGV[i] ~= ARGV[3] and redis.call('GET', 'shp:node:' .. ARGV[i])
  if data then
    local node = cjson.decode(data)
    local used = node.load + tonumber(redis.call('GET', 'shp:node:' .. ARGV[i] .. ':granted') or '0')
    if used < node.capacity then
      best = data
      break
    end
  end
end
for _, id in ipairs(best == nil and redis.call('SMEMBERS', KEYS[1]) or {}) do
  local data = redis.call('GET', 'shp:node:' .. id)
  if not data then
    redis.call('SREM', KEYS[1], id)
  elseif id ~= ARGV[3] then
    local node = cjson.decode(data)
    local used = node.load + tonumber(redis.call('GET', 'shp:node:' .. id .. ':granted') or '0')
    if used < node.capacity then
      local share = used / node.capacity
      local inRegion = ARGV[1] ~= '' and node.region == ARGV[1]
      if best == nil or (inRegion and not bestInRegion) or (inRegion == bestInRegion and share < bestShare) then
        best, bestShare, bestInRegion = data, share, inRegion
      end
    end
  end
end
if best == nil then return false end
local chosen = cjson.decode(best)
redis.call('INCR', 'shp:node:' .. chosen.id .. ':granted')
redis.call('PEXPIRE', 'shp:node:' .. chosen.id .. ':granted', ARGV[2])
return best
`;

/**
 * The first node of [preferred] (node ids, best first) with room; else the node with the most room
 * (in [region] first, when given); counted as granted. Never [excluded] (a node that went silent
 * under the pair). Null when none has room.
 */
export async function pickNode(redis: Redis, region = '', preferred: readonly string[] = [], excluded = ''): Promise<RelayNodeEntry | null> {
  const found = await redis.eval(PICK, 1, NODES_KEY, region, String(NODE_TTL_MS), excluded, ...preferred) as string | null;
  return found === null ? null : JSON.parse(found) as RelayNodeEntry;
}

const givingKey = (id: string) => `shp:node:${id}:giving`;

/** Of a host holding every port of a node: the port (number) that would give way to a newcomer from elsewhere, once its game runs and before. */
export interface GivingWayPorts {
  readonly ended: number | undefined;
  readonly fair: number | undefined;
}

/** Writes, for [ttlMs], node [id]'s [ports] by host IP (replacing what it wrote before); none deletes them. */
export async function writeGivingWay(redis: Redis, id: string, ports: ReadonlyMap<string, GivingWayPorts>, ttlMs: number): Promise<void> {
  if (ports.size === 0) {
    await redis.del(givingKey(id));
    return;
  }
  const fields = Object.fromEntries([...ports].map(([ip, p]) => [ip, `${p.ended ?? ''},${p.fair ?? ''}`]));
  await redis.multi().del(givingKey(id)).hset(givingKey(id), fields).pexpire(givingKey(id), ttlMs).exec();
}

/** What node [id] last wrote of host [hostIp] (writeGivingWay), or null. */
export async function readGivingWay(redis: Redis, id: string, hostIp: string): Promise<GivingWayPorts | null> {
  const text = await redis.hget(givingKey(id), hostIp);
  if (!text) return null;
  const [ended, fair] = text.split(',').map((port) => (port === '' ? undefined : Number(port)));
  return { ended, fair };
}

/** Every live node (for /health, metrics and the players' pings). */
export async function listNodes(redis: Redis): Promise<RelayNodeEntry[]> {
  const ids = await redis.smembers(NODES_KEY);
  if (ids.length === 0) return [];
  const entries = await redis.mget(ids.map(nodeKey));
  return entries.filter((e): e is string => e !== null).map((e) => JSON.parse(e) as RelayNodeEntry);
}

/**
 * Keeps a node's entry alive: writes it at once and every [refreshMs] with its current load, and
 * takes it out at once on stop (a drain). A write that fails (Redis away) is retried at the next
 * refresh; meanwhile the entry lapses and instances stop granting this node.
 */
export class NodeAnnouncer {
  private timer: NodeJS.Timeout | undefined;
  /** Writes that failed (Redis away). */
  failures = 0;

  constructor(
    private readonly redis: Redis,
    private readonly entry: () => RelayNodeEntry,
    private readonly refreshMs = NODE_REFRESH_MS,
    private readonly ttlMs = NODE_TTL_MS,
  ) {}

  async start(): Promise<void> {
    await this.announce();
    this.timer = setInterval(() => void this.announce(), this.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await deregisterNode(this.redis, this.entry().id).catch(() => undefined);
  }

  private async announce(): Promise<void> {
    await registerNode(this.redis, this.entry(), this.ttlMs).catch(() => { this.failures++; });
  }
}
