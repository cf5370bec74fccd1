/**
 * Rebinds (RR): a relayed pair moved off a silent relay node with its last grant, after its host
 * closed the session, with real processes on loopback (a redis-server, instances, three relay
 * nodes). Only the pair the grant names is answered: a forged grant, one past the rebind window
 * (the relay lifetime) and a third party's use of a genuine one get nothing at all (not even RN).
 * A pair whose sides ask two instances is moved to one node, each side answered by its own; an
 * instance started after the node died takes the node's key from the grant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { GRANT_TTL_MS } from '../src/cluster/node-grants.ts';
import { listNodes } from '../src/cluster/node-registry.ts';
import { mintGrant, sideGrant } from '../src/cluster/relay-grant.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { decodeKey, encode, encodeKey, type Endpoint, type RelayGranted, type RelayNodes } from '../src/generated/protocol.ts';
import { RendezvousServer } from '../src/rendezvous-server.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { killRelayNodes, relayNodeRegistered, spawnRelayNode } from './support/relay-node-process.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const SECRET = 'relay secret shared by instance and nodes';
const INSTANCE_IP = '127.0.0.190';
/** A second instance, and one started only after a node died. */
const [OTHER_IP, LATE_IP] = ['127.0.0.189', '127.0.0.188'];
const NODE_IPS = ['127.0.0.191', '127.0.0.192', '127.0.0.193'];
const [IP_A, IP_B, IP_C] = ['127.0.191.1', '127.0.191.2', '127.0.191.3'];
/** Pairs whose sides rebind through two instances, and through the late one. */
const [IP_D, IP_E, IP_F, IP_G] = ['127.0.191.4', '127.0.191.5', '127.0.191.6', '127.0.191.7'];
/** The instances' relay lifetime, and so the rebind window: not the default, so that a fixed window would show. */
const LIFETIME_MS = 3_600_000;
/** How long a refused side listens for any answer. */
const QUIET_MS = 800;

let redis: TestRedis;
let link: RedisLink;
let instance: Endpoint;
let other: Endpoint;
const nodes = new Map<string, Watched>();
const running: Array<{ server: RendezvousServer; link: RedisLink }> = [];

/** An instance at [ip] granting relays on the nodes, as --role rendezvous with --relay-secret does, once it read [live] nodes. */
async function startInstance(ip: string, live = nodes.size): Promise<{ server: RendezvousServer; link: RedisLink; endpoint: Endpoint }> {
  const own = new RedisLink(redis.url, () => {});
  await own.connect();
  const started = new RendezvousServer({
    config: {
      ...DEFAULT_CONFIG, port: 0, bind: ip, publicIp: ip, sweepIntervalMs: 3_600_000, rate: 0, relayPorts: null,
      relaySecret: SECRET, redisUrl: redis.url, probePort: null, relayLifetimeMs: LIFETIME_MS,
    },
    redis: own,
  });
  const endpoint = await started.listen();
  running.push({ server: started, link: own });
  // Until it read the nodes, it knows none a rebind names.
  while (started.relays.nodeGrants!.nodes.length < live) await new Promise((r) => setTimeout(r, 50));
  return { server: started, link: own, endpoint };
}

beforeAll(async () => {
  redis = await startRedis();
  for (const ip of NODE_IPS) {
    nodes.set(ip, spawnRelayNode(ip, redis.url, SECRET));
  }
  for (const node of nodes.values()) await relayNodeRegistered(node);
  ({ link, endpoint: instance } = await startInstance(INSTANCE_IP));
  other = (await startInstance(OTHER_IP)).endpoint;
}, 40_000);

afterAll(async () => {
  UdpClient.closeAll();
  await killRelayNodes(nodes.values());
  for (const started of running) {
    await started.server.close();
    await started.link.close();
  }
  redis?.stop();
});

const isRg = (a: { message: { code: string } | null }) => a.message?.code === 'RG';
const isRn = (a: { message: { code: string } | null }) => a.message?.code === 'RN';

/** Pings the nodes [rn] lists but [silent] (at most 0.3 s), as the node does: RR's or RQ's pings field. */
async function ping(client: UdpClient, rn: RelayNodes, silent = ''): Promise<string> {
  const started = Date.now();
  const figures = await Promise.all(rn.nodeKey.filter((key) => decodeKey(key)!.address !== silent).map(async (key) => {
    const node = decodeKey(key)!;
    const nonce = newToken();
    const echo = client.waitFor((a) => a.text === `RE:${nonce}` && a.from.address === node.address, 300);
    client.send(node, `RP:${rn.ticket}:${nonce}`);
    return (await echo) ? `${key}=${Date.now() - started}` : null;
  }));
  return figures.filter((f) => f !== null).join(',');
}

/** Asks [to] (RQ, or RR off [rebind]'s relay with its grant) until granted, pinging when listed; then binds. */
async function granted(client: UdpClient, ask: { session: string; peerKey: string } | { relayKey: string; grant: string }, to = instance): Promise<RelayGranted> {
  const nonce = newToken();
  const request = (pings?: string) => ('session' in ask
    ? encode({ code: 'RQ', sessionId: ask.session, peerKey: ask.peerKey, nonce, ...(pings ? { pings } : {}) })
    : encode({ code: 'RR', relayKey: ask.relayKey, grant: ask.grant, nonce, ...(pings ? { pings } : {}) }));
  const first = await client.resend(to, request(), (a) => isRg(a) || isRn(a), 5_000);
  let rg = first?.message?.code === 'RG' ? first.message : null;
  if (first?.message?.code === 'RN') {
    const silent = 'relayKey' in ask ? decodeKey(ask.relayKey)!.address : '';
    rg = (await client.resend(to, request(await ping(client, first.message, silent)), isRg, 5_000))?.message as RelayGranted | null;
  }
  if (!rg) throw new Error('no grant');
  const ra = await client.resend(decodeKey(rg.relayKey)!, `RB:${rg.token}:${rg.grant}`, (a) => a.message?.code === 'RA', 3_000);
  if (!ra) throw new Error(`not bound at ${rg.relayKey}`);
  return rg;
}

/** A pair relayed on a node, whose host then closed the session (the handover). */
async function relayedPair(): Promise<{ a: UdpClient; b: UdpClient; rgA: RelayGranted; rgB: RelayGranted }> {
  const [a, b] = [await UdpClient.open(IP_A), await UdpClient.open(IP_B)];
  const id = (await a.ask(instance, `HS:${LOCAL_KEY}`)).split(':')[2]!;
  const nj = a.received.length;
  await b.ask(instance, `JS:${LOCAL_KEY}:${id}`);
  await a.nth(nj);
  const [rgA, rgB] = await Promise.all([granted(a, { session: id, peerKey: b.key }), granted(b, { session: id, peerKey: a.key })]);
  a.send(instance, `CS:${id}`);
  return { a, b, rgA, rgB };
}

/** Whether [client] heard anything from instance [to] within QUIET_MS of sending [rr] (resent as the node does). */
async function answered(client: UdpClient, rr: string, to = instance): Promise<boolean> {
  return (await client.resend(to, rr, (a) => a.from.address === to.address, QUIET_MS)) !== null;
}

/** Kills the node at [ip] (kill -9). */
async function kill(ip: string): Promise<void> {
  nodes.get(ip)!.child.kill('SIGKILL');
  await nodes.get(ip)!.exited;
}

/** The instances [client] heard from, by address. */
function heardFrom(client: UdpClient): Set<string> {
  const from = new Set<string>();
  client.on((arrival) => { if ([INSTANCE_IP, OTHER_IP, LATE_IP].includes(arrival.from.address)) from.add(arrival.from.address); });
  return from;
}

/** Whether [a] and [b] talk through the relay both were granted. */
async function talk(a: UdpClient, b: UdpClient, rg: RelayGranted): Promise<boolean> {
  const relay = decodeKey(rg.relayKey)!;
  const heard = b.waitFor((arrival) => arrival.text === 'hello' && arrival.from.address === relay.address, 2_000);
  a.send(relay, 'hello');
  return (await heard) !== null;
}

describe('rebinding a relayed pair (RR)', () => {
  let pair: Awaited<ReturnType<typeof relayedPair>>;
  let nodeId: string;
  const rr = (grant: string) => encode({ code: 'RR', relayKey: pair.rgA.relayKey, grant, nonce: newToken() });
  /** A's side of a grant for the pair on its node, made at [at]. */
  const made = (at: number) => sideGrant(mintGrant(SECRET, nodeId, IP_A, IP_B, at, GRANT_TTL_MS), IP_B);

  beforeAll(async () => {
    pair = await relayedPair();
    const relay = decodeKey(pair.rgA.relayKey)!;
    nodeId = (await listNodes(link.commands)).find((node) => node.publicIp === relay.address)!.id;
  }, 20_000);

  it('answers a forged grant with nothing', async () => {
    const grant = pair.rgA.grant!;
    // The genuine grant with its last MAC byte changed.
    const forged = grant.slice(0, 44) + (grant.slice(44, 46) === 'cy' ? 'ah' : 'cy') + grant.slice(46);
    expect(await answered(pair.a, rr(forged))).toBe(false);
  }, 10_000);

  it('answers a grant past the rebind window with nothing, one within it as the pair\'s', async () => {
    expect(await answered(pair.a, rr(made(Date.now() - LIFETIME_MS - 60_000))), 'past the window').toBe(false);
    expect(await answered(pair.a, rr(made(Date.now() - LIFETIME_MS + 60_000))), 'within it').toBe(true);
  }, 10_000);

  it('answers a third party presenting a genuine grant with nothing, its pair with the candidates', async () => {
    const third = await UdpClient.open(IP_C);
    expect(await answered(third, rr(pair.rgA.grant!)), 'a third party').toBe(false);
    expect(await answered(pair.b, rr(pair.rgB.grant!)), 'the pair').toBe(true);
  }, 10_000);

  it('moves a pair whose sides ask two instances to one node, each side answered by its own instance', async () => {
    // Strangers matched across instances: after the handover no session is left, and each side asks its own instance.
    const [d, e] = [await UdpClient.open(IP_D), await UdpClient.open(IP_E)];
    const [fromD, fromE] = [heardFrom(d), heardFrom(e)];
    const silentIp = NODE_IPS[2]!;
    const silent = (await listNodes(link.commands)).find((node) => node.publicIp === silentIp)!;
    // The pair's last grant, as an instance made it before grants carried the node's key port (both instances saw the node).
    const grant = mintGrant(SECRET, silent.id, IP_D, IP_E, Date.now(), GRANT_TTL_MS);
    const relayKey = encodeKey({ address: silentIp, port: silent.ports[0]! });
    await kill(silentIp);
    const [newD, newE] = await Promise.all([
      granted(d, { relayKey, grant: sideGrant(grant, IP_E) }, instance), granted(e, { relayKey, grant: sideGrant(grant, IP_D) }, other),
    ]);
    expect(decodeKey(newD.relayKey)!.address).not.toBe(silentIp);
    expect(newE.relayKey).toBe(newD.relayKey);
    expect([...fromD]).toEqual([INSTANCE_IP]);
    expect([...fromE]).toEqual([OTHER_IP]);
    expect(await talk(d, e, newD)).toBe(true);
  }, 30_000);

  it('rebinds through an instance started after the node died, with the node\'s key port the grant carries', async () => {
    const silentIp = NODE_IPS[2]!; // Killed by the test before.
    // Started once the dead node dropped out of the registry: it never saw it.
    while ((await listNodes(link.commands)).some((node) => node.publicIp === silentIp)) await new Promise((r) => setTimeout(r, 200));
    const late = await startInstance(LATE_IP, nodes.size - 1);
    expect(late.server.relays.nodeGrants!.nodes.some((node) => node.publicIp === silentIp)).toBe(false);
    const [f, g] = [await UdpClient.open(IP_F), await UdpClient.open(IP_G)];
    // The node's key: its address and its first relay port (the test's nodes bind from the default ports).
    const nodePort = DEFAULT_CONFIG.relayPorts![0]!;
    const grant = mintGrant(SECRET, encodeKey({ address: silentIp, port: nodePort }), IP_F, IP_G, Date.now(), GRANT_TTL_MS);
    const relayKey = encodeKey({ address: silentIp, port: nodePort });
    const rrOf = (peerIp: string, port: number) => encode({ code: 'RR', relayKey, grant: sideGrant(grant, peerIp, port), nonce: newToken() });
    expect(await answered(f, rrOf(IP_G, nodePort + 1), late.endpoint), 'another node key port').toBe(false);
    const [newF, newG] = await Promise.all([
      granted(f, { relayKey, grant: sideGrant(grant, IP_G, nodePort) }, late.endpoint),
      granted(g, { relayKey, grant: sideGrant(grant, IP_F, nodePort) }, late.endpoint),
    ]);
    expect(decodeKey(newF.relayKey)!.address).not.toBe(silentIp);
    expect(newG.relayKey).toBe(newF.relayKey);
    expect(await talk(f, g, newF)).toBe(true);
  }, 30_000);

  it('grants the pair another node once both sides ask, without a session, and never the silent one', async () => {
    const { a, b, rgA, rgB } = await relayedPair();
    const silent = decodeKey(rgA.relayKey)!.address;
    await kill(silent);
    const [newA, newB] = await Promise.all([
      granted(a, { relayKey: rgA.relayKey, grant: rgA.grant! }), granted(b, { relayKey: rgB.relayKey, grant: rgB.grant! }),
    ]);
    expect(decodeKey(newA.relayKey)!.address).not.toBe(silent);
    expect(newB.relayKey).toBe(newA.relayKey);
    expect(await talk(a, b, newA), 'bound there, the two talk through it').toBe(true);
  }, 30_000);
});

