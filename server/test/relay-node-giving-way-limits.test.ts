/**
 * A host's relay on a node gives way only to a newcomer the node then admits: the newcomer's own
 * limits (per address, per /24) are decided first, counting the relay that would give way as gone
 * (the newcomer takes its place). A newcomer those limits refuse leaves the playing pair's relay
 * forwarding; one they admit only once the host's own share is released is admitted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import type { RelayNode } from '../src/cluster/relay-node.ts';
import { mintGrant } from '../src/cluster/relay-grant.ts';
import type { ServerStats } from '../src/stats.ts';
import { type NodeInProcess, startNodeInProcess } from './support/relay-node-in-process.ts';

const SECRET = 'relay secret shared by instance and nodes';
const NODE_IP = '127.0.0.95';
/** Past the 3 s of silence after which a running game's relay counts as ended. */
const ENDED_MS = 4_000;
let n: NodeInProcess;
let node: RelayNode;
let stats: ServerStats;
/** The node's monotonic clock, ahead of the real one by this much (to end a game without waiting). */
let skewMs = 0;

beforeAll(async () => {
  // One port (a host's one relay holds all of its ports here), one relay per address, two per /24.
  n = await startNodeInProcess({
    secret: SECRET, ip: NODE_IP, args: ['--relays-per-ip', '1', '--relays-per-subnet', '2'], config: { relayPorts: [0] },
    now: () => performance.now() + skewMs,
  });
  ({ node, stats } = n);
});
afterAll(() => n?.close());
afterEach(() => UdpClient.closeAll());

const relay = () => n.relay();
const grantFor = (host: UdpClient, player: UdpClient, gameRuns = true) =>
  mintGrant(SECRET, node.nodeKey, host.address, player.address, Date.now(), 30_000, { hostIp: host.address, gameRuns });

const bind = (client: UdpClient, grant: string, peer: UdpClient) => n.bind(client, grant, peer, 600);

/** A pair relayed on the node, [host] hosting, that has forwarded game data. */
async function relayed(host: UdpClient, player: UdpClient): Promise<void> {
  const grant = grantFor(host, player);
  expect(await bind(player, grant, host), 'the player\'s RA').toMatch(/^RA:/);
  expect(await bind(host, grant, player), 'the host\'s RA').toMatch(/^RA:/);
  expect(await through(player, host, 'a game')).toBe(true);
}

/** Whether [text] sent by [from] through the node reaches [to]. */
async function through(from: UdpClient, to: UdpClient, text: string): Promise<boolean> {
  const came = to.waitFor((a) => a.text === text, 1_000);
  from.send(relay(), text);
  return (await came) !== null;
}

const dropped = (reason: string) => stats.relayDropped.get(reason) ?? 0;
const gaveWay = () => stats.relayClosed.get('gave_way') ?? 0;

describe('a host\'s relay on a node gives way only to a newcomer the node admits', () => {
  it('keeps forwarding when the newcomer\'s own address is at its limit', async () => {
    // Given a host whose player's relay holds the node's port, and a newcomer already relayed by another host
    const host = await UdpClient.open('127.0.150.1');
    const player = await UdpClient.open('127.0.151.1');
    await relayed(host, player);
    const newcomer = await UdpClient.open('127.0.152.1');
    await relayed(await UdpClient.open('127.0.153.1'), newcomer);
    // When the player's game has ended and the host binds for the newcomer from its endpoint there
    skewMs += ENDED_MS;
    const [limited, closed] = [dropped('per_ip_limit'), gaveWay()];
    expect(await bind(host, grantFor(host, newcomer), newcomer)).toBeNull();
    // Then the newcomer is refused by its own limit, and the player's relay was not closed for it
    expect(dropped('per_ip_limit')).toBeGreaterThan(limited);
    expect(gaveWay()).toBe(closed);
    expect(await through(player, host, 'the game is back')).toBe(true);
    expect(await through(host, player, 'welcome back')).toBe(true);
  });

  it('keeps forwarding when the newcomer\'s /24 is at its limit', async () => {
    const host = await UdpClient.open('127.0.160.1');
    const player = await UdpClient.open('127.0.161.1');
    await relayed(host, player);
    // The newcomer's /24 holds two relays (with hosts of their own), the newcomer none
    await relayed(await UdpClient.open('127.0.163.1'), await UdpClient.open('127.0.162.1'));
    await relayed(await UdpClient.open('127.0.164.1'), await UdpClient.open('127.0.162.2'));
    const newcomer = await UdpClient.open('127.0.162.3');
    skewMs += ENDED_MS;
    const [limited, closed] = [dropped('per_subnet_limit'), gaveWay()];
    expect(await bind(host, grantFor(host, newcomer), newcomer)).toBeNull();
    expect(dropped('per_subnet_limit')).toBeGreaterThan(limited);
    expect(gaveWay()).toBe(closed);
    expect(await through(player, host, 'still here')).toBe(true);
  });

  it('admits a newcomer that fits once the host\'s own share is released, and the relay gives way to it', async () => {
    // The host's address is at its limit of one relay: the one that gives way
    const host = await UdpClient.open('127.0.170.1');
    const player = await UdpClient.open('127.0.171.1');
    await relayed(host, player);
    const newcomer = await UdpClient.open('127.0.172.1');
    skewMs += ENDED_MS;
    const closed = gaveWay();
    const grant = grantFor(host, newcomer);
    expect(await bind(host, grant, newcomer), 'the host\'s RA for the newcomer').toMatch(/^RA:/);
    expect(gaveWay()).toBe(closed + 1);
    expect(await bind(newcomer, grant, host), 'the newcomer\'s RA').toMatch(/^RA:/);
    expect(await through(newcomer, host, 'the new player')).toBe(true);
    expect(await through(player, host, 'the old one again')).toBe(false);
  });
});
