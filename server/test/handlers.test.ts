/** Every request in every state, over real UDP sockets, against a server on a loopback port. */
import { beforeEach, describe, expect, it } from 'vitest';
import { closeAfterEach, LOCAL_KEY, OTHER_LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

closeAfterEach();
let running: Running;
const client = (address?: string): Promise<UdpClient> => UdpClient.open(address);

beforeEach(async () => {
  running = await startTestServer();
});

/** Registers [host] and returns its session id. */
async function hostSession(host: UdpClient, localKey = LOCAL_KEY): Promise<string> {
  const [answer] = await host.request(running.address, `HS:${localKey}`);
  const match = /^HR:([a-z]{12}):([a-z]+)$/.exec(answer!);
  expect(match, answer).not.toBeNull();
  return match![2]!;
}

describe('HS host_session', () => {
  it('answers HR with the host\'s public key and a session id made of the server key and 4 bigrams', async () => {
    const host = await client();
    const id = await hostSession(host);
    expect(host.received).toEqual([`HR:${host.key}:${id}`]);
    expect(id.slice(0, 12)).toBe(running.server.serverKey);
    expect(id).toHaveLength(12 + 8);
    expect(running.server.store.size).toBe(1);
  });

  it('answers a duplicate with the same id and creates no second session', async () => {
    const host = await client();
    const first = await hostSession(host);
    const second = await hostSession(host, OTHER_LOCAL_KEY);
    expect(second).toBe(first);
    expect(running.server.store.size).toBe(1);
    expect(running.server.store.get(first)!.hostLocalKey).toBe(OTHER_LOCAL_KEY);
  });

  it('gives two hosts two sessions', async () => {
    const a = await hostSession(await client());
    const b = await hostSession(await client());
    expect(a).not.toBe(b);
    expect(running.server.store.size).toBe(2);
  });
});

describe('JS join_session', () => {
  it('sends NJ to the host and JR to the joiner', async () => {
    const host = await client();
    const joiner = await client();
    const id = await hostSession(host);
    const hostBefore = host.received.length;
    const [jr] = await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`);
    const [nj] = await host.next(hostBefore);
    expect(jr).toBe(`JR:${joiner.key}:${host.key}:${LOCAL_KEY}`);
    expect(nj).toBe(`NJ:${joiner.key}:${OTHER_LOCAL_KEY}`);
  });

  it('answers a duplicate with NJ and JR again, and keeps one peer', async () => {
    const host = await client();
    const joiner = await client();
    const id = await hostSession(host);
    await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`);
    const again = await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`);
    expect(again).toEqual([`JR:${joiner.key}:${host.key}:${LOCAL_KEY}`]);
    await host.next(1, 2);
    expect(host.received.slice(1)).toEqual([`NJ:${joiner.key}:${OTHER_LOCAL_KEY}`, `NJ:${joiner.key}:${OTHER_LOCAL_KEY}`]);
    expect(running.server.store.get(id)!.peers.size).toBe(1);
  });

  it('lets many joiners into one session', async () => {
    const host = await client();
    const id = await hostSession(host);
    for (let i = 0; i < 3; i++) await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}`);
    expect(running.server.store.get(id)!.peers.size).toBe(3);
  });

  it('answers BK for an unknown session, a closed one, the host itself, and a full one', async () => {
    const joiner = await client();
    const unknown = `${running.server.serverKey}cyahcyahcyahcyah`;
    expect(await joiner.request(running.address, `JS:${LOCAL_KEY}:${unknown}`)).toEqual([`BK:${unknown}`]);

    const host = await client();
    const id = await hostSession(host);
    expect(await host.request(running.address, `JS:${LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
    await settle(running, host, `CS:${id}`);
    expect(await joiner.request(running.address, `JS:${LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
  });

  it('refuses joiners beyond --max-peers, but still answers one already in', async () => {
    await running.server.close();
    running = await startTestServer({ maxPeers: 1 });
    const host = await client();
    const first = await client();
    const id = await hostSession(host);
    expect((await first.request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
    expect(await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
    expect((await first.request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
  });
});

describe('RS random_session', () => {
  it('makes the first stranger a waiting host and joins the second to it', async () => {
    const first = await client();
    const second = await client();
    const [hr] = await first.request(running.address, `RS:${LOCAL_KEY}`);
    expect(hr).toMatch(new RegExp(`^HR:${first.key}:${running.server.serverKey}[a-z]{8}$`));
    const [jr] = await second.request(running.address, `RS:${OTHER_LOCAL_KEY}`);
    const [nj] = await first.next(1);
    expect(jr).toBe(`JR:${second.key}:${first.key}:${LOCAL_KEY}`);
    expect(nj).toBe(`NJ:${second.key}:${OTHER_LOCAL_KEY}`);
    expect(running.server.stats.matches).toBe(1);
  });

  it('answers duplicates the same way and never matches a stranger twice', async () => {
    const first = await client();
    const second = await client();
    const third = await client();
    const [hr] = await first.request(running.address, `RS:${LOCAL_KEY}`);
    expect(await first.request(running.address, `RS:${LOCAL_KEY}`)).toEqual([hr]);
    const [jr] = await second.request(running.address, `RS:${OTHER_LOCAL_KEY}`);
    expect(await second.request(running.address, `RS:${OTHER_LOCAL_KEY}`)).toEqual([jr]);
    // A third stranger does not join the matched pair: it becomes a new waiting host.
    const [third_hr] = await third.request(running.address, `RS:${LOCAL_KEY}`);
    expect(third_hr).toMatch(new RegExp(`^HR:${third.key}:`));
    expect(running.server.stats.matches).toBe(1);
    expect(running.server.store.size).toBe(2);
    // The matched host asking again gets no new answer (it waits for NJ, which it has).
    expect(await first.quiet(first.received.length)).toEqual([]);
  });

  it('does not let a stranger join a random session by its code', async () => {
    const first = await client();
    const [hr] = await first.request(running.address, `RS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    expect(await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
  });
});

describe('KA keep_alive and CS close_session', () => {
  it('KA from the host keeps its session past the expiry; silence lets it expire', async () => {
    const host = await client();
    const kept = await hostSession(host);
    const other = await client();
    const dropped = await hostSession(other);
    await settle(running, other, `KA:${dropped}`); // both confirmed: this is the expiry of live sessions
    running.clock.now += 50_000;
    await settle(running, host, `KA:${kept}`);
    running.clock.now += 20_000;
    running.server.expire();
    expect(running.server.store.get(kept)).toBeDefined();
    expect(running.server.store.get(dropped)).toBeUndefined();
    expect(running.server.stats.sessionsExpired).toBe(1);
    expect(running.events.map((e) => e.event)).toContain('expired');
  });

  it('KA or CS from anyone but the host changes nothing and gets no answer', async () => {
    const host = await client();
    const stranger = await client();
    const id = await hostSession(host);
    running.clock.now += 50_000;
    await settle(running, stranger, `KA:${id}`);
    await settle(running, stranger, `CS:${id}`);
    expect(running.server.store.get(id)!.hostSeenAt).toBe(running.clock.now - 50_000);
    expect(running.server.store.size).toBe(1);
    expect(running.server.stats.ignored).toBe(2);
    expect(await stranger.quiet(0)).toEqual([]);
  });

  it('CS from the host removes the session; a duplicate CS is harmless', async () => {
    const host = await client();
    const id = await hostSession(host);
    await settle(running, host, `CS:${id}`);
    await settle(running, host, `CS:${id}`);
    expect(running.server.store.size).toBe(0);
    expect(running.server.stats.sessionsClosed).toBe(1);
    expect(await host.quiet(1)).toEqual([]);
  });

  it('KA and CS for a session that does not exist are ignored', async () => {
    const c = await client();
    const id = `${running.server.serverKey}cyahcyahcyahcyah`;
    await settle(running, c, `KA:${id}`);
    await settle(running, c, `CS:${id}`);
    expect(running.server.stats.ignored).toBe(2);
    expect(await c.quiet(0)).toEqual([]);
  });
});

describe('datagrams that are not valid requests', () => {
  const cases: Array<[string, string | Uint8Array, string]> = [
    ['garbage bytes', new Uint8Array([0, 255, 13, 10]), 'not_ascii'],
    ['no separator', 'HELLO', 'no_separator'],
    ['unknown code', `ZZ:${LOCAL_KEY}`, 'unknown_code'],
    ['wrong field count', `HS:${LOCAL_KEY}:${'cy'.repeat(8)}:unknown:${'cy'.repeat(8)}:${'cy'.repeat(8)}:${'cy'.repeat(8)}:${LOCAL_KEY}`, 'field_count'],
    ['an optional nonce that is no token', `HS:${LOCAL_KEY}:${LOCAL_KEY}`, 'bad_field'],
    ['a key with a letter pair that is no bigram', 'HS:qucycyahjiuq', 'bad_field'],
    ['a session id of the wrong shape', `KA:${LOCAL_KEY}cy`, 'bad_field'],
    ['non-ASCII text', `HS:${LOCAL_KEY.slice(0, 11)}é`, 'not_ascii'],
    ['an oversized datagram', `RD:${'a'.repeat(600)}`, 'too_long'],
  ];
  for (const [what, data, reason] of cases) {
    it(`drops ${what} as ${reason}, answers nothing and changes nothing`, async () => {
      const c = await client();
      await settle(running, c, data);
      expect(running.server.stats.dropped.get(reason as never)).toBe(1);
      expect(running.server.store.size).toBe(0);
      expect(await c.quiet(0)).toEqual([]);
    });
  }

  it('drops messages meant for clients or peers (HR, JR, NJ, BK, RD, JH, JD)', async () => {
    const c = await client();
    const id = `${LOCAL_KEY}cyahcyah`;
    for (const text of [`HR:${LOCAL_KEY}:${id}`, `JR:${LOCAL_KEY}:${LOCAL_KEY}:${LOCAL_KEY}`, `NJ:${LOCAL_KEY}:${LOCAL_KEY}`,
      `BK:${id}`, 'RD:ann', `JH:${LOCAL_KEY}`, 'JD:DONE']) {
      await settle(running, c, text);
    }
    expect(running.server.stats.dropped.get('not_for_server')).toBe(7);
    expect(await c.quiet(0)).toEqual([]);
  });
});
