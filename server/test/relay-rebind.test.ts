/**
 * Rebinds (RR): a relayed pair moved off a silent relay node with its last grant, after its host
 * closed the session, with real processes on loopback (a redis-server, an instance, two relay
 * nodes). Only the pair the grant names is answered: a forged grant, one past the rebind window and
 * a third party's use of a genuine one get nothing at all (not even RN).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { GRANT_TTL_MS } from '../src/cluster/node-grants.ts';
import { listNodes } from '../src/cluster/node-registry.ts';
import { mintGrant, sideGrant } from '../src/cluster/relay-grant.ts';
import { REBIND_WINDOW_MS } from '../src/cluster/relay-rebind.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { decodeKey, encode, type Endpoint, type RelayGranted, type RelayNodes } from '../src/generated/protocol.ts';
import { RendezvousServer } from '../src/rendezvous-server.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'relay secret shared by instance and nodes';
const INSTANCE_IP = '127.0.0.190';
const NODE_IPS = ['127.0.0.191', '127.0.0.192'];
const [IP_A, IP_B, IP_C] = ['127.0.191.1', '127.0.191.2', '127.0.191.3'];
/** How long a refused side listens for any answer. */
const QUIET_MS = 800;

let redis: TestRedis;
let link: RedisLink;
let server: RendezvousServer;
let instance: Endpoint;
const nodes = new Map<string, Watched>();

beforeAll(async () => {
  redis = await startRedis();
  for (const ip of NODE_IPS) {
    const child = new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', '--role', 'relay', '--redis-url', redis.url,
      '--relay-secret', SECRET, '--bind', ip, '--public-ip', ip, '--port', '0', '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), `node ${ip}`);
    nodes.set(ip, child);
  }
  for (const node of nodes.values()) await node.waitForLine(/relay node on .*node key: [a-z]+.*Redis \(up\)/, 20_000);
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
  for (const node of nodes.values()) {
    node.child.kill('SIGKILL');
    await node.exited;
  }
  await server?.close();
  await link?.close();
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

/** Asks (RQ, or RR off [rebind]'s relay with its grant) until granted, pinging when listed; then binds. */
async function granted(client: UdpClient, ask: { session: string; peerKey: string } | { relayKey: string; grant: string }): Promise<RelayGranted> {
  const nonce = newToken();
  const request = (pings?: string) => ('session' in ask
    ? encode({ code: 'RQ', sessionId: ask.session, peerKey: ask.peerKey, nonce, ...(pings ? { pings } : {}) })
    : encode({ code: 'RR', relayKey: ask.relayKey, grant: ask.grant, nonce, ...(pings ? { pings } : {}) }));
  const first = await client.resend(instance, request(), (a) => isRg(a) || isRn(a), 5_000);
  let rg = first?.message?.code === 'RG' ? first.message : null;
  if (first?.message?.code === 'RN') {
    const silent = 'relayKey' in ask ? decodeKey(ask.relayKey)!.address : '';
    rg = (await client.resend(instance, request(await ping(client, first.message, silent)), isRg, 5_000))?.message as RelayGranted | null;
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

/** Whether [client] heard anything from the instance within QUIET_MS of sending [rr] (resent as the node does). */
async function answered(client: UdpClient, rr: string): Promise<boolean> {
  return (await client.resend(instance, rr, (a) => a.from.address === INSTANCE_IP, QUIET_MS)) !== null;
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
    expect(await answered(pair.a, rr(made(Date.now() - REBIND_WINDOW_MS - 60_000))), 'past the window').toBe(false);
    expect(await answered(pair.a, rr(made(Date.now() - REBIND_WINDOW_MS + 60_000))), 'within it').toBe(true);
  }, 10_000);

  it('answers a third party presenting a genuine grant with nothing, its pair with the candidates', async () => {
    const third = await UdpClient.open(IP_C);
    expect(await answered(third, rr(pair.rgA.grant!)), 'a third party').toBe(false);
    expect(await answered(pair.b, rr(pair.rgB.grant!)), 'the pair').toBe(true);
  }, 10_000);

  it('grants the pair another node once both sides ask, without a session, and never the silent one', async () => {
    const { a, b, rgA, rgB } = await relayedPair();
    const silent = decodeKey(rgA.relayKey)!.address;
    nodes.get(silent)!.child.kill('SIGKILL');
    await nodes.get(silent)!.exited;
    const [newA, newB] = await Promise.all([
      granted(a, { relayKey: rgA.relayKey, grant: rgA.grant! }), granted(b, { relayKey: rgB.relayKey, grant: rgB.grant! }),
    ]);
    expect(decodeKey(newA.relayKey)!.address).not.toBe(silent);
    expect(newB.relayKey).toBe(newA.relayKey);
    // Bound there, the two talk through it.
    const heard = b.waitFor((arrival) => arrival.text === 'hello' && arrival.from.address === decodeKey(newB.relayKey)!.address, 2_000);
    a.send(decodeKey(newA.relayKey)!, 'hello');
    expect(await heard).not.toBeNull();
  }, 30_000);
});

