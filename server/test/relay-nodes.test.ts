/**
 * Relay nodes as real processes on loopback, started as docs/scale-out.md says: a redis-server,
 * one rendezvous instance with no relay ports of its own, and two relay nodes (`--role relay`).
 * Pairs that ask for a relay are granted one on a node picked by load; they bind there with the grant and talk through it; a
 * node killed (kill -9) leaves the registry within its bound, and new grants go to the other.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { listNodes, NODE_REFRESH_MS, NODE_TTL_MS } from '../src/cluster/node-registry.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { BIGRAMS, decodeKey, type Endpoint, type RelayGranted } from '../src/generated/protocol.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'relay secret shared by instance and nodes';
const INSTANCE_IP = '127.0.0.60';
const NODE_IPS = ['127.0.0.61', '127.0.0.62'];

let redis: TestRedis;
let link: RedisLink;
let instance: Endpoint;
const nodes: Watched[] = [];
const running: Watched[] = [];

/** The `npm start` lines of the doc's relay node block (a node, then an instance), as argument lists. */
function documentedCommands(): string[][] {
  const doc = readFileSync(resolve(ROOT, 'docs/scale-out.md'), 'utf8');
  const block = /## Relay nodes[\s\S]*?```sh\n([\s\S]*?)```/.exec(doc)![1]!;
  return block.trim().split('\n').map((line) => line.replace(/^npm start -- /, '').split(/\s+/));
}

function start(label: string, args: string[]): Watched {
  const child = new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), label);
  running.push(child);
  return child;
}

beforeAll(async () => {
  redis = await startRedis();
  link = new RedisLink(redis.url, () => {});
  await link.connect();
  const [relayCommand, rendezvousCommand] = documentedCommands();
  // The example's public addresses, Redis and secret become loopback ones, free ports and the test's.
  const local = (args: string[], ip: string) => [...args.map((arg) => (/^\d+\.\d+\.\d+\.\d+$/.test(arg) ? ip
    : arg.startsWith('redis://') ? redis.url : arg === '"$SECRET"' ? SECRET : arg)), '--bind', ip, '--port', '0', '--log-level', 'warn'];
  const rendezvous = start('rendezvous', [...local(rendezvousCommand!, INSTANCE_IP), '--probe-port', 'off']);
  for (const [i, ip] of NODE_IPS.entries()) nodes.push(start(`node ${i}`, local(relayCommand!, ip)));
  const [, port] = await rendezvous.waitForLine(/listening on [\d.]+:(\d+), .*rendezvous role sharing Redis \(up\)/, 20_000);
  instance = { address: INSTANCE_IP, port: Number(port) };
  for (const node of nodes) await node.waitForLine(/relay node on .*node key: [a-z]+.*Redis \(up\)/, 20_000);
}, 40_000);

afterAll(async () => {
  UdpClient.closeAll();
  for (const child of running) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
  await link.close();
  redis.stop();
});

afterEach(() => UdpClient.closeAll());

let pairs = 0;
/** How long a bind that must be refused goes unanswered before the test believes it. */
const REFUSED_MS = 500;

/** A session of a host and a joiner on their own loopback addresses; both ask for a relay; resolves with their RGs. */
async function grantedPair(): Promise<{ host: UdpClient; joiner: UdpClient; rg: [RelayGranted, RelayGranted] }> {
  pairs++;
  const host = await UdpClient.open(`127.0.${70 + pairs}.1`);
  const joiner = await UdpClient.open(`127.0.${70 + pairs}.2`);
  const id = (await host.ask(instance, `HS:${LOCAL_KEY}`)).split(':')[2]!;
  const nj = host.received.length;
  await joiner.ask(instance, `JS:${LOCAL_KEY}:${id}`);
  await host.nth(nj);
  const isRg = (a: { message: { code: string } | null }) => a.message?.code === 'RG';
  const [a, b] = await Promise.all([
    host.resend(instance, `RQ:${id}:${joiner.key}:${newToken()}`, isRg, 5_000),
    joiner.resend(instance, `RQ:${id}:${host.key}:${newToken()}`, isRg, 5_000),
  ]);
  expect(a, 'the host\'s RG').not.toBeNull();
  expect(b, 'the joiner\'s RG').not.toBeNull();
  return { host, joiner, rg: [a!.message as RelayGranted, b!.message as RelayGranted] };
}

/** Binds [client] with its RG's token and [grant] (none when null); resolves with the answer, or null. */
async function bind(client: UdpClient, rg: RelayGranted, grant: string | null = rg.grant ?? null, ms = 1_500): Promise<string | null> {
  const relay = decodeKey(rg.relayKey)!;
  const answer = await client.resend(relay, `RB:${rg.token}${grant === null ? '' : `:${grant}`}`, (a) => a.message?.code === 'RA', ms);
  return answer?.text ?? null;
}

async function relayedPair(): Promise<{ host: UdpClient; joiner: UdpClient; rg: [RelayGranted, RelayGranted] }> {
  const pair = await grantedPair();
  expect(await bind(pair.host, pair.rg[0])).toBe(`RA:${pair.rg[0].token}`);
  expect(await bind(pair.joiner, pair.rg[1])).toBe(`RA:${pair.rg[1].token}`);
  return pair;
}

/** [from] sends game data through [relay] every second, as a game would, until stopped: its relay never idles out. */
function playing(from: UdpClient, relay: Endpoint): () => void {
  const timer = setInterval(() => from.send(relay, 'still playing'), 1_000);
  return () => clearInterval(timer);
}

/** Resolves once the registry lists the node at [address] with [load] relays (its report after the last bind). */
async function loadReported(address: string, load: number): Promise<void> {
  const until = Date.now() + 3 * NODE_REFRESH_MS;
  for (;;) {
    const listed = (await listNodes(link.commands)).find((node) => node.publicIp === address);
    if (listed?.load === load) return;
    expect(Date.now(), `the node at ${address} to report ${load} relays (it lists ${listed?.load})`).toBeLessThan(until);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('relay nodes', () => {
  // First, while the nodes hold nothing: the choice is by the load the registry shows.
  it('spreads relays over the nodes by load', async () => {
    expect((await listNodes(link.commands)).map((node) => node.load), 'the nodes start empty').toEqual([0, 0]);
    const used = new Map<string, number>();
    const stops: Array<() => void> = [];
    try {
      for (let i = 0; i < 6; i++) {
        const { host, rg } = await relayedPair();
        const relay = decodeKey(rg[0].relayKey)!;
        stops.push(playing(host, relay));
        used.set(relay.address, (used.get(relay.address) ?? 0) + 1);
        // A grant counts towards its node only until the node's next report, which may come before
        // the bind: the next pair is chosen once the report shows this relay in the node's load.
        await loadReported(relay.address, used.get(relay.address)!);
      }
    } finally {
      for (const stop of stops) stop();
    }
    expect([...used.values()].sort()).toEqual([3, 3]);
  }, 60_000);

  it('grants a relay on a node, whose address RG names; the pair binds there with the grant and talks through it', async () => {
    const { host, joiner, rg } = await relayedPair();
    expect(rg[0].relayKey).toBe(rg[1].relayKey);
    expect(NODE_IPS).toContain(decodeKey(rg[0].relayKey)!.address);
    // The grant (48), the peer's address (8) and the port of the node's key (4).
    expect(rg[0].grant).toMatch(/^[a-z]{60}$/);
    const relay = decodeKey(rg[0].relayKey)!;
    const toJoiner = joiner.waitFor((a) => a.text === 'game data from the host', 2_000);
    host.send(relay, 'game data from the host');
    expect((await toJoiner)?.from).toEqual(relay);
    const toHost = host.waitFor((a) => a.text === 'and back', 2_000);
    joiner.send(relay, 'and back');
    expect((await toHost)?.from).toEqual(relay);
  }, 20_000);

  it('refuses a bind without a grant, with an altered grant, from another address, and a replay from another port', async () => {
    const { host, joiner, rg } = await grantedPair();
    expect(await bind(host, rg[0], null, REFUSED_MS)).toBeNull(); // No grant: an instance's plain RB.
    const altered = rg[0].grant!.slice(0, 2) + (rg[0].grant!.slice(2, 4) === BIGRAMS[0] ? BIGRAMS[1] : BIGRAMS[0]) + rg[0].grant!.slice(4);
    expect(await bind(host, rg[0], altered, REFUSED_MS)).toBeNull();
    const elsewhere = await UdpClient.open(`127.0.${70 + pairs}.3`);
    expect(await bind(elsewhere, rg[0], rg[0].grant!, REFUSED_MS)).toBeNull();
    expect(await bind(host, rg[0])).toBe(`RA:${rg[0].token}`);
    const samePlaceOtherPort = await UdpClient.open(host.address);
    expect(await bind(samePlaceOtherPort, rg[0], rg[0].grant!, REFUSED_MS)).toBeNull();
    // The real pair still works.
    expect(await bind(joiner, rg[1])).toBe(`RA:${rg[1].token}`);
  }, 20_000);

  it('gives a host\'s relays on one node different ports, so that its game socket tells its peers apart', async () => {
    pairs++;
    const host = await UdpClient.open(`127.0.${70 + pairs}.1`);
    const id = (await host.ask(instance, `HS:${LOCAL_KEY}`)).split(':')[2]!;
    const joiners: UdpClient[] = [];
    for (let i = 0; i < 8; i++) {
      const joiner = await UdpClient.open(`127.0.${70 + pairs}.${10 + i}`);
      const nj = host.received.length;
      await joiner.ask(instance, `JS:${LOCAL_KEY}:${id}`);
      await host.nth(nj);
      joiners.push(joiner);
    }
    const relays = new Set<string>();
    const ids = (await listNodes(link.commands)).map((node) => node.id);
    for (const [i, joiner] of joiners.entries()) {
      const isRg = (a: { message: { code: string } | null }) => a.message?.code === 'RG';
      // Their round trips send half of the pairs to each node.
      const pings = `${ids[i % 2]}=10,${ids[(i + 1) % 2]}=50`;
      const [a] = await Promise.all([
        host.resend(instance, `RQ:${id}:${joiner.key}:${newToken()}:${pings}`, (x) => isRg(x) && (x.message as RelayGranted).peerKey === joiner.key, 5_000),
        joiner.resend(instance, `RQ:${id}:${host.key}:${newToken()}:${pings}`, isRg, 5_000),
      ]);
      relays.add((a!.message as RelayGranted).relayKey);
    }
    // Two nodes of four ports each: eight relays of one host take every port once.
    expect(relays.size).toBe(8);
  }, 30_000);

  it('a node killed with kill -9 leaves the registry within its bound, and new grants go to the other node', async () => {
    expect(await listNodes(link.commands)).toHaveLength(2);
    const victim = nodes[0]!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    while ((await listNodes(link.commands)).length > 1) {
      expect(Date.now() - killedAt, 'the dead node is still listed').toBeLessThan(NODE_TTL_MS + 1_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = await listNodes(link.commands);
    expect(left.map((n) => n.publicIp)).toEqual([NODE_IPS[1]]);
    for (let i = 0; i < 3; i++) {
      const { rg } = await relayedPair();
      expect(decodeKey(rg[0].relayKey)!.address).toBe(NODE_IPS[1]);
    }
  }, 40_000);

  it('SIGTERM takes a node out of the registry at once, and it exits cleanly', async () => {
    const node = nodes[1]!;
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    expect(await listNodes(link.commands)).toEqual([]);
  }, 20_000);
});

