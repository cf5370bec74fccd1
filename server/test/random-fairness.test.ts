/**
 * Finding 6: one address (or one /24) takes at most its budget of random matches, however many
 * ports it sends RS from; strangers then match each other. A matched player that resends RS is
 * answered again (NJ to the host, JR and NJ for the stranger), not left waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_KEY, OTHER_LOCAL_KEY, type Running, startTestServer, TestClient } from './fixtures.ts';

let running: Running;
const clients: TestClient[] = [];

async function client(address?: string): Promise<TestClient> {
  const c = await TestClient.open(address);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running.server.close();
});

describe('random matches', () => {
  it('an attacker with many ports on one IP takes at most its budget of strangers', async () => {
    running = await startTestServer({ matchesPerIp: 3, matchesPerNet: 100 });
    let stolen = 0;
    let strangersPaired = 0;
    for (let i = 0; i < 10; i++) {
      // Given a stranger asking for a match (it waits, or pairs with a stranger left waiting)
      const stranger = await client(`127.0.1.${10 + i}`);
      const [answer] = await stranger.request(running.address, `RS:${LOCAL_KEY}`);
      if (answer!.startsWith('JR:')) {
        strangersPaired++;
        continue;
      }
      // When the attacker sends RS from a fresh port
      const attacker = await client('127.0.0.2');
      const [taken] = await attacker.request(running.address, `RS:${OTHER_LOCAL_KEY}`);
      if (taken!.startsWith('JR:')) stolen++;
    }
    // Then it got its budget, and the strangers it could not take paired with each other
    expect(stolen).toBe(3);
    expect(strangersPaired).toBe(3);
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
});
