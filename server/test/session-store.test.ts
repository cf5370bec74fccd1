/** The in-memory session store's indexes: provisional registrations and waiting random hosts. */
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../src/sessions/memory-session-store.ts';
import type { Session } from '../src/sessions/session.ts';

function session(id: string, hostIp: string, port: number, random: boolean, createdAt = 0): Session {
  return {
    id, hostRemoteKey: `${hostIp}:${port}`, hostIp, hostLocalKey: '', random, peers: new Map(), createdAt, hostSeenAt: createdAt, confirmed: false,
  };
}

describe('MemorySessionStore', () => {
  it('offers a stranger a waiting host that proved its address before older unproven ones', () => {
    // Given an unproven waiting host (as a spoofed RS makes) and a younger confirmed one
    const store = new MemorySessionStore();
    store.add(session('a', '198.51.100.1', 1, true));
    store.add(session('b', '198.51.100.2', 1, true));
    store.confirm('b');
    // Then a stranger meets the confirmed one, and the unproven one only when no other waits
    expect(store.waitingRandom('x', () => true)?.id).toBe('b');
    store.matchRandom('b', 'x');
    expect(store.waitingRandom('y', () => true)?.id).toBe('a');
    expect(store.waitingRandom('y', (ip) => ip !== '198.51.100.1')).toBeUndefined();
  });

  it('keeps provisional sessions oldest first, by address and in all, and forgets confirmed or removed ones', () => {
    const store = new MemorySessionStore();
    store.add(session('a', '198.51.100.1', 1, false, 1));
    store.add(session('b', '198.51.100.2', 1, false, 2));
    store.add(session('c', '198.51.100.1', 2, false, 3));
    expect(store.oldestProvisional()?.id).toBe('a');
    expect(store.oldestProvisional('198.51.100.1')?.id).toBe('a');
    store.confirm('a');
    expect(store.oldestProvisional()?.id).toBe('b');
    expect(store.oldestProvisional('198.51.100.1')?.id).toBe('c');
    expect(store.removeUnconfirmed(3).map((s) => s.id)).toEqual(['b']);
    expect([store.size, store.hostedFromIp('198.51.100.1'), store.hostedFromIp('198.51.100.2')]).toEqual([2, 2, 0]);
  });

  it('finds an eligible waiting host behind thousands of ineligible ones within a few searches, each search bounded', () => {
    // Given 3,000 waiting hosts of 12 /24s whose addresses are all past their share, then one eligible host
    const store = new MemorySessionStore();
    for (let i = 0; i < 3000; i++) {
      store.add(session(`s${i}`, `203.0.${i % 12}.${1 + Math.floor(i / 12)}`, 1, true));
      store.confirm(`s${i}`);
    }
    store.add(session('real', '198.51.100.7', 1, true));
    store.confirm('real');
    let checks = 0;
    const eligible = (ip: string) => {
      checks++;
      return !ip.startsWith('203.0.');
    };
    // Then each search looks at no more than 1,024 addresses, and one of the first few finds it
    const found: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      checks = 0;
      found.push(store.waitingRandom('x', eligible)?.id);
      expect(checks).toBeLessThanOrEqual(1024);
    }
    expect(found).toContain('real');
    // And a /24 past its budget costs a search one check, however many of its hosts wait
    let netChecks = 0;
    expect(store.waitingRandom('x', () => true, (net) => {
      netChecks++;
      return !net.startsWith('203.0.');
    })?.id).toBe('real');
    expect(netChecks).toBeLessThanOrEqual(13);
  });
});
