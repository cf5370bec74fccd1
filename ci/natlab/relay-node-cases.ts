/**
 * A relayed pair whose relay node sits in its own namespace and address, apart from the
 * rendezvous instance: Redis and the instance (`--role rendezvous`) on the server, one relay node
 * (`--role relay`) on a public host of its own; two port-randomising NATs connect through the node.
 * And two nodes at different distances: the pair, which pings both, is given the nearer.
 */
import { ROOT } from '../harness/godot.ts';
import { Watched } from '../harness/processes.ts';
import { SERVER_BUNDLE } from '../harness/server-build.ts';
import { type Case, expect, expectClientsConnectedTo, expectHostSaw, goal, paths } from './expectations.ts';
import { type Lab, SERVER_IP } from './lab.ts';
import { runSession } from './sessions.ts';

const SECRET = 'lab secret of the instance and its relay nodes';
const REDIS_URL = `redis://${SERVER_IP}:6379`;

/** Starts Redis on the server and a relay node on each of [nodes] (in [regions], when given); all end with the lab. */
async function startRelayNodes(lab: Lab, nodes: readonly string[], regions: readonly string[] = []): Promise<void> {
  const redis = new Watched(lab.spawn('server', 'redis-server', ['--port', '6379', '--bind', SERVER_IP, '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no']), 'redis'); // Reached from other namespaces, as on separate machines.
  await redis.waitForLine(/Ready to accept connections/, 10_000);
  for (const [i, node] of nodes.entries()) {
    const ip = lab.address(node);
    const relay = new Watched(lab.spawn(node, process.execPath, [SERVER_BUNDLE, '--role', 'relay', '--bind', ip, '--public-ip', ip,
      '--redis-url', REDIS_URL, '--relay-secret', SECRET, ...(regions[i] ? ['--region', regions[i]] : [])], { cwd: ROOT }), `relay node ${node}`);
    await relay.waitForLine(/node key: [a-z]+.*Redis \(up\)/, 20_000);
  }
}

export const RELAY_NODE_CASES: Case[] = [{
  name: '5k. port-randomising NATs on both sides: connects through a relay node in its own namespace, apart from the rendezvous instance',
  spec: { publicHosts: ['n1'], routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
  server: ['--role', 'rendezvous', '--redis-url', REDIS_URL, '--relay-secret', SECRET],
  before: (lab) => startRelayNodes(lab, ['n1']),
  run: async (lab, key) => {
    const { until, timeout, check } = goal();
    const run = await runSession(lab, key, 'h1', ['c1'], { punchTimeout: 2, timeout, until });
    check(run);
    const node = lab.address('n1');
    expectHostSaw(run, [node]);
    expectClientsConnectedTo(run, node);
    expect(paths(run).filter((p) => p === 'relay').length === 2, `expected both sides on the relay, got ${paths(run).join(', ')}`);
  },
}, {
  name: '5l. two relay nodes, one near and one 60 ms farther each way: the pair pings both and is given the near one',
  // The far node is in the instance's region: by load (own region first) it would be the one.
  spec: {
    publicHosts: ['n1', 'n2'], publicDelayMs: { n2: 60 },
    routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }],
  },
  server: ['--role', 'rendezvous', '--redis-url', REDIS_URL, '--relay-secret', SECRET, '--region', 'far'],
  before: (lab) => startRelayNodes(lab, ['n1', 'n2'], ['near', 'far']),
  run: async (lab, key) => {
    const { until, timeout, check } = goal();
    const run = await runSession(lab, key, 'h1', ['c1'], { punchTimeout: 2, timeout, until });
    check(run);
    const near = lab.address('n1');
    expectHostSaw(run, [near]);
    expectClientsConnectedTo(run, near);
    expect(paths(run).filter((p) => p === 'relay').length === 2, `expected both sides on the relay, got ${paths(run).join(', ')}`);
  },
}];
