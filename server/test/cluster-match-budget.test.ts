/**
 * A match across instances that falls through gives back what it spent of the budgets of matches
 * a minute, to each side that heard nothing of it and did not undo it itself: with one match a
 * minute per address, a stranger whose match fell through is still matched within the minute. An
 * arriving stranger whose match fell through hears HR at once, rather than at its next resend.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { matchOrWait, WAITING_KEY, type WaitingEntry } from '../src/cluster/match-script.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { clusterOnTestRedis, waitFor } from './support/cluster-kit.ts';

const { instance, client, onClose, redis } = clusterOnTestRedis();

type Instance = Awaited<ReturnType<typeof instance>>;
type Client = Awaited<ReturnType<typeof client>>;

/** One match a minute per address, on every instance. */
const TIGHT = { matchesPerIp: 1 };

const spent = (at: Instance, ip: string) => at.link.commands.get(`shp:matches:ip:${ip}`);

/** Waits until [ip]'s count of matches this minute is [count]: HR goes out before the give-back reaches Redis. */
async function spentComesTo(at: Instance, ip: string, count: string): Promise<void> {
  for (let i = 0; i < 100 && await spent(at, ip) !== count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await spent(at, ip)).toBe(count);
}

/** Queues a stranger at [ip] of an instance that hears the word of its match but never answers (it hangs); the words it heard. */
async function hungStranger(at: Instance, ip: string): Promise<Array<Record<string, unknown>>> {
  const hung = new Redis(redis().url);
  onClose(() => { hung.disconnect(); });
  const told: Array<Record<string, unknown>> = [];
  hung.on('message', (_channel: string, text: string) => told.push(JSON.parse(text) as Record<string, unknown>));
  await hung.subscribe('shp:instance:hung');
  await queue(at, { instance: 'hung', sessionId: `hung${ip}`, hostRemoteKey: 'qucyahjcdumw', hostIp: ip, hostNet: ip.slice(0, ip.lastIndexOf('.')), hostLocalKey: LOCAL_KEY });
  return told;
}

async function queue(at: Instance, entry: WaitingEntry): Promise<void> {
  expect(await matchOrWait(at.link.commands, entry, false, { perIp: 100, perNet: 100, entryTtlMs: 15_000, maxChecks: 64 })).toBeNull();
}

/** [who] sends RS to [to] now and every 300 ms (as a node resends) until it is answered. */
function askUntilAnswered(who: Client, to: { address: string; port: number }): void {
  who.send(`RS:${LOCAL_KEY}`, to);
  const resend = setInterval(() => {
    if (who.got.length === 0) who.send(`RS:${LOCAL_KEY}`, to);
  }, 300);
  onClose(() => clearInterval(resend));
}

describe('a match across instances that falls through gives back its budgets', () => {
  it('whose other instance never answers: the arriving stranger gets its budget back and is matched within the minute; the taken one does not', async () => {
    const a = await instance('127.0.0.51', TIGHT);
    const b = await instance('127.0.0.52', TIGHT);
    const told = await hungStranger(a, '127.0.110.1');
    const x = await client('127.0.111.1');
    askUntilAnswered(x, a.endpoint);
    await waitFor(() => told.length === 1);
    expect(await spent(a, '127.0.111.1')).toBe('1'); // The match spent both budgets.
    await waitFor(() => a.server.pairing!.counts.lostMatches === 1, 5_000);
    await waitFor(() => x.has('HR'));
    // x heard nothing of the match: its budget is back. The hung instance heard the word, and may
    // have told its stranger: that match counts for it.
    await spentComesTo(a, '127.0.111.1', '0');
    expect(await spent(a, '127.0.110.1')).toBe('1');
    // The next stranger, within the minute, takes x.
    const z = await client('127.0.112.1');
    z.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => z.has('JR') && x.has('NJ'));
    expect(z.last('JR')!.hostRemoteKey).toBe(x.key);
    expect(await spent(a, '127.0.111.1')).toBe('1');
  }, 30_000);

  it('that no instance heard of: both strangers get their budgets back, and meet once the other instance listens again', async () => {
    const a = await instance('127.0.0.53', TIGHT);
    const b = await instance('127.0.0.54', TIGHT);
    const waiting = await client('127.0.113.1');
    waiting.send(`RS:${LOCAL_KEY}`, b.endpoint);
    await waitFor(() => waiting.has('HR') && b.server.pairing!['queued'].size === 1);
    b.link.subscriber.disconnect(); // b does not listen: the word of its stranger's match is lost.
    await waitFor(() => !b.server.pairing!.online);
    const first = await client('127.0.114.1');
    askUntilAnswered(first, a.endpoint);
    await waitFor(() => a.server.pairing!.counts.lostMatches === 1);
    await waitFor(() => first.has('HR'));
    await spentComesTo(a, '127.0.113.1', '0');
    await spentComesTo(a, '127.0.114.1', '0');
    await b.link.subscriber.connect();
    await waitFor(() => waiting.has('JR') && first.has('NJ'));
    expect(waiting.last('JR')!.hostRemoteKey).toBe(first.key);
  }, 30_000);

  it('whose taken stranger no longer waits: only the arriving stranger gets its budget back', async () => {
    const a = await instance('127.0.0.55', TIGHT);
    const b = await instance('127.0.0.56', TIGHT);
    // An entry of a's for a session a no longer has (it ended while Redis could not hear of it).
    await queue(a, {
      instance: a.server.serverKey, sessionId: `${a.server.serverKey}gonegone`, hostRemoteKey: 'qucyahjcdumw', hostIp: '127.0.115.1', hostNet: '127.0.115',
      hostLocalKey: LOCAL_KEY,
    });
    const x = await client('127.0.116.1');
    askUntilAnswered(x, b.endpoint);
    await waitFor(() => b.server.pairing!.counts.lostMatches === 1);
    await waitFor(() => x.has('HR'));
    await spentComesTo(a, '127.0.116.1', '0');
    expect(await spent(a, '127.0.115.1')).toBe('1');
    const z = await client('127.0.117.1');
    z.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => z.has('JR') && x.has('NJ'));
    expect(z.last('JR')!.hostRemoteKey).toBe(x.key);
  }, 30_000);
});

describe('an arriving stranger whose match falls through', () => {
  it('after the whole wait for the other instance hears HR at once, well within a node\'s server_timeout, and waits in the queue', async () => {
    const a = await instance('127.0.0.57');
    const told = await hungStranger(a, '127.0.118.1');
    const x = await client('127.0.119.1');
    const sentAt = Date.now();
    x.send(`RS:${LOCAL_KEY}`, a.endpoint); // Sent once: no resend brings the answer.
    await waitFor(() => told.length === 1);
    // Its resends while the other instance is told are not answered: it might be matched twice.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      x.send(`RS:${LOCAL_KEY}`, a.endpoint);
    }
    expect(x.got).toEqual([]);
    await waitFor(() => x.has('HR'), 4_000);
    expect(Date.now() - sentAt).toBeLessThan(3_000); // The 2 s wait and a few round trips: a node waits 5 s.
    expect(x.has('JR') || x.has('NJ')).toBe(false);
    const sessionId = x.last('HR')!.sessionId!;
    expect(a.server.store.get(sessionId)?.hostRemoteKey).toBe(x.key);
    for (let i = 0; i < 100 && await a.link.commands.zscore(WAITING_KEY, sessionId) === null; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await a.link.commands.zscore(WAITING_KEY, sessionId)).not.toBeNull();
    // Its resend now is answered with the same session.
    const count = x.got.length;
    x.send(`RS:${LOCAL_KEY}`, a.endpoint);
    await waitFor(() => x.got.length > count);
    expect(x.got.at(-1)).toMatchObject({ code: 'HR', sessionId });
  }, 30_000);
});
