/**
 * A relayed pair whose relay node sits in its own namespace and address, apart from the
 * rendezvous instance: Redis and the instance (`--role rendezvous`) on the server, one relay node
 * (`--role relay`) on a public host of its own; two port-randomising NATs connect through the node.
 * And two nodes at different distances: the pair, which pings both, is given the nearer. And a node
 * killed under a running game: the game's connection moves to the other node under ENet.
 */
import { ROOT } from '../harness/godot.ts';
import { Watched } from '../harness/processes.ts';
import { SERVER_BUNDLE } from '../harness/server-build.ts';
import { type Case, expect, expectClientsConnectedTo, expectHostSaw, goal, paths } from './expectations.ts';
import { type Lab, SERVER_IP } from './lab.ts';
import { runSession, startRejoinGame } from './sessions.ts';

const SECRET = 'lab secret of the instance and its relay nodes';
const REDIS_URL = `redis://${SERVER_IP}:6379`;

/** Starts Redis on the server and a relay node on each of [nodes] (in [regions], when given); all end with the lab. Resolves with the nodes. */
async function startRelayNodes(lab: Lab, nodes: readonly string[], regions: readonly string[] = []): Promise<Watched[]> {
  const started: Watched[] = [];
  const redis = new Watched(lab.spawn('server', 'redis-server', ['--port', '6379', '--bind', SERVER_IP, '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no']), 'redis'); // Reached from other namespaces, as on separate machines.
  await redis.waitForLine(/Ready to accept connections/, 10_000);
  for (const [i, node] of nodes.entries()) {
    const ip = lab.address(node);
    const relay = new Watched(lab.spawn(node, process.execPath, [SERVER_BUNDLE, '--role', 'relay', '--bind', ip, '--public-ip', ip,
      '--redis-url', REDIS_URL, '--relay-secret', SECRET, ...(regions[i] ? ['--region', regions[i]] : [])], { cwd: ROOT }), `relay node ${node}`);
    await relay.waitForLine(/node key: [a-z]+.*Redis \(up\)/, 20_000);
    started.push(relay);
  }
  return started;
}

/** Seconds within which the game's RPCs are answered again after the node carrying it was killed. */
const NODE_KILLED_BOUND = 3;

/**
 * The tiny rejoin game (`godot-demo/snippets/rejoin_game.gd`: game_timeout 1 s, rejoin_grace
 * [grace] s), host and ann each behind a port-randomising NAT, relayed through one of two nodes;
 * that node is killed (kill -9) mid-game. Both sides notice the node's silence, ask the instance
 * to move the pair (RR, with the pair's last grant: the session is closed), are granted the node
 * that still answers pings, and point the game's connection at it under ENet: the host keeps the
 * same ENet peer, and nobody leaves or rejoins (with rejoin_grace on too: moving is preferred).
 */
function nodeKilledCase(name: string, grace: number): Case {
  let nodes: Watched[] = [];
  return {
    name: `${name}. a relay node killed (kill -9) under a running game, rejoin_grace ${grace} s: the connection moves to the other node under ENet (same peer, nobody leaves) within ${NODE_KILLED_BOUND} s`,
    spec: { publicHosts: ['n1', 'n2'], routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    server: ['--role', 'rendezvous', '--redis-url', REDIS_URL, '--relay-secret', SECRET],
    before: async (lab) => { nodes = await startRelayNodes(lab, ['n1', 'n2']); },
    run: async (lab, key) => {
      const env = { REJOIN_GRACE: String(grace) };
      const host = startRejoinGame(lab, 'h1', ['host', key], env);
      let ann: Watched | undefined;
      try {
        const code = (await host.waitForLine(/^code ([a-z]+)$/, 30_000))[1]!;
        ann = startRejoinGame(lab, 'c1', ['join', code, 'ann'], env);
        await host.waitForLine(/^joined ann ([a-z]{12}) path=relay$/, 30_000);
        await ann.waitForLine(/^tock \d+$/, 30_000);
        const carrying = nodes.filter((n) => n.lines.some((l) => l.includes('relay_bound')));
        expect(carrying.length === 1, `one node carries the pair: ${carrying.map((n) => n.label).join(', ') || 'none'}`);
        const survivor = nodes.find((n) => n !== carrying[0])!;
        const tocks = (): number => ann!.lines.filter((l) => l.startsWith('tock ')).length;
        const before = tocks();
        carrying[0]!.child.kill('SIGKILL');
        const killed = Date.now();
        const deadline = killed + 20_000;
        while (tocks() < before + 2 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
        const back = (Date.now() - killed) / 1000;
        console.log(`       RPCs answered again ${back.toFixed(2)} s after ${carrying[0]!.label} was killed`);
        const tails = `\nhost:\n${host.tail(15)}\nann:\n${ann.tail(15)}`;
        expect(tocks() >= before + 2, `RPCs not answered again within 20 s${tails}`);
        expect(back < NODE_KILLED_BOUND, `answered again after ${back.toFixed(2)} s, over ${NODE_KILLED_BOUND} s${tails}`);
        await new Promise((wake) => setTimeout(wake, 1_500)); // A late drop would show by now.
        const connected = host.lines.filter((l) => /^peer \d+ connected$/.test(l));
        expect(connected.length === 1, `the host saw one ENet peer, never another: ${connected.join(', ')}${tails}`);
        expect(!host.lines.some((l) => l.startsWith('left ') || / disconnected;/.test(l)), `nobody left on the host${tails}`);
        expect(!ann.lines.some((l) => l.startsWith('left ') || l.startsWith('rejoining') || l.startsWith('failed')), `ann stayed in the game${tails}`);
        expect(host.lines.filter((l) => l.startsWith('joined ann ')).length === 1, `ann joined once${tails}`);
        expect(survivor.lines.some((l) => l.includes('relay_bound')), `the pair went through ${survivor.label}`);
      } finally {
        host.kill();
        ann?.kill();
      }
    },
  };
}

export const RELAY_NODE_CASES: Case[] = [{
  name: '5k. port-randomising NATs on both sides: connects through a relay node in its own namespace, apart from the rendezvous instance',
  spec: { publicHosts: ['n1'], routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
  server: ['--role', 'rendezvous', '--redis-url', REDIS_URL, '--relay-secret', SECRET],
  before: async (lab) => { await startRelayNodes(lab, ['n1']); },
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
  before: async (lab) => { await startRelayNodes(lab, ['n1', 'n2'], ['near', 'far']); },
  run: async (lab, key) => {
    const { until, timeout, check } = goal();
    const run = await runSession(lab, key, 'h1', ['c1'], { punchTimeout: 2, timeout, until });
    check(run);
    const near = lab.address('n1');
    expectHostSaw(run, [near]);
    expectClientsConnectedTo(run, near);
    expect(paths(run).filter((p) => p === 'relay').length === 2, `expected both sides on the relay, got ${paths(run).join(', ')}`);
  },
}, nodeKilledCase('5m', 10), nodeKilledCase('5n', 0)];
