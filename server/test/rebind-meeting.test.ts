/**
 * Two instances meeting on a rebind in a real Redis (rebind-meeting.ts): each sees the other side
 * once it was written, only the side its grant names, and the first decision stands.
 */
import { describe, expect, it } from 'vitest';
import { decide, meet, type RebindDecision } from '../src/cluster/rebind-meeting.ts';
import { redisPerFile } from './support/redis-server.ts';

const shared = redisPerFile();
const [IP_A, IP_B, IP_C] = ['198.51.100.7', '203.0.113.9', '192.0.2.33'];
const sideA = { key: 'keyofsideaaa', ip: IP_A, peerIp: IP_B, pings: { nodekeyaaaaa: 12 } };
const sideB = { key: 'keyofsidebbb', ip: IP_B, peerIp: IP_A };
const decision = (node: string): RebindDecision => ({
  node, byPing: false, rgs: { [IP_A]: { code: 'RG', peerKey: sideB.key, relayKey: node, token: 'a'.repeat(16) } },
});

describe('meeting on a rebind across instances', () => {
  it('shows each instance the other side once written, with its round trips', async () => {
    const redis = shared.link.commands;
    expect(await meet(redis, 'grant1', sideA)).toEqual({ other: undefined, decided: undefined });
    expect(await meet(redis, 'grant1', sideB)).toEqual({ other: sideA, decided: undefined });
    expect((await meet(redis, 'grant1', sideA)).other).toEqual(sideB);
  });

  it('shows no side its grant does not name as the other', async () => {
    const redis = shared.link.commands;
    await meet(redis, 'grant2', { key: 'keyofsideccc', ip: IP_B, peerIp: IP_C });
    expect((await meet(redis, 'grant2', sideA)).other).toBeUndefined();
  });

  it('keeps the first decision when two instances decide at once', async () => {
    const redis = shared.link.commands;
    const [first, second] = await Promise.all([decide(redis, 'grant3', decision('nodeone')), decide(redis, 'grant3', decision('nodetwo'))]);
    expect(second).toEqual(first);
    expect((await meet(redis, 'grant3', sideA)).decided).toEqual(first);
  });
});
