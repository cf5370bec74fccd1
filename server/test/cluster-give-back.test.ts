/**
 * Matches across instances that fall through, and strangers queued again: a waiting stranger is
 * never lost when its match falls through (it goes back in the queue and the next stranger takes
 * it), one queued again past its fair share takes nobody, and one matched while Redis decided
 * does not stay in the queue.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { matchOrWait, WAITING_KEY } from '../src/cluster/match-script.ts';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { clusterOnTestRedis, waitFor } from './support/cluster-kit.ts';

const { instance, client, onClose, redis } = clusterOnTestRedis();

type Instance = Awaited<ReturnType<typeof instance>>;

/** [at] subscribes to its channel again: its strangers waiting in the queue are queued again, as after an outage. */
async function listenAgain(at: Instance): Promise<void> {
  at.link.subscriber.disconnect();
  await waitFor(() => !at.server.pairing!.online);
  await at.link.subscriber.connect();
  await waitFor(() => at.server.pairing!.online);
}

/** Holds [ip] past its budget of matches (counted in Redis for every instance) until [withinBudget]. */
async function pastBudget(at: Instance, ip: string): Promise<void> {
  await at.link.commands.set(`shp:matches:ip:${ip}`, String(DEFAULT_CONFIG.matchesPerIp + 1_000_000), 'PX', 60_000);
}
async function withinBudget(at: Instance, ...ips: string[]): Promise<void> {
  await at.link.commands.del(...ips.map((ip) => `shp:matches:ip:${ip}`));
}

/** waitFor, for a condition Redis answers. */
async function until(condition: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const queued = (at: Instance) => at.server.pairing!['queued'] as Map<string, unknown>;

describe('a match across instances that falls through', () => {
  it('our stranger queued again, whose match the other instance never answers, goes back in the queue and the next stranger takes it', async () => {
    const a = await instance('127.0.0.41');
    const b = await instance('127.0.0.42');
    const x = await client('127.0.90.1');
    x.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => x.has('HR') && queued(a).size === 1);
    // A stranger of an instance that hears its word of a match but never answers it (it hangs).
    const hung = new Redis(redis().url);
    onClose(() => { hung.disconnect(); });
    const told: Array<Record<string, unknown>> = [];
    hung.on('message', (_channel: string, text: string) => told.push(JSON.parse(text) as Record<string, unknown>));
    await hung.subscribe('shp:instance:hung');
    await matchOrWait(a.link.commands, {
      instance: 'hung', sessionId: 'hungsession', hostRemoteKey: 'qucyahjcdumw', hostIp: '127.0.91.1', hostNet: '127.0.91', hostLocalKey: LOCAL_KEY,
    }, false, { perIp: 100, perNet: 100, entryTtlMs: 15_000, maxChecks: 64 });
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(2);

    // x is queued again and Redis gives it the hung instance's stranger: x would join that session.
    await listenAgain(a);
    await waitFor(() => told.length === 1);
    expect(told[0]).toMatchObject({ kind: 'joiner', sessionId: 'hungsession', remoteKey: x.key, replyTo: a.server.serverKey });
    // No answer within its time: the match is given up, and x waits in the queue again, unanswered meanwhile.
    await waitFor(() => a.server.pairing!.counts.lostMatches === 1, 5_000);
    await until(async () => await a.link.commands.zcard(WAITING_KEY) === 1);
    expect(queued(a).size).toBe(1);
    expect(x.has('JR') || x.has('NJ')).toBe(false);

    // The next stranger, at another instance, takes x.
    const z = await client('127.0.92.1');
    z.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => z.has('JR') && x.has('NJ'));
    expect(z.last('JR')!.hostRemoteKey).toBe(x.key);
    expect(x.last('NJ')!.joinerRemoteKey).toBe(z.key);
    expect(z.has('HR')).toBe(false);
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(0);
  }, 30_000);

  it('another instance\'s stranger that Redis gave to ours once ours no longer waited alone goes back in the queue and the next stranger takes it', async () => {
    const a = await instance('127.0.0.43');
    const b = await instance('127.0.0.44');
    // Three strangers waiting at once, none of them within its budget of matches: x1 and x2 at a, y at b, in that order.
    const [x1, x2, y] = await Promise.all([client('127.0.93.1'), client('127.0.94.1'), client('127.0.95.1')]);
    await pastBudget(a, '127.0.93.1');
    await pastBudget(a, '127.0.94.1');
    await pastBudget(a, '127.0.95.1');
    x1.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => x1.has('HR') && queued(a).size === 1);
    x2.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => x2.has('HR') && queued(a).size === 2);
    y.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => y.has('HR') && queued(b).size === 1);
    await withinBudget(a, '127.0.93.1', '127.0.94.1', '127.0.95.1');

    // a queues x1 and x2 again in one go: Redis gives x2 to x1 and then y to x2, which by the time
    // that answer comes waits no longer alone (x1 joined it here).
    await listenAgain(a);
    await waitFor(() => x1.has('JR') && x2.has('NJ'));
    expect(x1.last('JR')!.hostRemoteKey).toBe(x2.key);
    expect(x2.last('NJ')!.joinerRemoteKey).toBe(x1.key);
    // y is not lost: it waits in the queue again, told of nothing.
    await until(async () => await a.link.commands.zcard(WAITING_KEY) === 1);
    expect(await a.link.commands.zrange(WAITING_KEY, '0', '-1')).toEqual([y.last('HR')!.sessionId]);
    expect(y.has('NJ')).toBe(false);
    // y heard nothing of the match and did not undo it: it gets back what the match spent; x2, whose
    // own match undid it, does not.
    await until(async () => await a.link.commands.get('shp:matches:ip:127.0.95.1') === '0');
    expect(await a.link.commands.get('shp:matches:ip:127.0.94.1')).toBe('2');

    // The next stranger takes y.
    const z = await client('127.0.96.1');
    z.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => z.has('JR') && y.has('NJ'));
    expect(z.last('JR')!.hostRemoteKey).toBe(y.key);
    expect(y.last('NJ')!.joinerRemoteKey).toBe(z.key);
    expect(x2.got.filter((m) => m.code === 'NJ').every((m) => m.joinerRemoteKey === x1.key)).toBe(true);
  }, 30_000);
});

describe('a stranger queued again', () => {
  it('matched here by another of ours queued again with it leaves the queue: the next stranger waits rather than losing its match', async () => {
    const a = await instance('127.0.0.47');
    const b = await instance('127.0.0.48');
    const [x1, x2] = await Promise.all([client('127.0.100.1'), client('127.0.101.1')]);
    await pastBudget(a, '127.0.100.1');
    await pastBudget(a, '127.0.101.1');
    x1.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => x1.has('HR') && queued(a).size === 1);
    x2.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => x2.has('HR') && queued(a).size === 2);
    await withinBudget(a, '127.0.100.1', '127.0.101.1');
    // a queues both again in one go: Redis gives x2 to x1, and x2's own turn finds nobody.
    await listenAgain(a);
    await waitFor(() => x1.has('JR') && x2.has('NJ'));
    expect(x1.last('JR')!.hostRemoteKey).toBe(x2.key);
    // x2's own request put it back in the queue after x1 took it there: that entry goes too.
    await until(async () => await a.link.commands.zcard(WAITING_KEY) === 0, 3_000);
    expect(queued(a).size).toBe(0);
    // The next stranger finds nobody and waits, rather than being given x2 and hearing nothing.
    const z = await client('127.0.102.1');
    z.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => z.has('HR'));
    expect(b.server.pairing!.counts.lostMatches).toBe(0);
    expect((a.server.stats.dropped as Map<string, number>).get('match_lost')).toBeUndefined();
  }, 30_000);

  it('past its fair share of matches here, takes no waiting stranger: it waits on, until a stranger within its share comes', async () => {
    const a = await instance('127.0.0.45');
    const b = await instance('127.0.0.46');
    const x = await client('127.0.97.1');
    const y = await client('127.0.98.1');
    x.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => x.has('HR') && queued(a).size === 1);
    // y's address is past its budget of matches: it waits too, beside x.
    await pastBudget(b, '127.0.98.1');
    y.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => y.has('HR') && queued(b).size === 1);
    await withinBudget(b, '127.0.98.1');
    // x's address took three matches at a lately, while seven addresses came by: past its fair share there.
    const ctx = a.server.rendezvous.handlers['ctx'];
    const now = ctx.now();
    for (let i = 1; i <= 3; i++) {
      ctx.matchShares.record('127.0.97.1', now);
      ctx.matchShares.record(`127.0.99.${i}`, now);
    }
    for (let i = 4; i <= 6; i++) ctx.matchShares.seen(`127.0.99.${i}`, now);
    expect(ctx.matchShares.fair('127.0.97.1', now)).toBe(false);

    // a queues x again: x may not take y, so both wait on.
    await listenAgain(a);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(x.has('JR') || x.has('NJ') || y.has('JR') || y.has('NJ')).toBe(false);
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(2);
    expect(a.server.stats.matches + b.server.stats.matches).toBe(0);

    // y, queued again at b where it is within its share, takes x: only x's share held them apart.
    await listenAgain(b);
    await waitFor(() => y.has('JR') && x.has('NJ'));
    expect(y.last('JR')!.hostRemoteKey).toBe(x.key);
    expect(await a.link.commands.zcard(WAITING_KEY)).toBe(0);
  }, 30_000);
});
