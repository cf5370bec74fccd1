/**
 * Malformed datagrams are charged to their own bucket, so junk from a neighbour
 * behind the same address (or a spoofed source) does not spend the tokens of valid requests.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach, flood, LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

closeAfterEach();
let running: Running;

/** A server with a small bucket, a registered host, and a neighbour on the host's IP. */
async function hostAndNeighbour(): Promise<{ host: UdpClient; neighbour: UdpClient; hr: string; id: string }> {
  running = await startTestServer({ rate: 10, burst: 5 });
  const host = await UdpClient.open();
  const neighbour = await UdpClient.open();
  const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
  return { host, neighbour, hr: hr!, id: hr!.split(':')[2]! };
}

describe('junk and valid traffic from one address', () => {
  it('junk from a neighbour on the host\'s IP does not starve its keep-alives or its requests', async () => {
    const { host, neighbour, hr, id } = await hostAndNeighbour();
    // Given a neighbour on the same IP flooding junk (the clock stands still: no refill)
    await flood(running, neighbour, 'garbage', 200);
    await flood(running, neighbour, `HS:${LOCAL_KEY}x`, 200);
    running.clock.now += 30_000;
    await flood(running, neighbour, 'garbage', 200);
    // When the host keeps its session alive and asks again
    await settle(running, host, `KA:${id}`);
    // Then its keep-alive counted and its request is answered
    expect(running.server.store.get(id)!.hostSeenAt).toBe(running.clock.now);
    expect(await host.request(running.address, `HS:${LOCAL_KEY}`)).toEqual([hr]);
    expect(running.server.stats.dropped.get('invalid_rate_limited')).toBeGreaterThan(500);
  });

  it('valid requests are still limited by their own bucket', async () => {
    running = await startTestServer({ rate: 10, burst: 5 });
    const c = await UdpClient.open();
    await flood(running, c, `HS:${LOCAL_KEY}`, 8);
    expect(running.server.stats.dropped.get('rate_limited')).toBe(3);
  });

  it('an address that spent both buckets gets nothing decoded, but its host\'s keep-alive still counts', async () => {
    const { host, neighbour, id } = await hostAndNeighbour();
    // Given a neighbour that spent the address's valid and junk buckets
    await flood(running, neighbour, `HS:${LOCAL_KEY}`, 10);
    await flood(running, neighbour, 'garbage', 10);
    const { dropped } = running.server.stats;
    const decodedBefore = (dropped.get('no_separator') ?? 0) + (dropped.get('invalid_rate_limited') ?? 0);
    // When it goes on, and the host sends its keep-alive
    await flood(running, neighbour, 'garbage', 50);
    running.clock.now += 50; // half a token: the buckets stay empty
    await settle(running, host, `KA:${id}`);
    // Then nothing more was looked at, and the keep-alive counted
    expect((dropped.get('no_separator') ?? 0) + (dropped.get('invalid_rate_limited') ?? 0)).toBe(decodedBefore);
    expect(running.server.store.get(id)!.hostSeenAt).toBe(running.clock.now);
  });
});
