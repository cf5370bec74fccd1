/**
 * One address (or one /24) takes at most its budget of random matches and no more than
 * a fair share of the strangers, however many ports it sends RS from; strangers then match each other. A matched player that resends RS is
 * answered again (NJ to the host, JR and NJ for the stranger), not left waiting.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach, LOCAL_KEY, OTHER_LOCAL_KEY, type Running, startTestServer, UdpClient } from './fixtures.ts';

closeAfterEach();
let running: Running;
const client = (address?: string): Promise<UdpClient> => UdpClient.open(address);

describe('random matches', () => {
  /** Strangers on their own addresses each ask once, confirm as our node does (KA at once), and an attacker on one IP asks after each from a fresh port. */
  async function strangersAndAnAttacker(count: number): Promise<{ stolen: number; strangersPaired: number }> {
    let stolen = 0;
    let strangersPaired = 0;
    for (let i = 0; i < count; i++) {
      const stranger = await client(`127.0.1.${10 + i}`);
      const [answer] = await stranger.request(running.address, `RS:${LOCAL_KEY}`);
      if (answer!.startsWith('JR:')) {
        strangersPaired++;
        continue;
      }
      stranger.send(running.address, `KA:${answer!.split(':')[2]}`);
      const attacker = await client('127.0.0.2');
      const [taken] = await attacker.request(running.address, `RS:${OTHER_LOCAL_KEY}`);
      if (taken!.startsWith('JR:')) stolen++;
    }
    return { stolen, strangersPaired };
  }

  it('an attacker with many ports on one IP takes no more than a fair share of strangers, whatever its budget', async () => {
    running = await startTestServer({ matchesPerIp: 1000, matchesPerNet: 1000 });
    const { stolen, strangersPaired } = await strangersAndAnAttacker(12);
    // Twice the average address's share, and at least one: with strangers pairing each other, about two of twelve
    expect(stolen).toBeLessThanOrEqual(3);
    expect(strangersPaired).toBeGreaterThanOrEqual(4);
  });

  it('and no more than its budget of matches a minute', async () => {
    running = await startTestServer({ matchesPerIp: 1, matchesPerNet: 100 });
    const { stolen, strangersPaired } = await strangersAndAnAttacker(6);
    expect(stolen).toBe(1);
    expect(strangersPaired).toBe(2);
  });

  it('a /24 shares one budget across its addresses', async () => {
    running = await startTestServer({ matchesPerIp: 100, matchesPerNet: 2 });
    let stolen = 0;
    for (let i = 0; i < 6; i++) {
      const stranger = await client(`127.${10 + i}.0.1`); // each stranger on its own /24
      await stranger.request(running.address, `RS:${LOCAL_KEY}`);
      const attacker = await client(`127.0.3.${1 + i}`);
      const [answer] = await attacker.request(running.address, `RS:${OTHER_LOCAL_KEY}`);
      if (answer!.startsWith('JR:')) stolen++;
    }
    expect(stolen).toBe(2);
  });

  it('a matched host that resends RS gets NJ again; a matched stranger gets JR and the host NJ', async () => {
    running = await startTestServer();
    const first = await client();
    const second = await client();
    await first.request(running.address, `RS:${LOCAL_KEY}`);
    const [jr] = await second.request(running.address, `RS:${OTHER_LOCAL_KEY}`);
    const [nj] = await first.next(1);
    // The NJ may have been lost: the host asks again
    expect(await first.request(running.address, `RS:${LOCAL_KEY}`)).toEqual([nj]);
    expect(await second.request(running.address, `RS:${OTHER_LOCAL_KEY}`)).toEqual([jr]);
  });

  it('thousands of waiting hosts from a few /24s that spent their budgets never hide strangers from each other', async () => {
    running = await startTestServer({ matchesPerIp: 30, matchesPerNet: 4, maxTracked: 10_000 });
    // Five attacker /24s, 250 addresses each: every one asks once and confirms. Each /24 spends
    // its budget on two matches among its own, then the rest wait, oldest first.
    const waitAsHost = async (address: string): Promise<void> => {
      const attacker = await client(address);
      const [answer] = await attacker.request(running.address, `RS:${LOCAL_KEY}`);
      if (answer!.startsWith('HR:')) attacker.send(running.address, `KA:${answer!.split(':')[2]}`);
      await attacker.quiet(0, 5);
      attacker.close();
    };
    for (let net = 0; net < 5; net++) {
      for (let batch = 0; batch < 250; batch += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, i) => waitAsHost(`127.30.${net}.${1 + batch + i}`)));
      }
    }
    expect(running.server.store.size).toBeGreaterThan(1200);
    // Twenty strangers, each on its own /24, ask one after another and confirm as our node does.
    const strangers = new Set<string>();
    let paired = 0;
    for (let i = 0; i < 20; i++) {
      const stranger = await client(`127.${100 + i}.0.1`);
      strangers.add(stranger.key);
      const [answer] = await stranger.request(running.address, `RS:${LOCAL_KEY}`);
      if (answer!.startsWith('JR:')) {
        expect(strangers.has(answer!.split(':')[2]!)).toBe(true);
        paired++;
      } else {
        stranger.send(running.address, `KA:${answer!.split(':')[2]}`);
        await stranger.quiet(0, 5);
      }
    }
    expect(paired).toBe(10);
  }, 30_000);
});
