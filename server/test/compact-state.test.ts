/** The compact per-address and per-session state: it keeps the order and bounds of the Maps it replaces. */
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/limits/rate-limiter.ts';
import { MemorySessionStore } from '../src/sessions/memory-session-store.ts';
import { PeerTable } from '../src/sessions/peer-table.ts';
import type { Session, SessionPeer } from '../src/sessions/session.ts';

const peer = (remoteKey: string): SessionPeer => ({ remoteKey, localKey: '', seenAt: 0, joinedAt: 0 });

describe('PeerTable', () => {
  it('keeps joiners least recently heard first, alone or many, as a Map does', () => {
    const table = new PeerTable();
    expect([table.size, [...table.keys()]]).toEqual([0, []]);
    table.set('a', peer('a'));
    table.set('a', peer('a'));
    expect([table.size, table.has('a'), table.get('a')?.remoteKey, table.has('b')]).toEqual([1, true, 'a', false]);
    table.set('b', peer('b'));
    table.set('c', peer('c'));
    expect(table.delete('a')).toBe(true);
    table.set('a', peer('a')); // Heard again: to the end.
    expect([...table.keys()]).toEqual(['b', 'c', 'a']);
    expect([...table.values()].map((p) => p.remoteKey)).toEqual(['b', 'c', 'a']);
    expect([table.delete('x'), table.size]).toEqual([false, 3]);
  });
});

describe('MemorySessionStore, provisional sessions of one address', () => {
  it('gives way oldest first whether an address holds one session or several', () => {
    const store = new MemorySessionStore();
    const made = (id: string, port: number): Session => ({
      id, hostRemoteKey: `k${port}`, hostIp: '198.51.100.1', hostLocalKey: '', random: false, peers: new PeerTable(), createdAt: port, hostSeenAt: port, confirmed: false,
    });
    for (const [id, port] of [['s1', 1], ['s2', 2], ['s3', 3]] as const) store.add(made(id, port));
    expect(store.oldestProvisional('198.51.100.1')?.id).toBe('s1');
    store.remove('s1');
    store.confirm('s2');
    expect(store.oldestProvisional('198.51.100.1')?.id).toBe('s3');
    store.remove('s3');
    expect(store.oldestProvisional('198.51.100.1')).toBeUndefined();
  });
});

describe('RateLimiter memory bound', () => {
  it('never forgets an address seen within the last half of its capacity, however many new ones come', () => {
    const limiter = new RateLimiter({ rate: 1, burst: 2, maxTracked: 100 });
    expect(limiter.allow('busy', 0)).toBe(true); // One token of two left.
    for (let i = 0; i < 10_000; i++) {
      limiter.allow(`new${i}`, 0);
      if (i % 40 === 0) limiter.peek('busy', 0);
      if (i % 40 === 0) limiter.allow('busy', 0, 0); // Seen (costs nothing).
    }
    expect(limiter.tracked).toBe(100);
    expect(limiter.allow('busy', 0)).toBe(true);
    expect(limiter.allow('busy', 0)).toBe(false); // Its bucket was kept: still spent, not refilled by forgetting.
  });
});
