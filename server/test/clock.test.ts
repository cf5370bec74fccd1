/** The server's timers read a monotonic clock, so a wall-clock step changes nothing. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RendezvousServer } from '../src/rendezvous-server.ts';
import { LOCAL_KEY, UdpClient, testConfig } from './fixtures.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the default clock', () => {
  it('ignores a wall-clock step: a bucket emptied stays empty when Date.now jumps 10 s ahead', async () => {
    // The wall clock, stepped by the test: installed before the server exists, as it would be.
    const realNow = Date.now.bind(Date);
    let step = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + step);
    const server = new RendezvousServer({
      config: testConfig({ maxSessions: 100, rate: 1, burst: 2, maxTracked: 100 }),
    });
    const address = await server.listen();
    const c = await UdpClient.open();
    try {
      await c.request(address, `HS:${LOCAL_KEY}`);
      await c.request(address, `HS:${LOCAL_KEY}`);
      step = 10_000;
      c.send(address, `HS:${LOCAL_KEY}`);
      expect(await c.quiet(2)).toEqual([]);
      expect(server.stats.dropped.get('rate_limited')).toBe(1);
    } finally {
      c.close();
      await server.close();
    }
  });
});
