/**
 * A relay node's data path checks each bind's grant itself, with the shared secret alone: a bind
 * with a forged, expired, replayed or other-address grant is refused (and counted by reason),
 * even with Redis stopped; a pair with a good grant is relayed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import type { RelayNode } from '../src/cluster/relay-node.ts';
import { mintGrant } from '../src/cluster/relay-grant.ts';
import type { ServerStats } from '../src/stats.ts';
import { waitUntil } from './fixtures.ts';
import { type NodeInProcess, startNodeInProcess } from './support/relay-node-in-process.ts';

const SECRET = 'relay secret shared by instance and nodes';
const NODE_IP = '127.0.0.90';
let n: NodeInProcess;
let node: RelayNode;
let stats: ServerStats;
/** The node's wall clock, ahead of the real one by this much (to let grants expire). */
let skewMs = 0;

beforeAll(async () => {
  n = await startNodeInProcess({ secret: SECRET, ip: NODE_IP, wallNow: () => Date.now() + skewMs });
  ({ node, stats } = n);
  n.redis.stop(); // The data path does without Redis.
});
afterAll(() => n.close());
afterEach(() => {
  UdpClient.closeAll();
  skewMs = 0;
});

let pairs = 0;
async function pair(): Promise<[UdpClient, UdpClient]> {
  pairs++;
  return [await UdpClient.open(`127.0.${100 + pairs}.1`), await UdpClient.open(`127.0.${100 + pairs}.2`)];
}

const relay = () => n.relay();
const grantFor = (a: UdpClient, b: UdpClient, secret = SECRET) => mintGrant(secret, node.nodeKey, a.address, b.address, Date.now(), 30_000);

const bind = (client: UdpClient, grant: string, peer: UdpClient) => n.bind(client, grant, peer, 500);

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
