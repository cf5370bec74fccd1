/**
 * Redis stopped under load and started again (empty, on the same port): the instances go on
 * serving (join by code, random matches among their own strangers), say so in /health and the
 * metrics, log it once, and match across instances again once Redis is back, without a restart.
 */
import { describe, expect, it } from 'vitest';
import { clusterHealth, registerClusterMetrics } from '../src/cluster/cluster-metrics.ts';
import { WAITING_KEY } from '../src/cluster/match-script.ts';
import { healthText, metricsRegistry, serveMetrics } from '../src/metrics.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { clusterOnTestRedis, waitFor } from './support/cluster-kit.ts';

const { instance, client, onClose, redis } = clusterOnTestRedis();

const matched = (c: { has: (code: string) => boolean }) => c.has('JR') || c.has('NJ');

describe('Redis unreachable', () => {
  it('instances serve alone while Redis is down, say so, and match across again once it is back', async () => {
    const a = await instance('127.0.0.21');
    const b = await instance('127.0.0.22');
    const registry = metricsRegistry(a.server.stats, a.server.store);
    registerClusterMetrics(registry, a.link, a.server.pairing!, () => a.server.relays.grantsPerNode);
    const http = await serveMetrics('127.0.0.21:0', registry, () => healthText(false, clusterHealth(a.link)));
    onClose(() => { http.close(); });
    const metricsUrl = `http://127.0.0.21:${(http.address() as { port: number }).port}`;
    expect(await (await fetch(`${metricsUrl}/health`)).text()).toContain('redis up');

    redis().stop();
    await waitFor(() => !a.link.online && !b.link.online);
    expect(await (await fetch(`${metricsUrl}/health`)).text()).toContain('redis down');
    expect(await (await fetch(`${metricsUrl}/metrics`)).text()).toMatch(/^shp_redis_up 0$/m);

    // Under load while it is down: strangers keep coming to both instances, 40 to a and 41 to b.
    const strangers: Array<Awaited<ReturnType<typeof client>> & { at: typeof a }> = [];
    for (let i = 0; i < 81; i++) {
      const at = i % 2 === 0 && i < 80 ? a : b;
      const c = Object.assign(await client(`127.0.40.${1 + i}`), { at });
      c.send(`RS:${LOCAL_KEY}`, at.endpoint);
      strangers.push(c);
    }
    // Join by code goes on too.
    const host = await client('127.0.41.1');
    host.send(`HS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => host.has('HR'));
    const code = host.got.find((m) => m.code === 'HR')!.sessionId!;
    const joiner = await client('127.0.41.2');
    joiner.send(`JS:${LOCAL_KEY}:${code}`, a.endpoint);
    await waitFor(() => joiner.has('JR') && host.has('NJ'));
    // Each instance pairs its own strangers: all but b's odd one out.
    await waitFor(() => strangers.filter(matched).length === 80);
    const leftOver = strangers.find((c) => !matched(c))!;
    expect(leftOver.at).toBe(b);

    await redis().start();
    await waitFor(() => a.server.pairing!.online && b.server.pairing!.online); // Reconnected by themselves, within the backoff's bound.
    expect(await (await fetch(`${metricsUrl}/health`)).text()).toContain('redis up');
    // b queued its waiting stranger again: a newcomer at a is matched with it.
    await waitFor(() => b.server.pairing!['queued'].size === 1);
    const newcomer = await client('127.0.42.1');
    newcomer.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => newcomer.has('JR') && leftOver.has('NJ'));
    expect(newcomer.got.find((m) => m.code === 'JR')!.hostRemoteKey).toBe(leftOver.key);
    // Said once per change, however many reconnection attempts failed in between.
    expect(a.events).toEqual(['redis_up', 'redis_down', 'redis_up']);
    expect(b.events).toEqual(['redis_up', 'redis_down', 'redis_up']);
  }, 30_000);

  it('stopped in the middle of a crowd and started again: no stranger is lost or matched twice', async () => {
    const a = await instance('127.0.0.23');
    const b = await instance('127.0.0.24');
    const strangers: Array<Awaited<ReturnType<typeof client>> & { at: string }> = [];
    const arrive = async (count: number, from: number) => {
      for (let i = 0; i < count; i++) {
        const at = i % 2 === 0 ? a : b;
        const c = Object.assign(await client(`127.0.50.${from + i}`), { at: at === a ? 'a' : 'b' });
        const to = at.endpoint;
        c.send(`RS:${LOCAL_KEY}`, to);
        // Resends until matched, as a node does: a stranger whose match was lost with Redis asks again.
        const resend = setInterval(() => (matched(c) ? clearInterval(resend) : c.send(`RS:${LOCAL_KEY}`, to)), 300);
        onClose(() => clearInterval(resend));
        strangers.push(c);
      }
    };
    await arrive(30, 1);
    redis().stop(); // With matches in flight.
    await arrive(60, 31);
    await waitFor(() => !a.link.online && !b.link.online);
    await redis().start();
    await waitFor(() => a.server.pairing!.online && b.server.pairing!.online);
    // Newcomers, one at a time, until everyone who waited is matched.
    for (let i = 0; i < 20 && strangers.filter(matched).length < strangers.length - 1; i++) {
      await arrive(1, 100 + i);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    const partnersHeard = () => {
      const partners = new Map<string, Set<string>>();
      for (const c of strangers) {
        for (const m of c.got) {
          const partner = m.code === 'JR' ? m.hostRemoteKey : m.code === 'NJ' ? m.joinerRemoteKey : undefined;
          if (partner) partners.set(c.key, (partners.get(c.key) ?? new Set()).add(partner));
        }
      }
      return partners;
    };
    // A match across instances is heard in two steps: NJ by the stranger that waited at once, JR by
    // the other only once its instance heard that NJ went out. Checked once no match is heard by one
    // side only (a bounded wait, past the wait for that word: a match never heard by both fails below).
    const halfHeard = () => {
      const partners = partnersHeard();
      return [...partners].some(([key, set]) => [...set].some((partner) => !partners.get(partner)?.has(key)));
    };
    await waitFor(() => !halfHeard(), 3_000).catch(() => undefined);
    const partners = partnersHeard();
    // On failure: who was where, what each heard in order (with partners), and what the instances counted.
    const heard = (c: (typeof strangers)[number]) => `${c.key}@${c.at}: ${c.got.map((m) => m.code + (m.code === 'JR' ? `>${m.hostRemoteKey}` : m.code === 'NJ' ? `<${m.joinerRemoteKey}` : m.code === 'HR' ? `#${m.sessionId}` : '')).join(' ')}`;
    const story = () => [
      `a ${JSON.stringify(a.server.pairing!.counts)} ${a.events.join(',')}; b ${JSON.stringify(b.server.pairing!.counts)} ${b.events.join(',')}`,
      ...strangers.map(heard),
    ].join('\n');
    expect(strangers.filter(matched).length, `strangers left unmatched:\n${strangers.filter((c) => !matched(c)).map(heard).join('\n')}\n${story()}`)
      .toBeGreaterThanOrEqual(strangers.length - 1);
    for (const [key, set] of partners) {
      expect(set.size, `${key} has ${set.size} partners:\n${story()}`).toBe(1);
      expect([...partners.get([...set][0]!) ?? []], `${key}'s partner ${[...set][0]} is not matched with it alone:\n${story()}`).toEqual([key]);
    }
  }, 30_000);

  it('an instance started while Redis is down serves alone, and joins the others once Redis answers', async () => {
    redis().stop();
    const a = await instance('127.0.0.25'); // Starts, without waiting for Redis.
    expect(a.link.online).toBe(false);
    const host = await client('127.0.60.1');
    host.send(`HS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => host.has('HR'));
    await redis().start();
    await waitFor(() => a.server.pairing!.online);
    const b = await instance('127.0.0.26');
    const waiting = await client('127.0.60.2');
    waiting.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => waiting.has('HR'));
    const arriving = await client('127.0.60.3');
    arriving.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => arriving.has('JR') && waiting.has('NJ'));
    expect(a.events).toEqual(['redis_down', 'redis_up']);
  }, 30_000);

  it('a match made while an instance does not listen is not lost: its stranger is queued again once it listens', async () => {
    const a = await instance('127.0.0.27');
    const b = await instance('127.0.0.28');
    const waiting = await client('127.0.70.1');
    waiting.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => waiting.has('HR') && b.server.pairing!['queued'].size === 1);
    // b's subscription drops (as when Redis restarts and b's subscriber is not back yet).
    b.link.subscriber.disconnect();
    const first = await client('127.0.70.2');
    first.send(`RS:${LOCAL_KEY}`, a.endpoint); // Sent once: it takes b's stranger, and nobody hears of it.
    await waitFor(() => a.server.pairing!.counts.lostMatches === 1);
    expect(first.has('JR')).toBe(false);
    // Nobody heard of the match: first waits instead (HR), queued in its turn.
    await waitFor(() => first.has('HR'));
    await b.link.subscriber.connect();
    // b's stranger is queued again once b listens, and matched then: it joins first's session.
    await waitFor(() => waiting.has('JR') && first.has('NJ'));
    expect(waiting.last('JR')!.hostRemoteKey).toBe(first.key);
    expect(first.last('NJ')!.joinerRemoteKey).toBe(waiting.key);
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(0);
  }, 30_000);
});
