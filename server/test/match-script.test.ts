/** The atomic match step on a real redis-server: oldest first, never one's own address, within the budgets of matches. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { matchOrWait, type WaitingEntry } from '../src/cluster/match-script.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

let redis: TestRedis;
let link: RedisLink;
beforeAll(async () => {
  redis = await startRedis();
  link = new RedisLink(redis.url, () => {});
  await link.connect();
});
afterAll(async () => {
  await link.close();
  redis.stop();
});
beforeEach(async () => {
  await link.commands.flushall();
});

const limits = { perIp: 100, perNet: 100, entryTtlMs: 15_000, maxChecks: 64 };
const entry = (n: number, ip = `10.0.${n}.1`): WaitingEntry => ({
  instance: `instance${n % 3}`, sessionId: `session${n}`, hostRemoteKey: `key${n}`, hostIp: ip, hostNet: ip.slice(0, ip.lastIndexOf('.')), hostLocalKey: 'local',
});

describe('the match step', () => {
  it('gives each arriving stranger the oldest waiting one', async () => {
    for (const n of [1, 2, 3]) expect(await matchOrWait(link.commands, entry(n), false, limits)).toBeNull();
    expect((await matchOrWait(link.commands, entry(4), true, limits))?.sessionId).toBe('session1');
    expect((await matchOrWait(link.commands, entry(5), true, limits))?.sessionId).toBe('session2');
    expect((await matchOrWait(link.commands, entry(6), true, limits))?.sessionId).toBe('session3');
    expect(await matchOrWait(link.commands, entry(7), true, limits)).toBeNull(); // Nobody left: it waits.
  });

  it('skips a waiting stranger whose address spent its budget of matches, and counts both sides', async () => {
    const tight = { ...limits, perIp: 1 };
    await matchOrWait(link.commands, entry(1, '10.9.9.9'), false, tight);
    await matchOrWait(link.commands, entry(2, '10.9.9.9'), false, tight);
    expect((await matchOrWait(link.commands, entry(3), true, tight))?.sessionId).toBe('session1');
    // 10.9.9.9 took its one match this minute: session2 waits on, and the next stranger waits too.
    expect(await matchOrWait(link.commands, entry(4), true, tight)).toBeNull();
    expect((await matchOrWait(link.commands, entry(5), true, tight))?.sessionId).toBe('session4');
  });

  it('never matches a stranger with itself, and a lapsed entry is skipped', async () => {
    await matchOrWait(link.commands, entry(1), false, limits);
    expect(await matchOrWait(link.commands, { ...entry(1), sessionId: 'again' }, true, limits)).toBeNull();
    await link.commands.del('shp:waiting:entry:session1'); // Its instance died and stopped refreshing it.
    expect((await matchOrWait(link.commands, entry(2), true, limits))?.sessionId).toBe('again');
  });
});
