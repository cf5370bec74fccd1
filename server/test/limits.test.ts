/** Each limit, through the server's logic with a recording transmitter and a controlled clock. */
import { describe, expect, it } from 'vitest';
import { encodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { RateLimiter } from '../src/limits/rate-limiter.ts';
import type { Config } from '../src/config.ts';
import { AMPLIFICATION_FACTOR, Rendezvous } from '../src/rendezvous.ts';
import { MemorySessionStore } from '../src/sessions/memory-session-store.ts';
import { LOCAL_KEY, testClock, testConfig, withCookie } from './fixtures.ts';

const SERVER_KEY = encodeKey({ address: '203.0.113.7', port: 7788 });

function rendezvous(overrides: Partial<Config> = {}) {
  const clock = testClock();
  const sent: Array<{ to: Endpoint; text: string }> = [];
  const r = new Rendezvous({
    config: testConfig({ maxSessions: 100, burst: 10, ...overrides }),
    store: new MemorySessionStore(), now: clock.read, serverKey: () => SERVER_KEY, log: () => {},
    transmit: (to, datagram) => sent.push({ to, text: datagram.toString('latin1') }),
  });
  const from = (ip: string, port = 5000): Endpoint => ({ address: ip, port });
  const receive = (text: string, who: Endpoint) => r.receive(Buffer.from(text, 'latin1'), who);
  return { r, clock, sent, from, receive };
}

describe('rate limit per source address', () => {
  it('drops and counts datagrams above the burst, and refills at the rate', () => {
    const { r, clock, sent, from, receive } = rendezvous({ rate: 10, burst: 5 });
    for (let i = 0; i < 8; i++) receive(`HS:${LOCAL_KEY}`, from('198.51.100.1'));
    expect(r.stats.dropped.get('rate_limited')).toBe(3);
    expect(sent).toHaveLength(5);
    // Another address has its own bucket
    receive(`HS:${LOCAL_KEY}`, from('198.51.100.2'));
    expect(sent).toHaveLength(6);
    // 300 ms later, 3 tokens are back
    clock.now += 300;
    for (let i = 0; i < 5; i++) receive(`HS:${LOCAL_KEY}`, from('198.51.100.1'));
    expect(r.stats.dropped.get('rate_limited')).toBe(5);
  });

  it('keeps at most maxTracked addresses, forgetting the least recent', () => {
    const limiter = new RateLimiter({ rate: 1, burst: 1, maxTracked: 3 });
    for (const a of ['a', 'b', 'c', 'd']) expect(limiter.allow(a, 0)).toBe(true);
    expect(limiter.tracked).toBe(3);
    expect(limiter.allow('d', 0)).toBe(false); // still tracked: empty
    expect(limiter.allow('a', 0)).toBe(true); // forgotten: a fresh bucket
  });

  it('limits what is sent to one address: a flood of joins cannot flood a host with NJ', () => {
    const { r, sent, from, receive } = rendezvous({ rate: 10, burst: 5 });
    const host = from('198.51.100.1');
    receive(`HS:${LOCAL_KEY}`, host);
    const id = sent[0]!.text.split(':')[2]!;
    // 20 joiners from 20 addresses: each gets its JR, the host gets at most its burst of NJ
    for (let i = 0; i < 20; i++) receive(`JS:${LOCAL_KEY}:${id}`, from(`198.51.100.${10 + i}`));
    // Its burst of 5 covers its HR and 4 NJ; the other 16 NJ are dropped
    expect(sent.filter((s) => s.to.address === host.address)).toHaveLength(5);
    expect(r.stats.dropped.get('send_rate_limited')).toBe(16);
  });
});

describe('session limits', () => {
  it('refuses registrations past --max-sessions of confirmed sessions while existing sessions keep working', () => {
    const { r, sent, from, receive } = rendezvous({ maxSessions: 2 });
    receive(`HS:${LOCAL_KEY}`, from('198.51.100.1'));
    receive(`HS:${LOCAL_KEY}`, from('198.51.100.2'));
    for (const [i, s] of sent.entries()) receive(`KA:${s.text.split(':')[2]}`, from(`198.51.100.${i + 1}`));
    receive(`HS:${LOCAL_KEY}`, from('198.51.100.3'));
    receive(`RS:${LOCAL_KEY}`, from('198.51.100.4'));
    expect(sent.map((s) => s.text.slice(0, 2))).toEqual(['HR', 'HR']);
    expect(r.stats.registrationsRefused).toBe(2);
    // The first session still takes joiners, and its host still gets its own answer again
    const id = sent[0]!.text.split(':')[2]!;
    receive(`JS:${LOCAL_KEY}:${id}`, from('198.51.100.9'));
    receive(`HS:${LOCAL_KEY}`, from('198.51.100.1'));
    expect(sent.slice(2).map((s) => s.text.slice(0, 2))).toEqual(['NJ', 'JR', 'HR']);
  });

  it('refuses more than --sessions-per-ip confirmed sessions from one address, whatever the port', () => {
    const { r, sent, from, receive } = rendezvous({ sessionsPerIp: 2 });
    for (let port = 1; port <= 3; port++) {
      receive(`HS:${LOCAL_KEY}`, from('198.51.100.1', port));
      if (sent.length === port) receive(`KA:${sent[port - 1]!.text.split(':')[2]}`, from('198.51.100.1', port));
    }
    receive(`HS:${LOCAL_KEY}`, from('198.51.100.2'));
    expect(sent).toHaveLength(3);
    expect(r.stats.registrationsRefused).toBe(1);
  });
});

describe('no amplification', () => {
  it('sends at most AMPLIFICATION_FACTOR times the bytes of the datagram that caused it', () => {
    const { sent, from, receive } = rendezvous();
    const requests: Array<[string, Endpoint]> = [[`HS:${LOCAL_KEY}`, from('198.51.100.1')]];
    receive(...requests[0]!);
    const id = sent[0]!.text.split(':')[2]!;
    requests.push([`JS:${LOCAL_KEY}:${id}`, from('198.51.100.2')], [`RS:${LOCAL_KEY}`, from('198.51.100.3')],
      [`RS:${LOCAL_KEY}`, from('198.51.100.4')], [`JS:${LOCAL_KEY}:${SERVER_KEY}cyahcyahcyahcyah`, from('198.51.100.5')]);
    let before = sent.length;
    for (const [text, who] of requests.slice(1)) {
      receive(text, who);
      const bytes = sent.slice(before).reduce((n, s) => n + s.text.length, 0);
      expect(bytes, text).toBeGreaterThan(0);
      expect(bytes, text).toBeLessThanOrEqual(text.length * AMPLIFICATION_FACTOR);
      before = sent.length;
    }
  });

  it('with nonces and secrets, sends each destination at most AMPLIFICATION_FACTOR times the request', () => {
    const { sent, from, receive } = rendezvous();
    const N = 'cyahjcdumwwhrvyq';
    receive(`HS:${LOCAL_KEY}:${N}`, from('198.51.100.1'));
    const id = sent[0]!.text.split(':')[2]!;
    const requests: Array<[string, Endpoint]> = [[`JS:${LOCAL_KEY}:${id}:${N}`, from('198.51.100.2')], [`RS:${LOCAL_KEY}:${N}:open`, from('198.51.100.3')],
      [`RS:${LOCAL_KEY}`, from('198.51.100.4')], [`RS:${LOCAL_KEY}:${N}:open`, from('198.51.100.5')], [`RS:${LOCAL_KEY}:${N}:open`, from('198.51.100.6')]];
    for (const [request, who] of requests) {
      let text = request;
      let before = sent.length;
      receive(text, who);
      const rc = sent.slice(before);
      if (rc.length === 1 && rc[0]!.text.startsWith('RC:')) {
        // The return-path cookie first: to the source alone, never longer than the request.
        expect(rc[0]!.to, text).toEqual(who);
        expect(rc[0]!.text.length, text).toBeLessThanOrEqual(text.length);
        text = withCookie(text, rc[0]!.text);
        before = sent.length;
        receive(text, who);
      }
      const byDestination = new Map<string, number>();
      for (const s of sent.slice(before)) byDestination.set(s.to.address, (byDestination.get(s.to.address) ?? 0) + s.text.length);
      expect(byDestination.size, text).toBeGreaterThan(0);
      for (const bytes of byDestination.values()) expect(bytes, text).toBeLessThanOrEqual(text.length * AMPLIFICATION_FACTOR);
    }
  });
});
