/**
 * The server side of the wire extensions: the requester's nonce echoed in HR, JR, BK and RF; the
 * host's nonce in NJ; a per-pair secret in JR and NJ when both sides sent nonces; RF instead of
 * silence (or BK) for a request with a nonce past a limit. Requests without a nonce (original
 * clients) get byte for byte the original answers.
 */
import { describe, expect, it } from 'vitest';
import { isToken } from '../src/generated/protocol.ts';
import { closeAfterEach, LOCAL_KEY, OTHER_LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

const HOST_NONCE = 'cyahjcdumwwhrvyq';
const JOINER_NONCE = 'yyqzsrsstgcvgxia';
const OTHER_NONCE = 'babxsmcomseatorb';

closeAfterEach();
let running: Running;
const client = (address?: string): Promise<UdpClient> => UdpClient.open(address);

const idOf = (hr: string) => hr.split(':')[2]!;

describe('nonces and pair secrets', () => {
  it('original requests get the original answers, byte for byte', async () => {
    running = await startTestServer();
    const host = await client();
    const joiner = await client();
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
    expect(hr).toMatch(new RegExp(`^HR:${host.key}:${running.server.serverKey}[a-z]{8}$`));
    const id = idOf(hr!);
    expect(await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`)).toEqual([`JR:${joiner.key}:${host.key}:${LOCAL_KEY}`]);
    expect(await host.next(1)).toEqual([`NJ:${joiner.key}:${OTHER_LOCAL_KEY}`]);
    const unknown = `${running.server.serverKey}cyahcyahcyahcyah`;
    expect(await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${unknown}`)).toEqual([`BK:${unknown}`]);
  });

  it('HR echoes the nonce of the HS it answers', async () => {
    running = await startTestServer();
    const host = await client();
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`);
    expect(hr).toMatch(new RegExp(`^HR:${host.key}:[a-z]+:${HOST_NONCE}$`));
    expect(await host.request(running.address, `HS:${LOCAL_KEY}:${OTHER_NONCE}`)).toEqual([`HR:${host.key}:${idOf(hr!)}:${OTHER_NONCE}`]);
  });

  it('both sides with nonces: JR echoes the joiner\'s, NJ carries the host\'s, both carry one secret, the same on duplicates', async () => {
    running = await startTestServer();
    const host = await client();
    const joiner = await client();
    const id = idOf((await host.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`))[0]!);
    const [jr] = await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}:${JOINER_NONCE}`);
    const [nj] = await host.next(1);
    const secret = jr!.split(':')[5]!;
    expect(isToken(secret)).toBe(true);
    expect(jr).toBe(`JR:${joiner.key}:${host.key}:${LOCAL_KEY}:${JOINER_NONCE}:${secret}`);
    expect(nj).toBe(`NJ:${joiner.key}:${OTHER_LOCAL_KEY}:${HOST_NONCE}:${secret}`);
    expect(await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}:${JOINER_NONCE}`)).toEqual([jr]);
    expect(await host.next(2)).toEqual([nj]);
    // Another pair gets another secret
    const [other] = await (await client()).request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}:${OTHER_NONCE}`);
    expect(other!.split(':')[5]).not.toBe(secret);
  });

  it('one side without a nonce: no secret; each side still gets its own nonce', async () => {
    running = await startTestServer();
    const ours = await client();
    const original = await client();
    const id = idOf((await ours.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`))[0]!);
    expect(await original.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`)).toEqual([`JR:${original.key}:${ours.key}:${LOCAL_KEY}`]);
    expect(await ours.next(1)).toEqual([`NJ:${original.key}:${OTHER_LOCAL_KEY}:${HOST_NONCE}`]);

    const originalHost = await client();
    const oursJoining = await client();
    const id2 = idOf((await originalHost.request(running.address, `HS:${LOCAL_KEY}`))[0]!);
    expect(await oursJoining.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id2}:${JOINER_NONCE}`))
      .toEqual([`JR:${oursJoining.key}:${originalHost.key}:${LOCAL_KEY}:${JOINER_NONCE}`]);
    expect(await originalHost.next(1)).toEqual([`NJ:${oursJoining.key}:${OTHER_LOCAL_KEY}`]);
  });

  it('BK echoes the nonce of the JS it answers', async () => {
    running = await startTestServer();
    const unknown = `${running.server.serverKey}cyahcyahcyahcyah`;
    expect(await (await client()).request(running.address, `JS:${LOCAL_KEY}:${unknown}:${JOINER_NONCE}`)).toEqual([`BK:${unknown}:${JOINER_NONCE}`]);
  });

  it('random pairs: secrets and nonces as for joins, and a matched host resending RS gets its NJ again', async () => {
    running = await startTestServer();
    const first = await client();
    const second = await client();
    const [hr] = await first.request(running.address, `RS:${LOCAL_KEY}:${HOST_NONCE}:unknown`);
    expect(hr).toMatch(new RegExp(`:${HOST_NONCE}$`));
    const [jr] = await second.request(running.address, `RS:${OTHER_LOCAL_KEY}:${JOINER_NONCE}:unknown`);
    const [nj] = await first.next(1);
    const secret = jr!.split(':')[5]!;
    expect(jr).toBe(`JR:${second.key}:${first.key}:${LOCAL_KEY}:${JOINER_NONCE}:${secret}`);
    expect(nj).toBe(`NJ:${second.key}:${OTHER_LOCAL_KEY}:${HOST_NONCE}:${secret}`);
    expect(await first.request(running.address, `RS:${LOCAL_KEY}:${HOST_NONCE}:unknown`)).toEqual([nj]);
  });

  it('an original stranger matched with our host still gets its JR (NJ to the host has its own byte budget)', async () => {
    running = await startTestServer();
    const ours = await client();
    const original = await client();
    await ours.request(running.address, `RS:${LOCAL_KEY}:${HOST_NONCE}:unknown`);
    expect(await original.request(running.address, `RS:${OTHER_LOCAL_KEY}`)).toEqual([`JR:${original.key}:${ours.key}:${LOCAL_KEY}`]);
    expect(await ours.next(1)).toEqual([`NJ:${original.key}:${OTHER_LOCAL_KEY}:${HOST_NONCE}`]);
  });
});

describe('RF: refusals that our node can tell apart', () => {
  it('address_limit and server_full for HS and RS with a nonce; silence without one', async () => {
    running = await startTestServer({ sessionsPerIp: 1, maxSessions: 2 });
    const host = await client('127.0.0.2');
    await settle(running, host, `KA:${idOf((await host.request(running.address, `HS:${LOCAL_KEY}`))[0]!)}`);
    const sameIp = await client('127.0.0.2');
    expect(await sameIp.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`)).toEqual([`RF:address_limit:${HOST_NONCE}`]);
    expect(await sameIp.request(running.address, `RS:${LOCAL_KEY}:${HOST_NONCE}:unknown`)).toEqual([`RF:address_limit:${HOST_NONCE}`]);
    sameIp.send(running.address, `HS:${LOCAL_KEY}`);
    expect(await sameIp.quiet(2)).toEqual([]);

    const other = await client('127.0.0.3');
    await settle(running, other, `KA:${idOf((await other.request(running.address, `HS:${LOCAL_KEY}`))[0]!)}`);
    const late = await client('127.0.0.4');
    expect(await late.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`)).toEqual([`RF:server_full:${HOST_NONCE}`]);
    late.send(running.address, `HS:${LOCAL_KEY}`);
    expect(await late.quiet(1)).toEqual([]);
  });

  it('session_full for a JS with a nonce; BK without one', async () => {
    running = await startTestServer({ maxPeers: 1 });
    const host = await client();
    const id = idOf((await host.request(running.address, `HS:${LOCAL_KEY}`))[0]!);
    await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}`);
    expect(await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}:${JOINER_NONCE}`)).toEqual([`RF:session_full:${JOINER_NONCE}`]);
    expect(await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
  });
});

describe('KA and CS of a host of ours', () => {
  it('count only with the host\'s nonce, so a spoofed one from its address neither confirms, keeps nor closes the session', async () => {
    running = await startTestServer();
    const host = await client();
    const id = idOf((await host.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`))[0]!);
    await settle(running, host, `KA:${id}`);
    await settle(running, host, `KA:${id}:${OTHER_NONCE}`);
    expect(running.server.store.get(id)?.confirmed).toBe(false);
    await settle(running, host, `CS:${id}`);
    await settle(running, host, `CS:${id}:${OTHER_NONCE}`);
    expect(running.server.store.get(id)).toBeDefined();
    await settle(running, host, `KA:${id}:${HOST_NONCE}`);
    expect(running.server.store.get(id)?.confirmed).toBe(true);
    await settle(running, host, `CS:${id}:${HOST_NONCE}`);
    expect(running.server.store.get(id)).toBeUndefined();
  });

  it('an original host (no nonce) is known by its address alone, as before', async () => {
    running = await startTestServer();
    const host = await client();
    const id = idOf((await host.request(running.address, `HS:${LOCAL_KEY}`))[0]!);
    await settle(running, host, `KA:${id}`);
    expect(running.server.store.get(id)?.confirmed).toBe(true);
    await settle(running, host, `CS:${id}`);
    expect(running.server.store.get(id)).toBeUndefined();
  });
});

describe('only the host refreshes its session', () => {
  it('a resent HS or RS from the host\'s address without the host\'s nonce keeps nothing alive; with it, the session lives', async () => {
    running = await startTestServer();
    const host = await client();
    const id = idOf((await host.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`))[0]!);
    await settle(running, host, `KA:${id}:${HOST_NONCE}`);
    const random = await client();
    const randomId = idOf((await random.request(running.address, `RS:${LOCAL_KEY}:${HOST_NONCE}:unknown`))[0]!);
    await settle(running, random, `KA:${randomId}:${HOST_NONCE}`);
    // Both hosts die; a spoofer resends their requests from their addresses every 50 s.
    for (let i = 0; i < 3; i++) {
      running.clock.now += 50_000;
      for (const nonce of ['', `:${OTHER_NONCE}`]) {
        await settle(running, host, `HS:${LOCAL_KEY}${nonce}`);
        await settle(running, random, `RS:${LOCAL_KEY}${nonce}`);
      }
    }
    running.server.expire();
    expect(running.server.store.get(id)).toBeUndefined();
    expect(running.server.store.get(randomId)).toBeUndefined();

    // The live host's own resends (its nonce) still refresh.
    const live = await client();
    const liveId = idOf((await live.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`))[0]!);
    await settle(running, live, `KA:${liveId}:${HOST_NONCE}`);
    running.clock.now += 50_000;
    await settle(running, live, `HS:${LOCAL_KEY}:${HOST_NONCE}`);
    running.clock.now += 20_000;
    running.server.expire();
    expect(running.server.store.get(liveId)).toBeDefined();
  });

  it('an RQ naming the session from the host\'s address refreshes it only with the host\'s nonce', async () => {
    running = await startTestServer();
    const host = await client();
    const joiner = await client('127.0.0.2');
    const id = idOf((await host.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`))[0]!);
    await settle(running, host, `KA:${id}:${HOST_NONCE}`);
    await joiner.request(running.address, `JS:${LOCAL_KEY}:${id}:${JOINER_NONCE}`);
    for (let i = 0; i < 3; i++) {
      running.clock.now += 50_000;
      await settle(running, host, `RQ:${id}:${joiner.key}`);
      await settle(running, host, `RQ:${id}:${joiner.key}:${OTHER_NONCE}`);
    }
    running.server.expire();
    expect(running.server.store.get(id)).toBeUndefined();
  });

  it('an original host (no nonce) is refreshed by its resent HS, as before: it is known by its address alone', async () => {
    running = await startTestServer();
    const host = await client();
    const id = idOf((await host.request(running.address, `HS:${LOCAL_KEY}`))[0]!);
    await settle(running, host, `KA:${id}`);
    running.clock.now += 50_000;
    await settle(running, host, `HS:${LOCAL_KEY}`);
    running.clock.now += 20_000;
    running.server.expire();
    expect(running.server.store.get(id)).toBeDefined();
  });
});
