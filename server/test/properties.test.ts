/** Property tests: no input throws, and no sequence of requests breaks the session invariants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { Rendezvous } from '../src/rendezvous.ts';
import { MemorySessionStore } from '../src/sessions/memory-session-store.ts';
import type { Session } from '../src/sessions/session.ts';
import { testConfig } from './fixtures.ts';

const SERVER_KEY = encodeKey({ address: '203.0.113.7', port: 7788 });
const ADDRESSES: Endpoint[] = Array.from({ length: 6 }, (_, i) => ({ address: `198.51.100.${1 + (i % 3)}`, port: 4000 + i }));
const LOCAL = encodeKey({ address: '10.0.0.2', port: 4000 });

describe('decode', () => {
  it('never throws on arbitrary bytes, and accepts only what it can re-encode', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      const result = decode(bytes);
      if (result.ok) expect(bytes.length).toBeLessThanOrEqual(512);
    }), { numRuns: 5000 });
  });

  it('never throws on text made of protocol-like pieces', () => {
    const piece = fc.constantFrom('HS', 'JS', 'RD', 'JD', ':', LOCAL, 'DONE', 'cy', 'uq', '', 'a', '\u00e9');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      decode(Buffer.from(pieces.join(''), 'utf8'));
    }), { numRuns: 5000 });
  });
});

/** One step: a datagram from one of a few addresses, valid or not, or time passing. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), from: fc.integer({ min: 0, max: ADDRESSES.length - 1 }), text: fc.oneof(
    fc.constantFrom(`HS:${LOCAL}`, `RS:${LOCAL}`, 'garbage', `HR:${LOCAL}:${SERVER_KEY}cyahcyah`, 'JD:DONE'),
    fc.tuple(fc.constantFrom('JS', 'KA', 'CS'), fc.integer({ min: 0, max: 7 })).map(([code, n]) => `${code}:${code === 'JS' ? `${LOCAL}:` : ''}#${n}`),
    // Relay requests for the pair of this session's host and any address (no relay ports here).
    fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: ADDRESSES.length - 1 }))
      .map(([n, peer]) => `RQ:#${n}:${encodeKey(ADDRESSES[peer]!)}`),
  ) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 90_000 }) }),
);

function checkInvariants(store: MemorySessionStore, sessions: Session[]): void {
  for (const s of sessions) {
    // Every live session is reachable by its id and by its host; its peers exclude its host.
    expect(store.get(s.id)).toBe(s);
    expect(store.hostedBy(s.hostRemoteKey)).toBe(s);
    expect(s.peers.has(s.hostRemoteKey)).toBe(false);
    if (s.random) expect(s.peers.size).toBeLessThanOrEqual(1);
  }
  expect(store.joiners).toBe(sessions.reduce((n, s) => n + s.peers.size, 0));
  const perIp = new Map<string, number>();
  for (const s of sessions) perIp.set(s.hostIp, (perIp.get(s.hostIp) ?? 0) + 1);
  for (const a of ADDRESSES) expect(store.hostedFromIp(a.address)).toBe(perIp.get(a.address) ?? 0);
}

describe('handlers under arbitrary sequences', () => {
  it('never throw, keep sessions consistent, and count every session', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      let now = 1_000_000;
      const store = new MemorySessionStore();
      const ids: string[] = [];
      const live = new Map<string, Session>();
      const r = new Rendezvous({
        config: testConfig({ suffixBigrams: 2, maxPeers: 3, maxSessions: 4, sessionsPerIp: 2, rate: 20, burst: 10, maxTracked: 100 }),
        store, now: () => now, serverKey: () => SERVER_KEY, log: () => {},
        transmit: (_to, datagram) => {
          const [code, , id] = datagram.toString('latin1').split(':');
          if (code === 'HR' && id && !ids.includes(id)) ids.push(id);
        },
      });
      for (const s of steps) {
        if (s.kind === 'wait') {
          now += s.ms;
          r.expire(now - 60_000);
          continue;
        }
        // `#n` stands for the n-th session id handed out so far (or a made-up one).
        const text = s.text.replace(/#(\d)/, (_, n: string) => ids[Number(n)] ?? `${SERVER_KEY}cyah`);
        r.receive(Buffer.from(text, 'latin1'), ADDRESSES[s.from]!);
      }
      for (const id of ids) {
        const session = store.get(id);
        if (session) live.set(id, session);
      }
      expect(store.size).toBe(live.size);
      expect(store.size).toBeLessThanOrEqual(4);
      checkInvariants(store, [...live.values()]);
      const { stats } = r;
      expect(stats.sessionsCreated - stats.sessionsClosed - stats.sessionsExpired - stats.registrationsUnconfirmed - stats.registrationsEvicted)
        .toBe(store.size);
      expect(stats.dropped.get('handler_error') ?? 0).toBe(0);
      expect(stats.relaysOpened).toBe(0);
    }), { numRuns: 1500 });
  });
});
