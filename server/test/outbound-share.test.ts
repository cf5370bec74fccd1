/**
 * What the server sends to one address. A neighbour behind the host's
 * address (same IP, another port) whose own requests are answered must not use up what may be
 * sent to the host: the limit is per destination endpoint, with a wider one per address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flood, LOCAL_KEY, type Running, startTestServer, UdpClient } from './fixtures.ts';

let running: Running;
const clients: UdpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running.server.close();
});

describe('what is sent to one address', () => {
  it('a neighbour\'s answered requests do not starve the host of its NJ', async () => {
    running = await startTestServer({ rate: 10, burst: 5 });
    const host = await UdpClient.open('127.0.0.2');
    const neighbour = await UdpClient.open('127.0.0.2');
    const joiner = await UdpClient.open('127.0.0.3');
    clients.push(host, neighbour, joiner);
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    // Given a neighbour on the host's IP spending its whole burst on answered requests
    await flood(running, neighbour, `HS:${LOCAL_KEY}`, 5);
    await neighbour.next(0, 4); // its answers (the host's HR took one token of the address)
    // When a player joins the host's session
    const before = host.received.length;
    expect((await joiner.request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
    // Then the host hears of it
    expect((await host.next(before))[0]).toMatch(/^NJ:/);
  });
});
