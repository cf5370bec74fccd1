/** The atomic match step on a real redis-server: oldest first, never one's own address, within the budgets of matches. */
import { describe, expect, it } from 'vitest';
import { matchOrWait, type WaitingEntry } from '../src/cluster/match-script.ts';
import { redisPerFile } from './support/redis-server.ts';

const shared = redisPerFile();

const limits = { perIp: 100, perNet: 100, entryTtlMs: 15_000, maxChecks: 64 };
const entry = (n: number, ip = `10.0.${n}.1`): WaitingEntry => ({
  instance: `instance${n % 3}`, sessionId: `session${n}`, hostRemoteKey: `key${n}`, hostIp: ip, hostNet: ip.slice(0, ip.lastIndexOf('.')), hostLocalKey: 'local',
});

describe('the match step', () => {
  it('gives each arriving stranger the oldest waiting one', async () => {
    for (const n of [1, 2, 3]) expect(await matchOrWait(shared.link.commands, entry(n), false, limits)).toBeNull();
    expect((await matchOrWait(shared.link.commands, entry(4), true, limits))?.other.sessionId).toBe('session1');
    expect((await matchOrWait(shared.link.commands, entry(5), true, limits))?.other.sessionId).toBe('session2');
    expect((await matchOrWait(shared.link.commands, entry(6), true, limits))?.other.sessionId).toBe('session3');
    expect(await matchOrWait(shared.link.commands, entry(7), true, limits)).toBeNull(); // Nobody left: it waits.
  });

  it('skips a waiting stranger whose address spent its budget of matches, and counts both sides', async () => {
    const tight = { ...limits, perIp: 1 };
    await matchOrWait(shared.link.commands, entry(1, '10.9.9.9'), false, tight);
    await matchOrWait(shared.link.commands, entry(2, '10.9.9.9'), false, tight);
    expect((await matchOrWait(shared.link.commands, entry(3), true, tight))?.other.sessionId).toBe('session1');
    // 10.9.9.9 took its one match this minute: session2 waits on, and the next stranger waits too.
    expect(await matchOrWait(shared.link.commands, entry(4), true, tight)).toBeNull();
    expect((await matchOrWait(shared.link.commands, entry(5), true, tight))?.other.sessionId).toBe('session4');
  });

  it('never matches a stranger with itself, and a lapsed entry is skipped', async () => {
    await matchOrWait(shared.link.commands, entry(1), false, limits);
    expect(await matchOrWait(shared.link.commands, { ...entry(1), sessionId: 'again' }, true, limits)).toBeNull();
    await shared.link.commands.del('shp:waiting:entry:session1'); // Its instance died and stopped refreshing it.
    expect((await matchOrWait(shared.link.commands, entry(2), true, limits))?.other.sessionId).toBe('again');
  });

  it('says which counters a match spent, and the end of the minute it spent of each', async () => {
    await matchOrWait(shared.link.commands, entry(1, '10.7.7.7'), false, limits);
    const made = await matchOrWait(shared.link.commands, entry(2, '10.8.8.8'), true, limits);
    const ends = async (key: string) => ({ key, minuteEnd: await shared.link.commands.pexpiretime(key) });
    expect(made?.spent).toEqual({
      asker: [await ends('shp:matches:ip:10.8.8.8'), await ends('shp:matches:net:10.8.8')],
      taken: [await ends('shp:matches:ip:10.7.7.7'), await ends('shp:matches:net:10.7.7')],
    });
    expect(made!.spent.asker[0]!.minuteEnd).toBeGreaterThan(Date.now());
  });
});
