/**
 * What an attacker could do to the relay: unusable sources, holding relays, filling the pending
 * table, binding someone else, taking the bandwidth; over real UDP sockets on loopback addresses; source port 0 through a raw socket (root).
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_KEY, UdpClient, waitUntil } from './fixtures.ts';
import { bindBoth, counted, grant, relayedPair, relayPerTest, sessionOf, settle } from './relay-fixtures.ts';
import { rawUnavailable, sendRaw } from './support/raw-udp.ts';

const { start } = relayPerTest();

describe('unusable sources', () => {
  it.skipIf(rawUnavailable() !== null)('a datagram from UDP source port 0 is dropped and counted on relay and rendezvous ports, and the server lives on', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const id = await sessionOf(r, host, [joiner]);
    const g = await grant(r, host, joiner, id);
    // Given a valid bind from the granted IP, but from source port 0 (answering it would throw
    // ERR_SOCKET_BAD_PORT inside the socket's handler), junk from port 0, and a request from
    // port 0 and from the server's own relay port to the rendezvous port
    const relay = g.a.relay;
    await sendRaw([
      { from: { address: '127.0.0.1', port: 0 }, to: relay, payload: `RB:${g.a.token}` },
      { from: { address: '127.0.0.1', port: 0 }, to: relay, payload: 'junk' },
      { from: { address: '127.0.0.1', port: 0 }, to: r.address, payload: `RQ:${id}:${joiner.key}` },
      { from: { address: '127.0.0.1', port: relay.port }, to: r.address, payload: `RQ:${id}:${joiner.key}` },
    ]);
    const { stats } = r.server;
    const dropped = stats.dropped as Map<string, number>; // by reason, the source guard's included
    await waitUntil(() => stats.relayDropped.get('bad_source') === 2 && dropped.get('bad_source') === 1
      && dropped.get('source_is_server') === 1, 'the spoofed datagrams to be counted');
    // Then nothing was answered, nothing bound, and the pair still binds and talks
    expect(stats.dropped.get('handler_error')).toBeUndefined();
    await bindBoth(host, joiner, g);
    const at = joiner.received.length;
    host.send(relay, 'still here');
    expect(await joiner.nth(at)).toBe('still here');
  });
});

describe('relays end with their session', () => {
  it('close when their session expires', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    await relayedPair(r, host, joiner);
    // Given a host that went silent while data still flowed (the relay is not idle)
    r.clock.now += 61_000;
    // When the session expires
    r.server.expire();
    // Then its relay closes with it
    expect(r.server.relays.active).toBe(0);
    expect(r.events.find((e) => e.event === 'relay_closed')?.fields.reason).toBe('session_expired');
  });

  it('close when a side leaves the session', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const { id } = await relayedPair(r, host, joiner);
    r.server.store.get(id)!.peers.delete(joiner.key); // however the server lets a peer go
    r.server.relays.sweep();
    expect(r.server.relays.active).toBe(0);
    expect(r.events.find((e) => e.event === 'relay_closed')?.fields.reason).toBe('peer_left');
  });

  it('after the handover, live while game data flows; RB keep-alives alone do not keep them', async () => {
    const r = await start({ relayIdleMs: 30_000 });
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const { id, g } = await relayedPair(r, host, joiner);
    await settle(r, host, r.address, `CS:${id}`); // the host hands over to the game
    expect(r.server.store.get(id)).toBeUndefined();
    // Game data every 20 s keeps the relay
    for (let i = 0; i < 3; i++) {
      r.clock.now += 20_000;
      await settle(r, host, g.a.relay, 'game');
      r.server.relays.sweep();
    }
    expect(r.server.relays.active).toBe(1);
    // RB keep-alives every 10 s from both sides do not
    for (let i = 0; i < 4; i++) {
      r.clock.now += 10_000;
      expect(await host.ask(g.a.relay, `RB:${g.a.token}`)).toBe(`RA:${g.a.token}`);
      expect(await joiner.ask(g.b.relay, `RB:${g.b.token}`)).toBe(`RA:${g.b.token}`);
      r.server.relays.sweep();
    }
    expect(r.server.relays.active).toBe(0);
    expect(r.events.find((e) => e.event === 'relay_closed')?.fields.reason).toBe('idle');
  });

  it('close when a side has not bound 10 s after the grant', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const g = await grant(r, host, joiner, await sessionOf(r, host, [joiner]));
    await host.ask(g.a.relay, `RB:${g.a.token}`);
    r.clock.now += 9_000;
    r.server.relays.sweep();
    expect(r.server.relays.active).toBe(1);
    r.clock.now += 2_000;
    r.server.relays.sweep();
    expect(r.server.relays.active).toBe(0);
    expect(r.events.find((e) => e.event === 'relay_closed')?.fields.reason).toBe('unbound');
  });

  it('no address or /24 holds more than its share: a legitimate pair still gets a relay', async () => {
    const r = await start({ maxRelays: 8, relaysPerIp: 2, relaysPerSubnet: 4 });
    // Given an attacker in 127.0.9.0/24 asking for relays between its own addresses: 3 from
    // one IP, then 3 more from other IPs of the same /24
    const attempt = async (hostIp: string, joinerIp: string) => {
      const host = await UdpClient.open(hostIp);
      const joiner = await UdpClient.open(joinerIp);
      const id = await sessionOf(r, host, [joiner]);
      await settle(r, host, r.address, `RQ:${id}:${joiner.key}`);
      await settle(r, joiner, r.address, `RQ:${id}:${host.key}`);
    };
    for (let i = 0; i < 3; i++) await attempt('127.0.9.1', `127.0.9.${100 + i}`);
    expect(r.server.relays.active).toBe(2);
    expect(r.server.stats.relayDropped.get('per_ip_limit')).toBe(1);
    for (let i = 0; i < 3; i++) await attempt(`127.0.9.${10 + i}`, `127.0.9.${110 + i}`);
    expect(r.server.relays.active).toBe(4);
    expect(r.server.stats.relayDropped.get('per_subnet_limit')).toBe(1);
    // Then a pair elsewhere still gets its relay
    const host = await UdpClient.open('127.0.10.1');
    const joiner = await UdpClient.open('127.0.11.1');
    await relayedPair(r, host, joiner);
    expect(r.server.relays.active).toBe(5);
  });
});

describe('pending requests', () => {
  it('are bounded per address and per /24, and a legitimate pair still gets a relay', async () => {
    const r = await start({ relayRequestsPerIp: 2 });
    // Given one address hosting a session with five peers and asking, alone, for five relays
    const attacker = await UdpClient.open('127.0.12.1');
    const accomplices = await Promise.all([1, 2, 3, 4, 5].map(() => UdpClient.open('127.0.12.2')));
    const id = await sessionOf(r, attacker, accomplices);
    for (const a of accomplices) await settle(r, attacker, r.address, `RQ:${id}:${a.key}`);
    // Then two wait and three are refused
    expect(r.server.relays.pendingRequests).toBe(2);
    expect(r.server.stats.relayDropped.get('pending_per_ip_limit')).toBe(3);
    // And the /24 as a whole holds at most four times that
    for (let i = 0; i < 8; i++) {
      const host = await UdpClient.open(`127.0.12.${10 + i}`);
      const joiner = await UdpClient.open('127.0.13.1');
      await settle(r, host, r.address, `RQ:${await sessionOf(r, host, [joiner])}:${joiner.key}`);
    }
    expect(r.server.relays.pendingRequests).toBe(8);
    expect(r.server.stats.relayDropped.get('pending_per_subnet_limit')).toBe(2);
    // While a pair elsewhere gets its relay
    await relayedPair(r, await UdpClient.open('127.0.14.1'), await UdpClient.open('127.0.15.1'));
    expect(r.server.relays.active).toBe(1);
  });
});

describe('binding', () => {
  it('binds only from the IP address the relay was granted to', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const elsewhere = await UdpClient.open('127.0.0.3');
    const g = await grant(r, host, joiner, await sessionOf(r, host, [joiner]));
    // Given someone at another address who learned the host's token
    const before = counted(r);
    elsewhere.send(g.a.relay, `RB:${g.a.token}`);
    await waitUntil(() => counted(r) > before || elsewhere.received.length > 0, 'the bind to be counted or answered');
    // Then it is dropped unanswered, and the host still binds
    expect(elsewhere.received).toEqual([]);
    expect(r.server.stats.relayDropped.get('bind_from_other_ip')).toBe(1);
    await bindBoth(host, joiner, g);
  });
});

describe('bandwidth', () => {
  it('many relays sending small paced datagrams do not take a relay\'s fair share of the total', async () => {
    // Given a total of 10,000 bytes a second, ten attacker relays offering 2,000 each, and a
    // legitimate relay sending 500 a second, well under its share (10,000 / 11)
    const r = await start({ relayTotalBandwidth: 10_000, relayBandwidth: 10_000, relaysPerIp: 100, relaysPerSubnet: 100 });
    const attackers = [];
    for (let i = 0; i < 10; i++) {
      const host = await UdpClient.open(`127.0.16.${i + 1}`);
      const joiner = await UdpClient.open(`127.0.17.${i + 1}`);
      attackers.push({ host, ...(await relayedPair(r, host, joiner)) });
    }
    const host = await UdpClient.open('127.0.18.1');
    const joiner = await UdpClient.open('127.0.19.1');
    const legit = await relayedPair(r, host, joiner);
    const mark = joiner.received.length;
    // When, every 100 ms of the server's clock for 3 s, each attacker sends two 100-byte
    // datagrams and then the legitimate host one 50-byte datagram
    const steps = 30;
    for (let step = 0; step < steps; step++) {
      r.clock.now += 100;
      for (const a of attackers) {
        await settle(r, a.host, a.g.a.relay, 'a'.repeat(100));
        await settle(r, a.host, a.g.a.relay, 'a'.repeat(100));
      }
      await settle(r, host, legit.g.a.relay, 'g'.repeat(50));
    }
    // Then every legitimate datagram crossed, and the attackers were held to the total
    await waitUntil(() => joiner.received.length === mark + steps, 'all legitimate datagrams');
    const attackerBytes = r.server.stats.relayedBytes - steps * 50;
    expect(attackerBytes).toBeLessThanOrEqual(10_000 * (steps / 10 + 1)); // the total over 3 s, and one second's burst
  });
});

describe('amplification', () => {
  it('a relay port answers only a bound side\'s or a rightful bind, with RA exactly as long as its RB', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const stranger = await UdpClient.open('127.0.0.3');
    const { g } = await relayedPair(r, host, joiner);
    for (const junk of ['x'.repeat(500), 'RB:cyahcyahcyahcyah', `RB:${g.a.token}`, `RQ:${g.a.token}:${host.key}`]) {
      await settle(r, stranger, g.a.relay, junk);
    }
    expect(stranger.received).toEqual([]);
    const rb = `RB:${g.a.token}`;
    expect((await host.ask(g.a.relay, rb)).length).toBe(rb.length);
  });
});

describe('players in a running game', () => {
  it('a relayed player of a session its host keeps open keeps its relay through 33 one-datagram joins: its relay traffic counts as its own', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const { id, g } = await relayedPair(r, host, joiner);
    // Given a game that runs through the relay long after the handover (the host keeps its
    // session open for late joiners and sends KA; the player no longer talks to the server)
    for (let i = 0; i < 3; i++) {
      r.clock.now += 10_000;
      await settle(r, host, r.address, `KA:${id}`);
      await settle(r, joiner, g.b.relay, 'game');
      await settle(r, host, g.a.relay, 'game');
    }
    // When 33 joiners from as many networks send one JS each
    for (let i = 0; i < 33; i++) {
      const griefer = await UdpClient.open(`127.${40 + i}.0.1`);
      await settle(r, griefer, r.address, `JS:${LOCAL_KEY}:${id}`);
    }
    r.server.relays.sweep();
    // Then the player is still in the session and its game still flows
    expect(r.server.store.get(id)!.peers.has(joiner.key)).toBe(true);
    expect(r.server.relays.active).toBe(1);
    const at = host.received.length;
    joiner.send(g.b.relay, 'still playing');
    expect((await host.nth(at)).toString()).toBe('still playing');
  });

  it('four griefer joins holding relays to a host do not keep a real relayed player from getting one', async () => {
    const r = await start();
    const host = await UdpClient.open();
    // Given four joiners from one /24 that took every relay port of the host and keep them busy
    const griefers = await Promise.all([1, 2, 3, 4].map((n) => UdpClient.open(`127.0.5.${n}`)));
    const id = await sessionOf(r, host, griefers);
    for (const griefer of griefers) {
      const g = await grant(r, host, griefer, id);
      await bindBoth(host, griefer, g);
      await settle(r, griefer, g.b.relay, 'x');
    }
    expect(r.server.relays.active).toBe(4);
    // When a player from another network joins and both sides ask for a relay
    const player = await UdpClient.open('127.0.9.1');
    const nj = host.received.length;
    await player.ask(r.address, `JS:${LOCAL_KEY}:${id}`);
    await host.nth(nj);
    const g = await grant(r, host, player, id);
    await bindBoth(host, player, g);
    // Then it gets one: the /24 holding more than its share of the host's ports gave one up
    const at = host.received.length;
    player.send(g.b.relay, 'hello');
    expect((await host.nth(at)).toString()).toBe('hello');
    expect(r.server.relays.active).toBe(4);
    expect(r.events.find((e) => e.event === 'relay_closed')?.fields.reason).toBe('gave_way');
    // And the griefers' /24 cannot take it back: it holds three, the player's one
    const fifth = await UdpClient.open('127.0.5.5');
    const nj5 = host.received.length;
    await fifth.ask(r.address, `JS:${LOCAL_KEY}:${id}`);
    await host.nth(nj5);
    await settle(r, host, r.address, `RQ:${id}:${fifth.key}`);
    await settle(r, fifth, r.address, `RQ:${id}:${host.key}`);
    expect(r.server.stats.relayDropped.get('host_ports_full')).toBe(1);
    const later = host.received.length;
    player.send(g.b.relay, 'still here');
    expect((await host.nth(later)).toString()).toBe('still here');
  });
});
