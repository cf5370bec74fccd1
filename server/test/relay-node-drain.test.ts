/**
 * SIGTERM on a relay node with --drain-timeout: it leaves the registry at once (new grants go
 * elsewhere), keeps forwarding the pairs it holds until they go idle or the deadline passes, then
 * exits 0. A real node process and redis-server on loopback; grants signed as an instance signs them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { listNodes } from '../src/cluster/node-registry.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { mintGrant, sideGrant } from '../src/cluster/relay-grant.ts';
import { type Endpoint } from '../src/generated/protocol.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { killRelayNodes, relayNodeRegistered, spawnRelayNode } from './support/relay-node-process.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const SECRET = 'relay secret of the drain test';
const NODE_IP = '127.0.0.65';

let redis: TestRedis;
let link: RedisLink;
const running: Watched[] = [];

beforeAll(async () => {
  redis = await startRedis();
  link = new RedisLink(redis.url, () => {});
  await link.connect();
});

afterAll(async () => {
  await link.close();
  redis.stop();
});

afterEach(async () => {
  UdpClient.closeAll();
  await killRelayNodes(running.splice(0));
});

/** A relay node draining for [drain], relays idle after [idle]; resolves with it and its key once registered. */
async function startNode(drain: string, idle: string): Promise<{ node: Watched; key: string; relay: Endpoint }> {
  const node = spawnRelayNode(NODE_IP, redis.url, SECRET, ['--drain-timeout', drain, '--relay-idle', idle]);
  running.push(node);
  return { node, ...(await relayNodeRegistered(node)) };
}

/** A pair on two loopback addresses, bound on [relay] with a grant for [nodeKey]. */
async function boundPair(nodeKey: string, relay: Endpoint, subnet: number): Promise<[UdpClient, UdpClient]> {
  const sides = await Promise.all([UdpClient.open(`127.0.${subnet}.1`), UdpClient.open(`127.0.${subnet}.2`)]);
  const grant = mintGrant(SECRET, nodeKey, sides[0].address, sides[1].address, Date.now(), 30_000);
  await Promise.all(sides.map(async (side, i) => {
    const token = newToken();
    const answer = await side.resend(relay, `RB:${token}:${sideGrant(grant, sides[1 - i]!.address)}`, (a) => a.message?.code === 'RA', 3_000);
    expect(answer?.text).toBe(`RA:${token}`);
  }));
  return sides;
}

/** Whether [text] sent by [from] through [relay] reaches [to]. */
async function forwarded(from: UdpClient, to: UdpClient, relay: Endpoint, text: string): Promise<boolean> {
  const arrival = to.waitFor((a) => a.text === text, 1_000);
  from.send(relay, text);
  return (await arrival) !== null;
}

describe('a relay node draining on SIGTERM', () => {
  it('leaves the registry at once, forwards its live pairs until the deadline, then exits 0', async () => {
    const { node, key, relay } = await startNode('3s', '30s');
    const [a, b] = await boundPair(key, relay, 90);
    const termAt = Date.now();
    node.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(await listNodes(link.commands)).toEqual([]);
    // Traffic both ways all through the drain: none of it lost to the node's stopping.
    let round = 0;
    while (Date.now() - termAt < 2_500) {
      expect(await forwarded(a, b, relay, `to b ${round}`), `round ${round} to b, ${Date.now() - termAt} ms into the drain`).toBe(true);
      expect(await forwarded(b, a, relay, `to a ${round}`), `round ${round} to a`).toBe(true);
      round++;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await node.exited).toBe(0);
    expect(Date.now() - termAt).toBeGreaterThanOrEqual(3_000);
    expect(node.lines, node.tail(5)).toContain('simple-hole-punch: drain deadline passed, closing 1 relays');
  }, 20_000);

  it('exits before the deadline once its pairs went idle', async () => {
    const { node, key, relay } = await startNode('20s', '1s');
    const [a, b] = await boundPair(key, relay, 91);
    expect(await forwarded(a, b, relay, 'one datagram')).toBe(true);
    const termAt = Date.now();
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    const took = Date.now() - termAt;
    expect(took).toBeLessThan(5_000);
    expect(node.lines, node.tail(5)).toContain('simple-hole-punch: drain done: every relay ended');
  }, 20_000);
});
