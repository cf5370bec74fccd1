/**
 * A relay node killed (kill -9) under a relayed pair, with real processes on loopback: a
 * redis-server, an instance, two relay nodes as `--role relay` processes. The pair's sides do what
 * a node of ours does: ask (RQ), ping the listed nodes (RP) for at most 0.3 s, ask again with the
 * round trips, bind (RB). While they talk through the node, it is killed; each side notices a
 * second of silence, asks again, and is granted the other node at once (the dead one answers no
 * ping, so it is not chosen, though the registry still lists it for a few seconds), binds there
 * and talks on. Stated bound: the talk resumes within 3 s of the kill.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { decodeKey, type Endpoint, type RelayGranted, type RelayNodes } from '../src/generated/protocol.ts';
import { RendezvousServer } from '../src/rendezvous-server.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { killRelayNodes, relayNodeRegistered, spawnRelayNode } from './support/relay-node-process.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const SECRET = 'relay secret shared by instance and nodes';
const INSTANCE_IP = '127.0.0.180';
const NODE_IPS = ['127.0.0.181', '127.0.0.182'];
/** A side takes its relay for dead after this long without a datagram through it. */
const SILENCE_MS = 1_000;
/** How long the pings to the listed nodes may take in all. */
const PING_WINDOW_MS = 300;
/** The stated bound: from the kill to the pair talking again through the other node. */
const FAILOVER_BOUND_MS = 3_000;

let redis: TestRedis;
let link: RedisLink;
let server: RendezvousServer;
let instance: Endpoint;
const nodes = new Map<string, Watched>();

beforeAll(async () => {
  redis = await startRedis();
  for (const ip of NODE_IPS) {
    nodes.set(ip, spawnRelayNode(ip, redis.url, SECRET));
  }
  // The instance starts once the nodes are up: it reads them at start (then every 2 s).
  for (const node of nodes.values()) await relayNodeRegistered(node);
  link = new RedisLink(redis.url, () => {});
  await link.connect();
  server = new RendezvousServer({
    config: {
      ...DEFAULT_CONFIG, port: 0, bind: INSTANCE_IP, publicIp: INSTANCE_IP, sweepIntervalMs: 3_600_000, rate: 0, relayPorts: null,
      relaySecret: SECRET, redisUrl: redis.url, probePort: null,
    },
    redis: link,
  });
  instance = await server.listen();
}, 40_000);

afterAll(async () => {
  UdpClient.closeAll();
  await killRelayNodes(nodes.values());
  await server?.close();
  await link?.close();
  redis?.stop();
});

const isRg = (a: { message: { code: string } | null }) => a.message?.code === 'RG';

/** One side of a relayed pair, doing what a node of ours does. */
class Side {
  relay: Endpoint | null = null;
  heardAt = 0;
  private readonly nonce = newToken();

  constructor(readonly client: UdpClient, private readonly session: string, private readonly peerKey: string) {
    client.on((arrival) => {
      if (this.relay && arrival.from.address === this.relay.address && arrival.from.port === this.relay.port && arrival.text.startsWith('tick')) {
        this.heardAt = Date.now();
      }
    });
  }

  /** Asks for a relay; pings the nodes the instance lists, and asks again with the round trips; binds where granted. */
  async connect(): Promise<RelayGranted> {
    const rq = `RQ:${this.session}:${this.peerKey}:${this.nonce}`;
    const first = await this.client.resend(instance, rq, (a) => isRg(a) || a.message?.code === 'RN', 5_000);
    let rg = first?.message?.code === 'RG' ? first.message : null;
    if (first?.message?.code === 'RN') {
      const pings = await this.ping(first.message);
      rg = (await this.client.resend(instance, `${rq}:${pings}`, isRg, 5_000))?.message as RelayGranted | null;
    }
    if (!rg) throw new Error('no grant');
    const relay = decodeKey(rg.relayKey)!;
    const ra = await this.client.resend(relay, `RB:${rg.token}:${rg.grant}`, (a) => a.message?.code === 'RA', 3_000);
    if (!ra) throw new Error(`not bound at ${rg.relayKey} ${JSON.stringify(relay)} ${this.client.received.slice(-6).join(' ')}`);
    this.relay = relay;
    return rg;
  }

  private async ping(rn: RelayNodes): Promise<string> {
    const started = Date.now();
    const figures = await Promise.all(rn.nodeKey.map(async (key) => {
      const node = decodeKey(key)!;
      const nonce = newToken();
      const echo = this.client.waitFor((a) => a.text === `RE:${nonce}` && a.from.address === node.address, PING_WINDOW_MS);
      this.client.send(node, `RP:${rn.ticket}:${nonce}`);
      return (await echo) ? `${key}=${Date.now() - started}` : null;
    }));
    return figures.filter((f) => f !== null).join(',');
  }

  tick(): void {
    if (this.relay) this.client.send(this.relay, 'tick');
  }
}

describe('a relay node killed under a relayed pair', () => {
  it('the pair notices the silence, is granted the other node and talks on, within 3 s', async () => {
    const [hostClient, joinerClient] = [await UdpClient.open('127.0.190.1'), await UdpClient.open('127.0.190.2')];
    const id = (await hostClient.ask(instance, `HS:${LOCAL_KEY}`)).split(':')[2]!;
    const nj = hostClient.received.length;
    await joinerClient.ask(instance, `JS:${LOCAL_KEY}:${id}`);
    await hostClient.nth(nj);
    const sides = [new Side(hostClient, id, joinerClient.key), new Side(joinerClient, id, hostClient.key)];
    const [first] = await Promise.all(sides.map((side) => side.connect()));
    const carrying = decodeKey(first!.relayKey)!.address;
    const ticker = setInterval(() => sides.forEach((side) => side.tick()), 50);
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(sides.every((side) => Date.now() - side.heardAt < 200), 'talking through the first node').toBe(true);

      const killed = nodes.get(carrying)!;
      killed.child.kill('SIGKILL');
      const killedAt = Date.now();
      await killed.exited;
      // Each side: a second of silence, then it asks again.
      const regrants = await Promise.all(sides.map(async (side) => {
        while (Date.now() - side.heardAt < SILENCE_MS) await new Promise((r) => setTimeout(r, 20));
        side.relay = null;
        return side.connect();
      }));
      for (const rg of regrants) expect(decodeKey(rg.relayKey)!.address, 'granted the live node').not.toBe(carrying);
      while (!sides.every((side) => side.heardAt > killedAt)) {
        expect(Date.now() - killedAt, 'the talk resumed').toBeLessThan(FAILOVER_BOUND_MS + 2_000);
        await new Promise((r) => setTimeout(r, 10));
      }
      const resumedMs = Math.max(...sides.map((side) => side.heardAt)) - killedAt;
      console.log(`relay failover: talk resumed ${resumedMs} ms after kill -9 (silence taken as death after ${SILENCE_MS} ms)`);
      expect(resumedMs).toBeLessThan(FAILOVER_BOUND_MS);
    } finally {
      clearInterval(ticker);
    }
  }, 30_000);
});
