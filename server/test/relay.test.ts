/** Relays over real UDP sockets: who gets one, binding, forwarding, sharing ports, and when they close. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.ts';
import { UdpClient, waitUntil } from './fixtures.ts';
import { bindBoth, grant, relayedPair, relayPerTest, relayPorts, sessionOf, settle, startRelayServer } from './relay-fixtures.ts';

const { start } = relayPerTest();

/** Local UDP ports of the sockets this process holds, read from /proc (Linux). */
function boundUdpPorts(): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch { /* closed meanwhile */ }
  }
  const ports: number[] = [];
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length > 9 && inodes.has(fields[9]!)) ports.push(Number.parseInt(fields[1]!.split(':')[1]!, 16));
  }
  return ports.sort((a, b) => a - b);
}

describe('relays', () => {
  it('open only when both sides of a pair ask, then forward byte for byte between the bound addresses', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const id = await sessionOf(r, host, [joiner]);
    // Given one side asking alone: no relay
    await settle(r, host, r.address, `RQ:${id}:${joiner.key}`);
    await new Promise((done) => setTimeout(done, 50));
    expect(host.received.filter((t) => t.startsWith('RG'))).toEqual([]);
    expect(r.server.stats.relaysOpened).toBe(0);
    // When the other side asks too, both get RG naming the other side, one relay port, their own tokens
    const g = await grant(r, host, joiner, id);
    expect(g.a.peerKey).toBe(joiner.key);
    expect(g.b.peerKey).toBe(host.key);
    expect(g.a.relay).toEqual(g.b.relay);
    expect(r.server.relays.boundPorts).toContain(g.a.relay.port);
    expect(g.a.token).not.toBe(g.b.token);
    // Then each binds with its token and gets RA, and datagrams cross unchanged, both ways
    await bindBoth(host, joiner, g);
    const payload = new Uint8Array([0, 1, 2, 250, 255, 58, 82, 66]);
    const at = joiner.received.length;
    host.send(g.a.relay, payload);
    expect(Buffer.from(await joiner.nth(at), 'latin1')).toEqual(Buffer.from(payload));
    const back = host.received.length;
    joiner.send(g.b.relay, 'pong');
    expect(await host.nth(back)).toBe('pong');
    expect(r.server.stats.relayedBytes).toBe(payload.length + 4);
    // A repeated RQ gets the same grant, and opens nothing new
    const again = await host.ask(r.address, `RQ:${id}:${joiner.key}`);
    expect(again).toBe(host.received.find((t) => t.startsWith('RG:')));
    expect(r.server.stats.relaysOpened).toBe(1);
  });

  it('names the server\'s public IP in RG, whatever address it is bound to', async () => {
    const r = await start({ publicIp: '203.0.113.7' });
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const g = await grant(r, host, joiner, await sessionOf(r, host, [joiner]));
    expect(g.a.relay.address).toBe('203.0.113.7');
    expect(g.b.relay.address).toBe('203.0.113.7');
  });

  it('echoes each side\'s own RQ nonce in its RG, and sends none to a side that sent none', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const id = await sessionOf(r, host, [joiner]);
    await settle(r, host, r.address, `RQ:${id}:${joiner.key}:cyahcyahcyahcyah`);
    const [h, j] = [host.received.length, joiner.received.length];
    joiner.send(r.address, `RQ:${id}:${host.key}`);
    expect((await host.nth(h)).split(':')[4]).toBe('cyahcyahcyahcyah');
    expect((await joiner.nth(j)).split(':')).toHaveLength(4);
    // A later RQ with a new nonce is answered with that one
    expect((await joiner.ask(r.address, `RQ:${id}:${host.key}:ahahahahahahahah`)).split(':')[4]).toBe('ahahahahahahahah');
  });

  it('drops strangers, binds with unknown tokens, re-binds of a bound side and traffic for an unbound side', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const stranger = await UdpClient.open();
    const id = await sessionOf(r, host, [joiner]);
    const g = await grant(r, host, joiner, id);
    await host.ask(g.a.relay, `RB:${g.a.token}`);
    await settle(r, stranger, g.a.relay, 'hello');
    await settle(r, stranger, g.a.relay, 'RB:cyahcyahcyahcyah');
    await settle(r, stranger, g.a.relay, `RB:${g.a.token}`); // the host's side is bound elsewhere
    await settle(r, host, g.a.relay, 'early'); // the joiner is not bound yet
    const dropped = r.server.stats.relayDropped;
    expect(dropped.get('stranger')).toBe(2);
    expect(dropped.get('spoofed_bind')).toBe(1);
    expect(dropped.get('peer_unbound')).toBe(1);
    expect(r.server.stats.relayedDatagrams).toBe(0);
    expect(stranger.received).toEqual([]);
    expect(joiner.received.filter((t) => !t.startsWith('JR') && !t.startsWith('RG'))).toEqual([]);
  });

  it('refuses pairs outside a session, and everything with relays off', async () => {
    const r = await start();
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const stranger = await UdpClient.open('127.0.0.3');
    const id = await sessionOf(r, host, [joiner]);
    await settle(r, stranger, r.address, `RQ:${id}:${host.key}`); // not in the session
    await settle(r, host, r.address, `RQ:${id}:${stranger.key}`); // peer not in the session
    await settle(r, host, r.address, `RQ:${id}:${host.key}`); // itself
    expect(r.server.stats.relayDropped.get('not_in_session')).toBe(3);
    await r.server.close();
    const off = await start({ relayPorts: null });
    const offHost = await UdpClient.open();
    const offJoiner = await UdpClient.open('127.0.0.2');
    const offId = await sessionOf(off, offHost, [offJoiner]);
    await settle(off, offHost, off.address, `RQ:${offId}:${offJoiner.key}`);
    await settle(off, offJoiner, off.address, `RQ:${offId}:${offHost.key}`);
    expect(off.server.stats.relayDropped.get('relays_off')).toBe(2);
    expect(off.server.stats.relaysOpened).toBe(0);
    expect(off.server.relays.boundPorts).toEqual([]);
  });

  it('drops what exceeds a relay\'s bandwidth, and never sends more than it received', async () => {
    const r = await start({ relayBandwidth: 1000 });
    const host = await UdpClient.open();
    const joiner = await UdpClient.open('127.0.0.2');
    const { g } = await relayedPair(r, host, joiner);
    const before = joiner.received.length;
    for (let i = 0; i < 50; i++) host.send(g.a.relay, 'x'.repeat(100)); // 5000 bytes at once; the test clock stands still
    await waitUntil(() => r.server.stats.relayedDatagrams + (r.server.stats.relayDropped.get('bandwidth') ?? 0) === 50, 'all 50 counted');
    // Each datagram costs its 28 bytes of IPv4 and UDP headers too: the two RAs took 2 x 47 bytes
    // of the 1000-byte bucket, and 7 datagrams of 128 bytes fit in the rest.
    expect(r.server.stats.relayedDatagrams).toBe(7);
    await waitUntil(() => joiner.received.length === before + 7, 'the 7 forwarded datagrams');
    expect(r.server.stats.relayedBytes).toBe(700);
  });

  it('lets one busy relay use its whole cap while the others are idle: idle relays take no share', async () => {
    const r = await start({ relayBandwidth: 2000, relayTotalBandwidth: 4000 });
    for (let i = 0; i < 5; i++) await relayedPair(r, await UdpClient.open(`127.0.6.${i + 1}`), await UdpClient.open(`127.0.7.${i + 1}`));
    const host = await UdpClient.open('127.0.8.1');
    const joiner = await UdpClient.open('127.0.8.2');
    const { g } = await relayedPair(r, host, joiner);
    r.clock.now += 5000; // the binds' RAs are long forgotten: every relay is idle
    const before = r.server.stats.relayedDatagrams;
    for (let i = 0; i < 20; i++) await settle(r, host, g.a.relay, 'x'.repeat(72)); // 100 bytes each with headers
    // Its 2000-byte cap, not a sixth of the 4000-byte total
    expect(r.server.stats.relayedDatagrams - before).toBe(20);
    await settle(r, host, g.a.relay, 'x'.repeat(72));
    expect(r.server.stats.relayDropped.get('bandwidth')).toBe(1);
  });

  it('a random session\'s stranger, which never learns the session id, gets a relay by the pair', async () => {
    const r = await start();
    const first = await UdpClient.open();
    const stranger = await UdpClient.open('127.0.0.2');
    const hr = await first.ask(r.address, `RS:${'cy'.repeat(6)}`);
    expect(hr.startsWith('HR:')).toBe(true);
    const id = hr.split(':')[2]!;
    const nj = first.received.length;
    await stranger.ask(r.address, `RS:${'cy'.repeat(6)}`); // JR: no session id in it
    await first.nth(nj);
    // The stranger names the session as the node does: the server key and "cycy"
    const g = await grant(r, first, stranger, id, `${r.server.serverKey}cycy`);
    expect(g.b.peerKey).toBe(first.key);
    await bindBoth(first, stranger, g);
    const at = stranger.received.length;
    first.send(g.a.relay, 'through');
    expect(await stranger.nth(at)).toBe('through');
  });
});

describe('relay ports', () => {
  it('are the only sockets the server binds besides its own, at start, however many relays open', async () => {
    const before = boundUdpPorts();
    const r = await start({ relayPorts: relayPorts(3) });
    const opened = boundUdpPorts().filter((p) => !before.includes(p));
    expect(opened).toEqual([r.address.port, ...r.server.relays.boundPorts].sort((a, b) => a - b));
    expect(opened).toHaveLength(4);
    // Six relayed pairs later, the server holds the same sockets and no others
    const peerPorts = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const host = await UdpClient.open(`127.0.1.${i + 1}`);
      const joiner = await UdpClient.open(`127.0.2.${i + 1}`);
      await relayedPair(r, host, joiner);
      peerPorts.add(host.port).add(joiner.port);
    }
    expect(r.server.relays.active).toBe(6);
    expect(boundUdpPorts().filter((p) => !before.includes(p) && !peerPorts.has(p))).toEqual(opened);
  });

  it('default to 7789-7792 (free ones with --port 0), and never include the rendezvous port', () => {
    const read = (argv: string[]) => readConfig({}, argv);
    const config = read([]);
    expect(!config.help && config.config.relayPorts).toEqual([7789, 7790, 7791, 7792]);
    expect(() => read(['--port', '7790'])).toThrow('--relay-ports=7789-7792: includes --port 7790; relays need ports of their own');
    expect(() => read(['--relay-ports', '7000-7100'])).toThrow('expected a port range of 1 to 64 ports');
    // A server on a free port takes free relay ports, unless told otherwise
    const free = read(['--port', '0']);
    expect(!free.help && free.config.relayPorts).toEqual([0, 0, 0, 0]);
    const given = read(['--port', '0', '--relay-ports', '7789-7790']);
    expect(!given.help && given.config.relayPorts).toEqual([7789, 7790]);
  });

  it('that are taken stop the server from starting, naming the port, and leave nothing bound', async () => {
    const taken = await UdpClient.open();
    const before = boundUdpPorts();
    await expect(startRelayServer({ relayPorts: [0, taken.port] })).rejects.toThrow(`relay port ${taken.port}: bind EADDRINUSE`);
    expect(boundUdpPorts()).toEqual(before);
  });

  it('carry many pairs on one port, told apart by source address', async () => {
    const r = await start({ relayPorts: relayPorts(1) });
    const pairs = [];
    for (let i = 0; i < 5; i++) {
      const host = await UdpClient.open(`127.0.3.${i + 1}`);
      const joiner = await UdpClient.open(`127.0.4.${i + 1}`);
      pairs.push({ host, joiner, ...(await relayedPair(r, host, joiner)) });
    }
    expect(new Set(pairs.map((p) => p.g.a.relay.port)).size).toBe(1);
    const marks = pairs.map((p) => p.joiner.received.length);
    pairs.forEach((p, i) => p.host.send(p.g.a.relay, `to joiner ${i}`));
    for (const [i, p] of pairs.entries()) expect(await p.joiner.nth(marks[i]!)).toBe(`to joiner ${i}`);
    for (const [i, p] of pairs.entries()) expect(p.joiner.received.length).toBe(marks[i]! + 1);
  });

  it('give a host a different port for each relayed client, and refuse one more than there are ports', async () => {
    const r = await start({ relayPorts: relayPorts(3) });
    const host = await UdpClient.open();
    const clients = [await UdpClient.open('127.0.5.1'), await UdpClient.open('127.0.5.2'), await UdpClient.open('127.0.5.3'), await UdpClient.open('127.0.5.4')];
    const id = await sessionOf(r, host, clients);
    const grants = [];
    for (const client of clients.slice(0, 3)) {
      const g = await grant(r, host, client, id);
      await bindBoth(host, client, g);
      grants.push(g);
    }
    expect(new Set(grants.map((g) => g.a.relay.port)).size).toBe(3);
    // The host's one socket reaches each client through its own port, and hears each back from it
    const marks = clients.map((c) => c.received.length);
    grants.forEach((g, i) => host.send(g.a.relay, `hello ${i}`));
    for (let i = 0; i < 3; i++) expect(await clients[i]!.nth(marks[i]!)).toBe(`hello ${i}`);
    // A fourth relayed client of the same host finds no port left
    await settle(r, host, r.address, `RQ:${id}:${clients[3]!.key}`);
    await settle(r, clients[3]!, r.address, `RQ:${id}:${host.key}`);
    expect(r.server.stats.relayDropped.get('host_ports_full')).toBe(1);
    expect(r.server.relays.active).toBe(3);
  });
});
