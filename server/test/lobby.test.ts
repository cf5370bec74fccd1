/**
 * Public lobbies through the server's logic, with a recording transmitter and a controlled clock:
 * a host publishes its session (LP), anyone lists a page (LS, answered with LL, never longer than
 * the LS), filtered, paged, and a session that closes or stops keeping alive leaves the list at once.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import { decode, encode, encodeKey, type Endpoint, type LobbyList, type Message } from '../src/generated/protocol.ts';
import { Rendezvous } from '../src/rendezvous.ts';
import { MemorySessionStore } from '../src/sessions/memory-session-store.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { LOCAL_KEY, testClock, testConfig } from './fixtures.ts';

const SERVER_KEY = encodeKey({ address: '203.0.113.7', port: 7788 });

interface Lobby { readonly name: string; readonly mode?: string; readonly map?: string; readonly version?: string; readonly cap?: number; readonly alias?: string; readonly players?: number }

function lobbyServer(overrides: Partial<Config> = {}) {
  const clock = testClock();
  const store = new MemorySessionStore();
  const sent: Array<{ to: Endpoint; text: string }> = [];
  const r = new Rendezvous({
    config: testConfig({ maxSessions: 100_000, sessionsPerIp: 100_000, ...overrides }),
    store, now: clock.read, serverKey: () => SERVER_KEY, log: () => {},
    transmit: (to, datagram) => sent.push({ to, text: datagram.toString('latin1') }),
  });
  const receive = (message: Message | string, from: Endpoint): string | undefined => {
    const before = sent.length;
    r.receive(Buffer.from(typeof message === 'string' ? message : encode(message), 'latin1'), from);
    return sent.length > before ? sent[sent.length - 1]!.text : undefined;
  };
  /** A confirmed hosted session of ours at [from]: its id and its host's nonce. */
  const host = (from: Endpoint): { id: string; nonce: string } => {
    const nonce = newToken();
    const id = receive({ code: 'HS', localKey: LOCAL_KEY, nonce, nat: 'port_preserving' }, from)!.split(':')[2]!;
    receive({ code: 'KA', sessionId: id, nonce }, from);
    return { id, nonce };
  };
  const publish = (session: { id: string; nonce: string }, from: Endpoint, lobby: Lobby): string | undefined => receive({
    code: 'LP', sessionId: session.id, nonce: session.nonce, cap: String(lobby.cap ?? 0), alias: lobby.alias ?? 'host',
    name: lobby.name, mode: lobby.mode ?? '', map: lobby.map ?? '', version: lobby.version ?? '',
    ...(lobby.players === undefined ? {} : { players: String(lobby.players) }),
  }, from);
  return { r, clock, store, sent, receive, host, publish };
}

/** An LS of [bytes] bytes (padded with dots), and what it is. */
function listRequest(options: { after?: number; notFull?: boolean; mode?: string; map?: string; name?: string; version?: string; bytes?: number } = {}): string {
  const text = encode({
    code: 'LS', nonce: newToken(), after: String(options.after ?? 0), room: options.notFull ? 'not_full' : 'any',
    name: options.name ?? '', mode: options.mode ?? '', map: options.map ?? '', version: options.version ?? '', padding: '',
  });
  return text + '.'.repeat(Math.max(0, (options.bytes ?? 512) - text.length));
}

function pageOf(text: string | undefined): LobbyList {
  const result = decode(Buffer.from(text!, 'latin1'));
  if (!result.ok || result.message.code !== 'LL') throw new Error(`not an LL: ${text}`);
  return result.message;
}

const at = (address: string, port = 5000): Endpoint => ({ address, port });

describe('public lobbies', () => {
  it('lists a published session with its code, host alias, players and cap, metadata and NAT type', () => {
    const s = lobbyServer();
    const hostAt = at('198.51.100.1');
    const session = s.host(hostAt);
    expect(s.publish(session, hostAt, { name: 'Friday%20fun', mode: 'ctf', map: 'dunes', version: '1.2', cap: 4, alias: 'Zo%C3%AB' }))
      .toBe(`LD:${session.id}:${session.nonce}`);
    const request = listRequest();
    const answer = s.receive(request, at('192.0.2.9'));
    expect(answer!.length).toBeLessThanOrEqual(request.length);
    const page = pageOf(answer);
    expect(page).toMatchObject({
      next: '0', sessionId: [session.id], alias: ['Zo%C3%AB'], players: ['1'], cap: ['4'], nat: ['port_preserving'],
      name: ['Friday%20fun'], mode: ['ctf'], map: ['dunes'], version: ['1.2'],
    });
  });

  it('takes metadata only from the host with its nonce, and an empty name takes the session off the list', () => {
    const s = lobbyServer();
    const hostAt = at('198.51.100.1');
    const session = s.host(hostAt);
    // A joiner that learned the host's address and the code, without the nonce: ignored.
    expect(s.publish({ id: session.id, nonce: newToken() }, hostAt, { name: 'hijacked' })).toBeUndefined();
    expect(s.publish(session, at('198.51.100.2'), { name: 'elsewhere' })).toBeUndefined();
    expect(pageOf(s.receive(listRequest(), at('192.0.2.9'))).sessionId).toEqual([]);
    // An original host (no nonce) cannot list.
    const original = s.receive(`HS:${LOCAL_KEY}`, at('198.51.100.3'))!.split(':')[2]!;
    expect(s.receive(`LP:${original}:${newToken()}:0:x:old:::`, at('198.51.100.3'))).toBeUndefined();

    s.publish(session, hostAt, { name: 'first', mode: 'ffa' });
    s.publish(session, hostAt, { name: 'renamed', mode: 'ctf' });
    const page = pageOf(s.receive(listRequest(), at('192.0.2.9')));
    expect(page.name).toEqual(['renamed']);
    expect(pageOf(s.receive(listRequest({ mode: 'ffa' }), at('192.0.2.9'))).sessionId).toEqual([]);
    s.publish(session, hostAt, { name: '' });
    expect(pageOf(s.receive(listRequest(), at('192.0.2.9'))).sessionId).toEqual([]);
    expect(s.store.listed).toBe(0);
  });

  it('filters by exact metadata values and by room for another player', () => {
    const s = lobbyServer({ maxPeers: 1 });
    const sessions = ['ctf', 'ffa', 'ctf'].map((mode, i) => {
      const hostAt = at(`198.51.100.${i + 1}`);
      const session = s.host(hostAt);
      s.publish(session, hostAt, { name: `game${i}`, mode, map: i === 2 ? 'moon' : 'dunes' });
      return session;
    });
    const ids = (options: Parameters<typeof listRequest>[0]) => pageOf(s.receive(listRequest(options), at('192.0.2.9'))).sessionId;
    expect(ids({ mode: 'ctf' })).toEqual([sessions[0]!.id, sessions[2]!.id]);
    expect(ids({ mode: 'ctf', map: 'moon' })).toEqual([sessions[2]!.id]);
    expect(ids({ mode: 'coop' })).toEqual([]);
    // A joiner takes the only slot of the first session (--max-peers 1): it is full.
    s.receive(`JS:${LOCAL_KEY}:${sessions[0]!.id}`, at('192.0.2.50'));
    expect(ids({ mode: 'ctf', notFull: true })).toEqual([sessions[2]!.id]);
    const full = pageOf(s.receive(listRequest({ mode: 'ctf' }), at('192.0.2.9')));
    expect(full.players).toEqual(['2', '1']);
    expect(full.cap).toEqual(['2', '2']);
  });

  it('counts the players as the host last said, in place: a joiner that left or was refused no longer fills the session', () => {
    const s = lobbyServer();
    const hostAt = at('198.51.100.1');
    const session = s.host(hostAt);
    s.publish(session, hostAt, { name: 'Drop in', cap: 3 });
    const other = s.host(at('198.51.100.2'));
    s.publish(other, at('198.51.100.2'), { name: 'Later' });
    // Two joiners came through the server: without the host's word, both count, and the session is full.
    s.receive(`JS:${LOCAL_KEY}:${session.id}`, at('192.0.2.50'));
    s.receive(`JS:${LOCAL_KEY}:${session.id}`, at('192.0.2.51'));
    const list = (notFull = false) => pageOf(s.receive(listRequest({ notFull }), at('192.0.2.9')));
    expect(list().players).toEqual(['3', '1']);
    expect(list(true).sessionId).toEqual([other.id]);
    // When its host says one of them left (the same metadata, its count now)
    expect(s.publish(session, hostAt, { name: 'Drop in', cap: 3, players: 2 })).toBe(`LD:${session.id}:${session.nonce}`);
    // Then the list shows its count, the session has room, and it keeps its place in the order
    expect(list().players).toEqual(['2', '1']);
    expect(list(true).sessionId).toEqual([session.id, other.id]);
  });

  it('pages through every match exactly once, each answer no longer than its request', () => {
    const s = lobbyServer();
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const hostAt = at(`198.51.${100 + (i % 3)}.${1 + i}`);
      const session = s.host(hostAt);
      s.publish(session, hostAt, { name: `room number ${i}`, mode: i % 3 === 0 ? 'other' : 'ctf', alias: `host${i}` });
      if (i % 3 !== 0) ids.add(session.id);
    }
    for (const bytes of [512, 200]) {
      const seen: string[] = [];
      let after = 0;
      let pages = 0;
      do {
        const request = listRequest({ after, mode: 'ctf', bytes });
        const answer = s.receive(request, at('192.0.2.9'));
        expect(answer!.length).toBeLessThanOrEqual(request.length);
        const page = pageOf(answer);
        seen.push(...page.sessionId);
        after = Number(page.next);
        pages++;
      } while (after !== 0 && pages < 100);
      expect(seen).toHaveLength(ids.size);
      expect(new Set(seen)).toEqual(ids);
      expect(pages).toBeGreaterThan(bytes === 512 ? 2 : 10);
    }
    // Too short for one session: no answer, counted.
    expect(s.receive(listRequest({ mode: 'ctf', bytes: 60 }), at('192.0.2.9'))).toBeUndefined();
    expect(s.r.stats.dropped.get('amplification')).toBe(1);
  });

  it('a listed session leaves the list at once when its host closes it or stops keeping alive', () => {
    const s = lobbyServer({ expiryMs: 60_000 });
    const a = s.host(at('198.51.100.1'));
    const b = s.host(at('198.51.100.2'));
    s.publish(a, at('198.51.100.1'), { name: 'a' });
    s.publish(b, at('198.51.100.2'), { name: 'b' });
    s.receive({ code: 'CS', sessionId: a.id, nonce: a.nonce }, at('198.51.100.1'));
    expect(pageOf(s.receive(listRequest(), at('192.0.2.9'))).sessionId).toEqual([b.id]);
    // No keep-alive for longer than --expiry: gone from the list before any sweep runs.
    s.clock.now += 60_001;
    expect(pageOf(s.receive(listRequest(), at('192.0.2.9'))).sessionId).toEqual([]);
    s.r.expire(s.clock.now - 60_000);
    expect(s.store.listed).toBe(0);
  });

  it('a flood of list requests from one address or one /24 gets its budget and no more; others still get answers', () => {
    const s = lobbyServer({ listsPerIp: 20, listsPerNet: 50 });
    const hostAt = at('198.51.100.1');
    s.publish(s.host(hostAt), hostAt, { name: 'open' });
    const answers = (from: Endpoint, count: number) => {
      let n = 0;
      for (let i = 0; i < count; i++) if (s.receive(listRequest(), from)?.startsWith('LL:')) n++;
      return n;
    };
    expect(answers(at('192.0.2.1'), 200)).toBe(20);
    // The same /24 from many addresses: the network's budget, shared.
    let fromNet = 0;
    for (let i = 2; i < 42; i++) fromNet += answers(at(`192.0.2.${i}`), 10);
    expect(fromNet).toBe(50 - 20);
    expect(s.r.stats.dropped.get('list_budget')).toBe(180 + 400 - 30);
    // An address elsewhere is answered at once, and the flooders again once a minute has passed.
    expect(answers(at('203.0.113.50'), 1)).toBe(1);
    s.clock.now += 60_000;
    expect(answers(at('192.0.2.1'), 1)).toBe(1);
  });
});
