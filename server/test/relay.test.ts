/** Relays over real UDP sockets: who gets one, binding, forwarding, and what is refused. */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { LOCAL_KEY, type Running, settle, startTestServer, TestClient } from './fixtures.ts';

let running: Running;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.server.close();
});

async function client(): Promise<TestClient> {
  const c = await TestClient.open();
  clients.push(c);
  return c;
}

/** A server with relays on a small port range, a host, and a joiner in its session. */
async function pairInSession(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const first = 20_000 + Math.floor(Math.random() * 40_000);
  running = await startTestServer({ relayPorts: [first, first + 3], ...overrides });
  const host = await client();
  const joiner = await client();
  const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
  const id = hr!.split(':')[2]!;
  await joiner.request(running.address, `JS:${LOCAL_KEY}:${id}`);
  await host.next(1); // NJ
  return { host, joiner, id };
}

/** RQ from both sides; resolves with each side's RG fields. */
async function grant(host: TestClient, joiner: TestClient, id: string) {
  await settle(running, host, `RQ:${id}:${joiner.key}`);
  const before = { host: host.received.length, joiner: joiner.received.length };
  joiner.send(running.address, `RQ:${id}:${host.key}`);
  const [hostRg] = await host.next(before.host);
  const [joinerRg] = await joiner.next(before.joiner);
  const parse = (rg: string) => {
    const [code, peerKey, relayKey, token] = rg.split(':');
    return { code, peerKey, relay: decodeKey(relayKey!)!, token: token! };
  };
  return { host: parse(hostRg!), joiner: parse(joinerRg!) };
}

describe('relays', () => {
  it('open only when both sides of a pair ask, then forward byte for byte between the bound addresses', async () => {
    const { host, joiner, id } = await pairInSession();
    // Given one side asking alone: no relay
    await settle(running, host, `RQ:${id}:${joiner.key}`);
    expect(await host.quiet(host.received.length)).toEqual([]);
    expect(running.server.stats.relaysOpened).toBe(0);
    // When the other side asks too, both get RG naming the other side, one relay port, own tokens
    const g = await grant(host, joiner, id);
    expect(g.host).toMatchObject({ code: 'RG', peerKey: joiner.key });
    expect(g.joiner).toMatchObject({ code: 'RG', peerKey: host.key });
    expect(g.host.relay).toEqual(g.joiner.relay);
    expect(g.host.relay.address).toBe('127.0.0.1');
    expect(g.host.token).not.toBe(g.joiner.token);
    // Then each binds with its token and gets RA, and datagrams cross unchanged
    const relay: Endpoint = g.host.relay;
    expect(await host.request(relay, `RB:${g.host.token}`)).toEqual([`RA:${g.host.token}`]);
    expect(await joiner.request(relay, `RB:${g.joiner.token}`)).toEqual([`RA:${g.joiner.token}`]);
    const payload = new Uint8Array([0, 1, 2, 250, 255, 58, 82, 66]);
    const before = joiner.received.length;
    host.send(relay, payload);
    const [crossed] = await joiner.next(before);
    expect(Buffer.from(crossed!, 'latin1')).toEqual(Buffer.from(payload));
    expect(running.server.stats.relayedBytes).toBe(payload.length);
    // A repeated RQ gets the same grant, and opens nothing new
    const [again] = await host.request(running.address, `RQ:${id}:${joiner.key}`);
    expect(again).toBe(host.received.find((r) => r.startsWith('RG:')));
    expect(running.server.stats.relaysOpened).toBe(1);
  });

  it('drops strangers, spoofed binds and traffic for an unbound side, forwarding nothing', async () => {
    const { host, joiner, id } = await pairInSession();
    const g = await grant(host, joiner, id);
    const relay: Endpoint = g.host.relay;
    const stranger = await client();
    await host.request(relay, `RB:${g.host.token}`);
    // A stranger's datagram, a stranger binding with a made-up token, a stranger re-binding a bound side
    stranger.send(relay, 'hello');
    stranger.send(relay, 'RB:cyahcyahcyahcyah');
    stranger.send(relay, `RB:${g.host.token}`);
    // The host's traffic while the joiner is not bound yet
    host.send(relay, 'early');
    await new Promise((r) => setTimeout(r, 150));
    const dropped = running.server.stats.relayDropped;
    expect(dropped.get('stranger')).toBe(2);
    expect(dropped.get('spoofed_bind')).toBe(1);
    expect(dropped.get('peer_unbound')).toBe(1);
    expect(running.server.stats.relayedDatagrams).toBe(0);
    expect(await stranger.quiet(0)).toEqual([]);
    expect(await joiner.quiet(joiner.received.length)).toEqual([]);
  });

  it('refuses requests for sessions that do not exist, pairs outside the session, and with relays off', async () => {
    const { host, joiner, id } = await pairInSession();
    const stranger = await client();
    await settle(running, stranger, `RQ:${id}:${host.key}`); // not in the session
    await settle(running, host, `RQ:${id}:${stranger.key}`); // peer not in the session
    await settle(running, host, `RQ:${running.server.serverKey}cyahcyahcyahcyah:${joiner.key}`); // no such session
    expect(running.server.stats.relayDropped.get('not_in_session')).toBe(3);
    await running.server.close();
    const off = await pairInSession({ relayPorts: null });
    await settle(running, off.host, `RQ:${off.id}:${off.joiner.key}`);
    await settle(running, off.joiner, `RQ:${off.id}:${off.host.key}`);
    expect(running.server.stats.relayDropped.get('relays_off')).toBe(2);
    expect(running.server.stats.relaysOpened).toBe(0);
    expect(await off.host.quiet(off.host.received.length)).toEqual([]);
  });

  it('drops what exceeds a relay\'s bandwidth, and never sends more than it received', async () => {
    const { host, joiner, id } = await pairInSession({ relayBandwidth: 1000 });
    const g = await grant(host, joiner, id);
    const relay: Endpoint = g.host.relay;
    await host.request(relay, `RB:${g.host.token}`);
    await joiner.request(relay, `RB:${g.joiner.token}`);
    const before = joiner.received.length;
    for (let i = 0; i < 50; i++) host.send(relay, 'x'.repeat(100)); // 5000 bytes at once
    await new Promise((r) => setTimeout(r, 200));
    const forwarded = joiner.received.length - before;
    expect(forwarded).toBeGreaterThan(0);
    expect(forwarded).toBeLessThanOrEqual(12); // the 1000-byte burst, and a little refill
    expect(running.server.stats.relayDropped.get('bandwidth')).toBe(50 - forwarded);
    expect(running.server.stats.relayedBytes).toBe(forwarded * 100);
  });

  it('closes an idle relay and frees its port', async () => {
    const { host, joiner, id } = await pairInSession({ relayIdleMs: 1000 });
    await grant(host, joiner, id);
    expect(running.server.relays.active).toBe(1);
    running.clock.now += 2000;
    running.server.relays.sweep();
    expect(running.server.relays.active).toBe(0);
    expect(running.server.stats.relaysClosed).toBe(1);
    expect(running.events.map((e) => e.event)).toContain('relay_closed');
  });
});
