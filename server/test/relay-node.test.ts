/**
 * A relay node's data path checks each bind's grant itself, with the shared secret alone: a bind
 * with a forged, expired, replayed or other-address grant is refused (and counted by reason),
 * even with Redis stopped; a pair with a good grant is relayed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { RelayNode } from '../src/cluster/relay-node.ts';
import { mintGrant, sideGrant } from '../src/cluster/relay-grant.ts';
import { readConfig, type Config } from '../src/config.ts';
import { openRelaySocket, ownAddresses } from '../src/rendezvous-server.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { ServerStats } from '../src/stats.ts';
import { waitUntil } from './fixtures.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const SECRET = 'relay secret shared by instance and nodes';
const NODE_IP = '127.0.0.90';
let redis: TestRedis;
let link: RedisLink;
let node: RelayNode;
let stats: ServerStats;
/** The node's wall clock, ahead of the real one by this much (to let grants expire). */
let skewMs = 0;

beforeAll(async () => {
  redis = await startRedis();
  link = new RedisLink(redis.url, () => {});
  await link.connect();
  const result = readConfig({}, ['--role', 'relay', '--redis-url', redis.url, '--relay-secret', SECRET, '--port', '0', '--bind', NODE_IP, '--public-ip', NODE_IP]);
  if (result.help) throw new Error('help');
  const config: Config = result.config;
  stats = new ServerStats();
  node = new RelayNode({
    config, redis: link, stats, now: () => performance.now(), wallNow: () => Date.now() + skewMs, log: () => {},
    openSocket: (port) => openRelaySocket(config.bind, port), own: { addresses: ownAddresses(config.publicIp, config.bind), ports: new Set() },
  });
  await node.start();
  redis.stop(); // The data path does without Redis.
});
afterAll(async () => {
  await node.close();
  await link.close();
});
afterEach(() => {
  UdpClient.closeAll();
  skewMs = 0;
});

let pairs = 0;
async function pair(): Promise<[UdpClient, UdpClient]> {
  pairs++;
  return [await UdpClient.open(`127.0.${100 + pairs}.1`), await UdpClient.open(`127.0.${100 + pairs}.2`)];
}

const relay = () => ({ address: NODE_IP, port: node.boundPorts[0]! });
const grantFor = (a: UdpClient, b: UdpClient, secret = SECRET) => mintGrant(secret, node.nodeKey, a.address, b.address, Date.now(), 30_000);

/** [client] binds with [grant] (for the pair with [peer]); resolves with RA's text, or null when refused. */
async function bind(client: UdpClient, grant: string, peer: UdpClient): Promise<string | null> {
  const token = newToken();
  const answer = await client.resend(relay(), `RB:${token}:${sideGrant(grant, peer.address)}`, (a) => a.message?.code === 'RA', 500);
  return answer?.text ?? null;
}

const refused = (reason: string) => stats.relayDropped.get(`grant_${reason}`) ?? 0;

describe('a relay node checks grants on the data path', () => {
  it('relays a pair whose sides bind with a good grant', async () => {
    const [a, b] = await pair();
    const grant = grantFor(a, b);
    expect(await bind(a, grant, b)).toMatch(/^RA:/);
    expect(await bind(b, grant, a)).toMatch(/^RA:/);
    const through = b.waitFor((x) => x.text === 'hello through the node', 2_000);
    a.send(relay(), 'hello through the node');
    expect(await through).not.toBeNull();
    await waitUntil(() => node.active === 1, 'the relay to count');
  });

  it('refuses a forged grant', async () => {
    const [a, b] = await pair();
    expect(await bind(a, grantFor(a, b, 'a secret guessed by someone'), b)).toBeNull();
    expect(refused('forged')).toBeGreaterThan(0);
  });

  it('refuses an expired grant', async () => {
    const [a, b] = await pair();
    const grant = grantFor(a, b);
    skewMs = 60_000;
    expect(await bind(a, grant, b)).toBeNull();
    expect(refused('expired')).toBeGreaterThan(0);
  });

  it('refuses a replayed grant: a side already bound, presented from another port', async () => {
    const [a, b] = await pair();
    const grant = grantFor(a, b);
    expect(await bind(a, grant, b)).toMatch(/^RA:/);
    const replayer = await UdpClient.open(a.address);
    expect(await bind(replayer, grant, b)).toBeNull();
    expect(refused('replayed')).toBeGreaterThan(0);
  });

  it('refuses a second relay\'s bind from an endpoint already bound on the same port (it would be read as the first\'s)', async () => {
    const [host, first] = await pair();
    const second = await UdpClient.open(`127.0.${100 + pairs}.3`);
    expect(await bind(host, grantFor(host, first), first)).toMatch(/^RA:/);
    expect(await bind(host, grantFor(host, second), second)).toBeNull();
    expect(stats.relayDropped.get('endpoint_busy')).toBeGreaterThan(0);
  });

  it('refuses a grant presented from an address that is not the pair\'s', async () => {
    const [a, b] = await pair();
    const grant = grantFor(a, b);
    const before = refused('forged');
    const stranger = await UdpClient.open(`127.0.${100 + pairs}.3`);
    expect(await bind(stranger, grant, b)).toBeNull();
    expect(refused('forged')).toBeGreaterThan(before);
  });
});
