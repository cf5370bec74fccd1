/**
 * Giving back what a match that fell through spent of the budgets of matches a minute, in one Lua
 * step: a side of a match is given back at most once however often it is asked (a mark per match
 * and side, kept past the longest minute), never below zero, and only within the minute it spent
 * (a counter that expired and started anew since is left alone). The match step said which
 * counters and minutes it spent (match-script.ts).
 */
import type { Redis } from 'ioredis';
import type { Match } from './match-script.ts';
import { runScript } from './redis-script.ts';

/** The two strangers of a match: the one whose request made it, and the one it took from the queue. */
export type MatchSide = 'asker' | 'taken';

// KEYS: per side given back, its mark then its two counters; ARGV: per counter, the end of its minute spent.
const SCRIPT = `
local given = 0
for side = 0, #KEYS / 3 - 1 do
  if redis.call('SET', KEYS[side * 3 + 1], '1', 'NX', 'PX', 120000) then
    given = given + 1
    for i = 2, 3 do
      local key, minuteEnd = KEYS[side * 3 + i], tonumber(ARGV[side * 2 + i - 1])
      if redis.call('PEXPIRETIME', key) == minuteEnd and tonumber(redis.call('GET', key) or '0') > 0 then
        redis.call('DECR', key)
      end
    end
  end
end
return given
`;

/** Gives back what [match] spent for [sides]; resolves with how many sides were given back now. */
export async function giveBackSpent(redis: Redis, match: Match, sides: readonly MatchSide[]): Promise<number> {
  const unique = [...new Set(sides)];
  if (unique.length === 0) return 0;
  const keys = unique.flatMap((side) => [`shp:match:${match.id}:${side}`, ...match.spent[side].map((counter) => counter.key)]);
  const args = unique.flatMap((side) => match.spent[side].map((counter) => String(counter.minuteEnd)));
  return await runScript(redis, SCRIPT, keys, args) as number;
}
