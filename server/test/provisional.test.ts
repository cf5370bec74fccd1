/**
 * A registration is provisional until its host proves it received HR (a KA, or any
 * request carrying the session id, from the host's address). Provisional ones expire after
 * --confirm-window whatever HS says, and a new registration pushes out the oldest provisional
 * one of its address (or of the server) instead of being refused: spoofed HS cannot lock an
 * address, or everyone, out of hosting.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach, LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

closeAfterEach();
let running: Running;
const client = (address?: string): Promise<UdpClient> => UdpClient.open(address);

async function host(c: UdpClient): Promise<string> {
  const [hr] = await c.request(running.address, `HS:${LOCAL_KEY}`);
  expect(hr).toMatch(/^HR:/);
  return hr!.split(':')[2]!;
}

describe('provisional registrations', () => {
  it('expire after the confirm window even while HS keeps coming; a KA confirms', async () => {
    running = await startTestServer({ confirmWindowMs: 15_000, expiryMs: 60_000 });
    const spoofed = await client();
    const real = await client();
    const unconfirmed = await host(spoofed);
    const confirmed = await host(real);
    await settle(running, real, `KA:${confirmed}`);
    for (let i = 0; i < 3; i++) {
      running.clock.now += 6_000;
      await host(spoofed); // HS resent: refreshes nothing for a provisional registration
    }
    running.server.expire();
    expect(running.server.store.get(unconfirmed)).toBeUndefined();
    expect(running.server.store.get(confirmed)).toBeDefined();
  });

  it('32 unconfirmed HS from one address do not lock it out of hosting', async () => {
    running = await startTestServer({ sessionsPerIp: 4 });
    for (let i = 0; i < 4; i++) await host(await client('127.0.0.2'));
    // The real host on that address still registers (the oldest provisional one gives way)
    const real = await client('127.0.0.2');
    const id = await host(real);
    await settle(running, real, `KA:${id}`);
    expect(running.server.store.get(id)).toBeDefined();
    expect(running.server.store.hostedFromIp('127.0.0.2')).toBeLessThanOrEqual(4);
  });

  it('confirmed sessions count against --sessions-per-ip', async () => {
    running = await startTestServer({ sessionsPerIp: 2 });
    for (let i = 0; i < 2; i++) {
      const c = await client('127.0.0.2');
      await settle(running, c, `KA:${await host(c)}`);
    }
    const third = await client('127.0.0.2');
    expect(await third.quiet(third.received.length, 0)).toEqual([]);
    third.send(running.address, `HS:${LOCAL_KEY}`);
    expect(await third.quiet(0)).toEqual([]);
    expect(running.server.stats.registrationsRefused).toBe(1);
  });

  it('a table full of unconfirmed registrations still takes a new host', async () => {
    running = await startTestServer({ maxSessions: 4, sessionsPerIp: 100 });
    for (let i = 0; i < 4; i++) await host(await client(`127.0.5.${i + 1}`));
    const real = await client();
    const id = await host(real);
    expect(running.server.store.size).toBe(4);
    expect(running.server.store.get(id)).toBeDefined();
  });

  it('past the total cap of confirmed sessions, a new host is refused and existing ones carry on', async () => {
    running = await startTestServer({ maxSessions: 2 });
    for (let i = 0; i < 2; i++) {
      const c = await client();
      await settle(running, c, `KA:${await host(c)}`);
    }
    const late = await client();
    late.send(running.address, `HS:${LOCAL_KEY}`);
    expect(await late.quiet(0)).toEqual([]);
    expect(running.server.stats.registrationsRefused).toBe(1);
  });
});
