/**
 * Sources the server cannot answer (port 0, unspecified, multicast, broadcast) are
 * dropped and counted before anything answers or stores them, and no send can throw out.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { Rendezvous } from '../src/rendezvous.ts';
import { MemorySessionStore } from '../src/sessions/memory-session-store.ts';
import { closeAfterEach, LOCAL_KEY, type Running, startTestServer, UdpClient, testClock, testConfig, waitUntil } from './fixtures.ts';
import { rawUnavailable, sendRaw } from './support/raw-udp.ts';

closeAfterEach();
let running: Running;

beforeEach(async () => {
  running = await startTestServer();
});

describe.skipIf(rawUnavailable())('spoofed sources over a raw socket', () => {
  const sources: Array<[string, Endpoint]> = [
    ['port 0', { address: '127.0.0.1', port: 0 }],
    // (0.0.0.0 itself cannot be sent: the kernel fills in a zero source address; 0/8 is the same case)
    ['"this network" (0/8)', { address: '0.1.2.3', port: 4000 }],
    ['a multicast address', { address: '224.0.0.1', port: 4000 }],
    ['the broadcast address', { address: '255.255.255.255', port: 4000 }],
  ];
  for (const [what, from] of sources) {
    it(`drops HS from ${what} as bad_source: no session, nothing sent`, async () => {
      await sendRaw([{ from, to: running.address, payload: `HS:${LOCAL_KEY}` }]);
      await waitUntil(() => running.server.stats.dropped.get('bad_source') === 1, 'bad_source counted');
      expect(running.server.store.size).toBe(0);
      expect(running.server.stats.total(running.server.stats.sent)).toBe(0);
    });
  }

  it('a session stays joinable after a JS from port 0, and a host on port 0 cannot exist', async () => {
    const host = await UdpClient.open();
    const joiner = await UdpClient.open();
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    await sendRaw([{ from: { address: '127.0.0.1', port: 0 }, to: running.address, payload: `JS:${LOCAL_KEY}:${id}` }]);
    await waitUntil(() => running.server.stats.dropped.get('bad_source') === 1, 'bad_source counted');
    expect(running.server.store.get(id)!.peers.size).toBe(0);
    expect((await joiner.request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
  });
});

describe('sends that throw', () => {
  it('are caught and counted, in answers to datagrams and in later answers (RG)', () => {
    const clock = testClock();
    const r = new Rendezvous({
      config: testConfig({ maxSessions: 100, burst: 10 }),
      store: new MemorySessionStore(), now: clock.read, serverKey: () => encodeKey({ address: '203.0.113.7', port: 7788 }),
      log: () => {}, transmit: () => { throw new Error('ERR_SOCKET_BAD_PORT'); },
    });
    expect(() => r.receive(Buffer.from(`HS:${LOCAL_KEY}`, 'latin1'), { address: '198.51.100.1', port: 4000 })).not.toThrow();
    expect(() => r.answer({ address: '198.51.100.1', port: 4000 }, { code: 'BK', sessionId: `${LOCAL_KEY}cyah` })).not.toThrow();
    expect(r.stats.dropped.get('send_failed')).toBe(2);
  });

  it('socket errors are counted, and logged once per interval however many there are', () => {
    const clock = testClock();
    const logged: string[] = [];
    const r = new Rendezvous({
      config: testConfig({ maxSessions: 100, burst: 10 }),
      store: new MemorySessionStore(), now: clock.read, serverKey: () => encodeKey({ address: '203.0.113.7', port: 7788 }),
      log: (event) => logged.push(event), transmit: () => {},
    });
    for (let i = 0; i < 100; i++) r.socketError(new Error('ENETUNREACH'));
    clock.now += 10_000;
    r.socketError(new Error('ENETUNREACH'));
    expect(r.stats.dropped.get('send_failed')).toBe(101);
    expect(logged).toEqual(['socket_error', 'socket_error']);
  });
});
