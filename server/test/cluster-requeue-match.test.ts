/**
 * Strangers left waiting on different instances through a Redis outage are queued again once it
 * is back, and matched with each other then: no third stranger needs to come by.
 */
import { describe, expect, it } from 'vitest';
import { WAITING_KEY } from '../src/cluster/match-script.ts';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { clusterOnTestRedis, waitFor } from './support/cluster-kit.ts';

const { instance, client, onClose, redis } = clusterOnTestRedis();

describe('strangers queued again after an outage', () => {
  it('two left waiting on different instances are matched with each other once Redis is back', async () => {
    const a = await instance('127.0.0.31');
    const b = await instance('127.0.0.32');
    redis().stop();
    await waitFor(() => !a.link.online && !b.link.online);
    const x = await client('127.0.80.1');
    const y = await client('127.0.81.1');
    x.send(`RS:${LOCAL_KEY}`, a.endpoint);
    y.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => x.has('HR') && y.has('HR'));

    await redis().start();
    await waitFor(() => a.server.pairing!.online && b.server.pairing!.online);
    // One joins the other's session: JR to it, NJ to the other, each from its own instance.
    await waitFor(() => (x.has('JR') && y.has('NJ')) || (y.has('JR') && x.has('NJ')));
    const [joiner, host, joinerAt] = x.has('JR') ? [x, y, a] : [y, x, b];
    const jr = joiner.last('JR')!;
    expect(jr.hostRemoteKey).toBe(host.key);
    expect(jr.joinerRemoteKey).toBe(joiner.key);
    expect(host.last('NJ')!.joinerRemoteKey).toBe(joiner.key);
    expect(joiner.has('NJ')).toBe(false);
    expect(host.has('JR')).toBe(false);
    // The joiner's own waiting session is gone, and neither is left in the queue.
    expect(joinerAt.server.store.get(joiner.last('HR')!.sessionId!)).toBeUndefined();
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(0);
    // Its resend of RS is answered with the same JR.
    const count = joiner.got.filter((m) => m.code === 'JR').length;
    joiner.send(`RS:${LOCAL_KEY}`, joinerAt.endpoint);
    await waitFor(() => joiner.got.filter((m) => m.code === 'JR').length === count + 1);
    expect(joiner.last('JR')!.hostRemoteKey).toBe(host.key);
  }, 30_000);

  it('an instance that listens again matches its waiting stranger, within the budgets of matches', async () => {
    const a = await instance('127.0.0.35');
    const b = await instance('127.0.0.36');
    const x = await client('127.0.84.1');
    const y = await client('127.0.85.1');
    x.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => x.has('HR') && b.server.pairing!['queued'].size === 1);
    // y's address spent its budget of matches: it waits too, beside x.
    await a.link.commands.set('shp:matches:ip:127.0.85.1', String(DEFAULT_CONFIG.matchesPerIp + 1_000_000), 'PX', 60_000);
    y.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => y.has('HR') && a.server.pairing!['queued'].size === 1);
    const listenAgain = async () => {
      b.link.subscriber.disconnect();
      await waitFor(() => !b.server.pairing!.online);
      await b.link.subscriber.connect();
      await waitFor(() => b.server.pairing!.online);
    };
    // b listens again: x is queued again, but y is past its budget, so they stay apart.
    await listenAgain();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(x.has('JR') || y.has('NJ')).toBe(false);
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(2);
    // Once y's budget is back, the next time b listens again x joins y's session.
    await a.link.commands.del('shp:matches:ip:127.0.85.1');
    await listenAgain();
    await waitFor(() => x.has('JR') && y.has('NJ'));
    expect(x.last('JR')!.hostRemoteKey).toBe(y.key);
    expect(y.last('NJ')!.joinerRemoteKey).toBe(x.key);
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(0);
  }, 30_000);

  it('a stranger that resends RS while the other instance is told of its match gets no second match', async () => {
    const a = await instance('127.0.0.37');
    const b = await instance('127.0.0.38');
    const waiting = await client('127.0.86.1');
    waiting.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => waiting.has('HR') && b.server.pairing!['queued'].size === 1);
    const arriving = await client('127.0.87.1');
    // Resent at once and often: some resends come while b is told of the match, before JR.
    const resend = setInterval(() => arriving.send(`RS:${LOCAL_KEY}`, a.endpoint), 1);
    onClose(() => clearInterval(resend));
    await waitFor(() => arriving.has('JR') && waiting.has('NJ'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    clearInterval(resend);
    expect(arriving.has('HR')).toBe(false);
    expect(new Set(arriving.got.filter((m) => m.code === 'JR').map((m) => m.hostRemoteKey))).toEqual(new Set([waiting.key]));
  }, 30_000);
});

