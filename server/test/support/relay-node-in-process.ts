/**
 * A relay node (`--role relay`) in the test's own process, on a real redis-server and real UDP
 * sockets, with clocks the test can move: for tests that read the node's counters and relays.
 */
import { RedisLink } from '../../src/cluster/redis-link.ts';
import { RelayNode } from '../../src/cluster/relay-node.ts';
import { sideGrant } from '../../src/cluster/relay-grant.ts';
import { readConfig, type Config } from '../../src/config.ts';
import { openRelaySocket, ownAddresses } from '../../src/rendezvous-server.ts';
import { newToken } from '../../src/sessions/tokens.ts';
import { ServerStats } from '../../src/stats.ts';
import type { UdpClient } from '../../../ci/harness/udp-client.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

export interface NodeInProcess {
  readonly node: RelayNode;
  readonly stats: ServerStats;
  readonly redis: TestRedis;
  /** The node's first relay port. */
  relay(): { address: string; port: number };
  /** [client] binds with [grant] (for the pair with [peer]); resolves with RA's text, or null when refused. */
  bind(client: UdpClient, grant: string, peer: UdpClient, ms?: number): Promise<string | null>;
  close(): Promise<void>;
}

export interface NodeOptions {
  readonly secret: string;
  /** The node's address, bound and public. */
  readonly ip: string;
  /** More command-line options. */
  readonly args?: readonly string[];
  readonly config?: Partial<Config>;
  /** The node's monotonic and wall clocks, the real ones unless given. */
  readonly now?: () => number;
  readonly wallNow?: () => number;
}

export async function startNodeInProcess(options: NodeOptions): Promise<NodeInProcess> {
  const redis = await startRedis();
  const link = new RedisLink(redis.url, () => {});
  await link.connect();
  const result = readConfig({}, ['--role', 'relay', '--redis-url', redis.url, '--relay-secret', options.secret, '--port', '0',
    '--bind', options.ip, '--public-ip', options.ip, ...options.args ?? []]);
  if (result.help) throw new Error('help');
  const config: Config = { ...result.config, ...options.config };
  const stats = new ServerStats();
  const node = new RelayNode({
    config, redis: link, stats, now: options.now ?? (() => performance.now()), wallNow: options.wallNow ?? (() => Date.now()), log: () => {},
    openSocket: (port) => openRelaySocket(config.bind, port), own: { addresses: ownAddresses(config.publicIp, config.bind), ports: new Set() },
  });
  await node.start();
  const relay = () => ({ address: options.ip, port: node.boundPorts[0]! });
  return {
    node, stats, redis, relay,
    async bind(client, grant, peer, ms = 500) {
      const answer = await client.resend(relay(), `RB:${newToken()}:${sideGrant(grant, peer.address)}`, (a) => a.message?.code === 'RA', ms);
      return answer?.text ?? null;
    },
    async close() {
      await node.close();
      await link.close();
      redis.stop();
    },
  };
}
