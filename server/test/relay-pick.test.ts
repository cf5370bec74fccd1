/**
 * The relay node chosen by the players' pings, with real sockets: an instance and two relay nodes
 * on loopback sharing a real redis-server. A side of ours that asks for a relay without round
 * trips is sent the candidates (RN) and a ping ticket; the pair is granted the node whose worse
 * side is the quickest, or by load when the figures never come. A node answers a ping (RP) only
 * with a signed, unexpired ticket for the address it comes from, and never with more bytes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { RelayNode } from '../src/cluster/relay-node.ts';
import { Registry } from 'prom-client';
import { registerGrantMetrics } from '../src/cluster/cluster-metrics.ts';
import { mintTicket } from '../src/cluster/ping-ticket.ts';
import { readConfig } from '../src/config.ts';
import { type Endpoint, decodeKey, type RelayGranted, type RelayNodes } from '../src/generated/protocol.ts';
import { openRelaySocket, ownAddresses, RendezvousServer } from '../src/rendezvous-server.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { ServerStats } from '../src/stats.ts';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const SECRET = 'relay secret shared by instance and nodes';
const INSTANCE_IP = '127.0.0.150';
const NODE_IPS = ['127.0.0.151', '127.0.0.152'];

let redis: TestRedis;
const links: RedisLink[] = [];
let server: RendezvousServer;
let instance: Endpoint;
const nodes: RelayNode[] = [];
const nodeStats: ServerStats[] = [];

async function link(): Promise<RedisLink> {
  const made = new RedisLink(redis.url, () => {});
  await made.connect();
  links.push(made);
  return made;
}

beforeAll(async () => {
  redis = await startRedis();
  for (const ip of NODE_IPS) {
    const result = readConfig({}, ['--role', 'relay', '--redis-url', redis.url, '--relay-secret', SECRET, '--port', '0', '--bind', ip, '--public-ip', ip]);
    if (result.help) throw new Error('help');
    const stats = new ServerStats();
    const node = new RelayNode({
      config: { ...result.config, relayPorts: [0, 0] }, redis: await link(), stats, now: () => performance.now(), log: () => {},
      openSocket: (port) => openRelaySocket(ip, port), own: { addresses: ownAddresses(ip, ip), ports: new Set() },
      // Refreshed rarely: a test's extra load on a node stays counted.
      refreshMs: 60_000, ttlMs: 120_000,
    });
    await node.start();
    nodes.push(node);
    nodeStats.push(stats);
  }
  server = new RendezvousServer({
    config: {
      ...DEFAULT_CONFIG, port: 0, bind: INSTANCE_IP, publicIp: INSTANCE_IP, sweepIntervalMs: 3_600_000, rate: 0, relayPorts: null,
      relaySecret: SECRET, redisUrl: redis.url, probePort: null,
    },
    redis: await link(),
  });
  instance = await server.listen();
});

afterAll(async () => {
  await server?.close();
  for (const node of nodes) await node.close();
  for (const made of links) await made.close();
  redis.stop();
});

beforeEach(async () => {
  // Neither node has granted anything: the load rule alone would take either.
  for (const node of nodes) await links[0]!.commands.del(`shp:node:${node.nodeKey}:granted`);
});
afterEach(() => UdpClient.closeAll());

let pairs = 0;
const isRg = (a: { message: { code: string } | null }) => a.message?.code === 'RG';
const isRn = (a: { message: { code: string } | null }) => a.message?.code === 'RN';

/** A session of a host and a joiner on their own loopback addresses; resolves with both and the session id. */
async function session(): Promise<{ host: UdpClient; joiner: UdpClient; id: string }> {
  pairs++;
  const host = await UdpClient.open(`127.0.${160 + pairs}.1`);
  const joiner = await UdpClient.open(`127.0.${160 + pairs}.2`);
  const id = (await host.ask(instance, `HS:${LOCAL_KEY}`)).split(':')[2]!;
  const nj = host.received.length;
  await joiner.ask(instance, `JS:${LOCAL_KEY}:${id}`);
  await host.nth(nj);
  return { host, joiner, id };
}

/** Makes the load rule prefer the other node: [node] counts [grants] grants it did not get. */
async function loadUp(node: RelayNode, grants: number): Promise<void> {
  await links[0]!.commands.set(`shp:node:${node.nodeKey}:granted`, String(grants), 'PX', 60_000);
}

const pings = (figures: readonly [RelayNode, number][]) => figures.map(([node, ms]) => `${node.nodeKey}=${ms}`).join(',');

/** [client] pings [node] with [ticket]; resolves with the answer's text, or null when none comes. */
async function ping(client: UdpClient, node: RelayNode, ticket: string, ms = 500): Promise<string | null> {
  const to = { address: NODE_IPS[nodes.indexOf(node)]!, port: node.boundPorts[0]! };
  const nonce = newToken();
  const answer = await client.resend(to, `RP:${ticket}:${nonce}`, (a) => a.message?.code === 'RE', ms);
  return answer?.text ?? null;
}

describe('a relay chosen by the players\' pings', () => {
  it('lists both nodes to a side that asks without pings, with a ticket the nodes answer pings for', async () => {
    const { host, joiner, id } = await session();
    const nonce = newToken();
    const rn = await host.resend(instance, `RQ:${id}:${joiner.key}:${nonce}`, isRn, 5_000);
    expect(rn, 'RN').not.toBeNull();
    const listed = rn!.message as RelayNodes;
    expect(listed.nonce).toBe(nonce);
    expect([...listed.nodeKey].sort()).toEqual(nodes.map((node) => node.nodeKey).sort());
    for (const node of nodes) {
      const request = `RP:${listed.ticket}:${newToken()}`;
      const echo = await ping(host, node, listed.ticket);
      expect(echo).toMatch(/^RE:[a-z]{16}$/);
      expect(echo!.length).toBeLessThan(request.length);
    }
  }, 20_000);

  it('grants the node whose worse side is the quickest, not the less loaded one nor the one quickest for one side', async () => {
    const [near, far] = nodes as [RelayNode, RelayNode];
    await loadUp(near, 5);
    const { host, joiner, id } = await session();
    // The host is quicker to [far], but the joiner is much slower there: [near]'s worse side (160) beats [far]'s (400).
    const [a, b] = await Promise.all([
      host.resend(instance, `RQ:${id}:${joiner.key}:${newToken()}:${pings([[near, 150], [far, 10]])}`, isRg, 5_000),
      joiner.resend(instance, `RQ:${id}:${host.key}:${newToken()}:${pings([[near, 160], [far, 400]])}`, isRg, 5_000),
    ]);
    const granted = [a, b].map((x) => decodeKey((x!.message as RelayGranted).relayKey)!.address);
    expect(granted).toEqual([NODE_IPS[0], NODE_IPS[0]]);
    // The metrics say so: a node chosen by the pings.
    const registry = new Registry();
    registerGrantMetrics(registry, server.relays.nodeGrants!);
    const text = await registry.metrics();
    expect(text).toMatch(/shp_relay_node_choices_total\{by="ping"\} [1-9]/);
    expect(text).toMatch(/shp_relay_node_load_ratio\{node="[a-z]{12}"\} 0/);
  }, 20_000);

  it('grants by load when the figures never come', async () => {
    const [busy] = nodes as [RelayNode, RelayNode];
    await loadUp(busy, 5);
    const { host, joiner, id } = await session();
    const started = Date.now();
    const [a, b] = await Promise.all([
      host.resend(instance, `RQ:${id}:${joiner.key}:${newToken()}`, isRg, 5_000),
      joiner.resend(instance, `RQ:${id}:${host.key}:${newToken()}`, isRg, 5_000),
    ]);
    expect(host.received.some((text) => text.startsWith('RN:')), 'the host was sent the candidates').toBe(true);
    const granted = [a, b].map((x) => decodeKey((x!.message as RelayGranted).relayKey)!.address);
    expect(granted).toEqual([NODE_IPS[1], NODE_IPS[1]]);
    expect(Date.now() - started).toBeLessThan(4_000);
  }, 20_000);
});

describe('a relay node answers pings only with a good ticket for the sender\'s address', () => {
  const node = () => nodes[0]!;
  const dropped = (reason: string) => nodeStats[0]!.relayDropped.get(`ping_${reason}`) ?? 0;

  it('answers a ticket signed for its sender', async () => {
    const client = await UdpClient.open('127.0.200.1');
    expect(await ping(client, node(), mintTicket(SECRET, client.address, Date.now()))).toMatch(/^RE:/);
  });

  it('does not answer a forged ticket', async () => {
    const client = await UdpClient.open('127.0.200.2');
    expect(await ping(client, node(), mintTicket('a secret guessed by someone', client.address, Date.now()))).toBeNull();
    expect(dropped('forged')).toBeGreaterThan(0);
  });

  it('does not answer an expired ticket', async () => {
    const client = await UdpClient.open('127.0.200.3');
    expect(await ping(client, node(), mintTicket(SECRET, client.address, Date.now() - 120_000, 60_000))).toBeNull();
    expect(dropped('expired')).toBeGreaterThan(0);
  });

  it('does not answer a ticket signed for another address (a spoofed source it would reflect at)', async () => {
    const client = await UdpClient.open('127.0.200.4');
    const before = dropped('forged');
    expect(await ping(client, node(), mintTicket(SECRET, '127.0.200.5', Date.now()))).toBeNull();
    expect(dropped('forged')).toBeGreaterThan(before);
  });
});
