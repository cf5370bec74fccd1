/**
 * Giving back what a match that fell through spent of the budgets of matches a minute. The match
 * step (match-script.ts) notes, under the match's id, each side's counters and which minute of
 * them it spent; a give-back takes one side's note away and lowers its counters, in one Lua step,
 * so that a side is given back at most once however often it is asked, never below zero, and only
 * within the minute it spent (a counter started anew since is left alone).
 */
import type { Redis } from 'ioredis';
import { runScript } from './redis-script.ts';

/** The two strangers of a match: the one whose request made it, and the one it took from the queue. */
export type MatchSide = 'asker' | 'taken';

const SCRIPT = `
local given = 0
for i = 1, #ARGV do
  local note = redis.call('HGET', KEYS[1], ARGV[i])
  if note then
    redis.call('HDEL', KEYS[1], ARGV[i])
    given = given + 1
    for _, spent in ipairs(cjson.decode(note)) do
      local key, minute = spent[1], spent[2]
      if redis.call('PEXPIRETIME', key) == minute and tonumber(redis.call('GET', key) or '0') > 0 then
        redis.call('DECR', key)
      end
    end
  end
end
return given
`;

/** Gives back what match [id] spent for [sides]; resolves with how many sides were given back now. */
export async function giveBackSpent(redis: Redis, id: string, sides: readonly MatchSide[]): Promise<number> {
  if (sides.length === 0) return 0;
  return await runScript(redis, SCRIPT, [`shp:match:${id}`], sides) as number;
}
