/**
 * Giving back what a match spent of the budgets of matches, on a real redis-server: once a side
 * however often asked, never below zero, and never into a minute the match did not spend.
 */
import { describe, expect, it } from 'vitest';
import { giveBackSpent } from '../src/cluster/match-refund.ts';
import { type Match, matchOrWait, type WaitingEntry } from '../src/cluster/match-script.ts';
import { redisPerFile } from './support/redis-server.ts';

const shared = redisPerFile();

const limits = { perIp: 100, perNet: 100, entryTtlMs: 15_000, maxChecks: 64 };
const entry = (n: number, ip: string): WaitingEntry => ({
  instance: 'instance', sessionId: `session${n}`, hostRemoteKey: `key${n}`, hostIp: ip, hostNet: ip.slice(0, ip.lastIndexOf('.')), hostLocalKey: 'local',
});
const spent = (ip: string) => shared.link.commands.get(`shp:matches:ip:${ip}`);
const spentNet = (net: string) => shared.link.commands.get(`shp:matches:net:${net}`);

/** [asker] (arriving) takes [waiting] (queued first): the match Redis made. */
async function match(waiting: WaitingEntry, asker: WaitingEntry): Promise<Match> {
  expect(await matchOrWait(shared.link.commands, waiting, false, limits)).toBeNull();
  const made = await matchOrWait(shared.link.commands, asker, true, limits);
  expect(made?.other.sessionId).toBe(waiting.sessionId);
  return made!;
}

describe('giving back what a match spent', () => {
  it('gives a side back once, however often it is asked', async () => {
    // Two matches of the same asking address: its counter stands at 2.
    const first = await match(entry(1, '10.1.0.1'), entry(2, '10.2.0.1'));
    await match(entry(3, '10.3.0.1'), entry(4, '10.2.0.1'));
    expect(await spent('10.2.0.1')).toBe('2');
    expect(await giveBackSpent(shared.link.commands, first, ['asker'])).toBe(1);
    expect(await giveBackSpent(shared.link.commands, first, ['asker'])).toBe(0); // Asked again: nothing more.
    expect(await giveBackSpent(shared.link.commands, first, ['asker', 'asker'])).toBe(0);
    expect(await spent('10.2.0.1')).toBe('1');
    expect(await spentNet('10.2.0')).toBe('1');
    // The other side is given back only when asked for, and once too.
    expect(await spent('10.1.0.1')).toBe('1');
    expect(await giveBackSpent(shared.link.commands, first, ['taken', 'asker'])).toBe(1);
    expect(await giveBackSpent(shared.link.commands, first, ['taken'])).toBe(0);
    expect(await spent('10.1.0.1')).toBe('0');
    expect(await spent('10.3.0.1')).toBe('1');
  });

  it('two instances giving back the same match at once give it back once', async () => {
    const made = await match(entry(1, '10.4.0.1'), entry(2, '10.5.0.1'));
    const given = await Promise.all([1, 2, 3].map(() => giveBackSpent(shared.link.commands, made, ['asker', 'taken'])));
    expect(given.sort()).toEqual([0, 0, 2]);
    expect([await spent('10.4.0.1'), await spent('10.5.0.1')]).toEqual(['0', '0']);
  });

  it('never lowers a counter below zero, nor one started anew after the match\'s minute', async () => {
    const made = await match(entry(1, '10.6.0.1'), entry(2, '10.7.0.1'));
    // The asker's minute ended and a new one began with another match; the taken one's counter is gone.
    await shared.link.commands.del('shp:matches:ip:10.7.0.1', 'shp:matches:ip:10.6.0.1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await shared.link.commands.set('shp:matches:ip:10.7.0.1', '1', 'PX', 60_000);
    expect(await giveBackSpent(shared.link.commands, made, ['asker', 'taken'])).toBe(2);
    expect(await spent('10.7.0.1')).toBe('1');
    expect(await spent('10.6.0.1')).toBeNull();
    // The /24 counters still in the match's minute are given back.
    expect([await spentNet('10.6.0'), await spentNet('10.7.0')]).toEqual(['0', '0']);
  });

  it('a match of two ports of one address gives back each side\'s spending', async () => {
    const made = await match(entry(1, '10.8.0.1'), entry(2, '10.8.0.1'));
    expect(await spent('10.8.0.1')).toBe('2');
    await giveBackSpent(shared.link.commands, made, ['asker']);
    expect(await spent('10.8.0.1')).toBe('1');
    await giveBackSpent(shared.link.commands, made, ['taken']);
    expect(await spent('10.8.0.1')).toBe('0');
  });
});
