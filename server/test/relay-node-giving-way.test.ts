/**
 * A relay node lets a host's relays give way as an instance's own do (giving-way.ts), with real
 * processes on loopback: a redis-server, relay nodes as `--role relay` processes, an instance.
 * The instance signs into each grant which address hosts the pair and whether the host's game
 * runs; the node, which sees no session, decides by that and by the traffic it forwards. Once
 * the game runs, a player's relay silent for 3 s gives way to a new player's on the node; a /24
 * holding two more of the host's relays than the new player's gives way; a player still
 * forwarding is never displaced, nor a quiet one before the game.
 */
import dgram from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freeTcpPort } from '../../ci/harness/free-tcp-port.ts';
import type { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { RedisLink } from '../src/cluster/redis-link.ts';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { decodeKey, type Endpoint, type RelayGranted } from '../src/generated/protocol.ts';
import { RendezvousServer } from '../src/rendezvous-server.ts';
import { newToken } from '../src/sessions/tokens.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { killRelayNodes, relayNodeRegistered, spawnRelayNode } from './support/relay-node-process.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

const SECRET = 'relay secret shared by instance and nodes';
const INSTANCE_IP = '127.0.0.190';
/** A node with one relay port (one relayed player takes all of a host's ports there), and one with four. */
const ONE_PORT_IP = '127.0.0.191';
const FOUR_PORTS_IP = '127.0.0.192';
/** Longer than the 3 s of silence after which a running game's relay counts as ended. */
const GONE_MS = 3_400;
/** Time for the node's next sweep to tell which of a full host's ports would give way (once a second). */
const TOLD_MS = 1_200;
/** How long a bind that must be refused goes unanswered before the test believes it. */
const REFUSED_MS = 1_500;

let redis: TestRedis;
let link: RedisLink;
let server: RendezvousServer;
let instance: Endpoint;
const nodes: Array<{ node: Watched; key: string; metrics: string }> = [];
let onePort: (typeof nodes)[number];
let fourPorts: (typeof nodes)[number];

/** [count] consecutive UDP ports free on [ip] now. */
async function freeUdpPorts(ip: string, count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const sockets = Array.from({ length: count }, () => dgram.createSocket('udp4'));
    const bound = await Promise.all(sockets.map((socket, i) => new Promise<boolean>((done) => {
      socket.once('error', () => done(false));
      socket.bind(base + i, ip, () => done(true));
    })));
    for (const socket of sockets) try { socket.close(); } catch { /* never bound */ }
    if (bound.every(Boolean)) return base;
  }
}

async function startNode(ip: string, ports: number) {
  const base = await freeUdpPorts(ip, ports);
  const metrics = `${ip}:${await freeTcpPort()}`;
  const node = spawnRelayNode(ip, redis.url, SECRET, ['--relay-ports', ports === 1 ? `${base}` : `${base}-${base + ports - 1}`, '--metrics', metrics]);
  const { key } = await relayNodeRegistered(node);
  const entry = { node, key, metrics };
  nodes.push(entry);
  return entry;
}

beforeAll(async () => {
  redis = await startRedis();
  onePort = await startNode(ONE_PORT_IP, 1);
  fourPorts = await startNode(FOUR_PORTS_IP, 4);
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
  while (server.relays.nodeGrants?.nodes.length !== 2) await new Promise((r) => setTimeout(r, 50));
}, 40_000);

afterAll(async () => {
  UdpClient.closeAll();
  await killRelayNodes(nodes.map((n) => n.node));
  await server?.close();
  await link?.close();
  redis?.stop();
});

afterEach(() => UdpClient.closeAll());

/** The relays [node] closed because they gave way, as its metrics count them. */
async function gaveWay(node: (typeof nodes)[number]): Promise<number> {
  const text = await (await fetch(`http://${node.metrics}/metrics`)).text();
  return Number(/^shp_relays_closed_total\{reason="gave_way"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

const isRg = (a: { message: { code: string } | null }) => a.message?.code === 'RG';
let hosts = 0;

/** A host's game socket and session; its game runs (linked, HL) when [gameRuns]. */
async function hosting(gameRuns: boolean) {
  hosts++;
  const nonce = newToken();
  const game = await UdpClient.open(`127.0.${60 + hosts}.1`);
  const id = (await game.ask(instance, `HS:${LOCAL_KEY}:${nonce}`)).split(':')[2]!;
  if (gameRuns) {
    const hostLink = await UdpClient.open(game.address);
    await hostLink.ask(instance, `HL:${id}:${nonce}`);
  }
  return { game, id };
}

/**
 * [player] joins [host]'s session; both ask for a relay, naming [node] as the only one they
 * heard (so it is the one granted), and bind there. Resolves with the relay, or null when the
 * host's bind went unanswered (its port there is held).
 */
async function relayed(host: { game: UdpClient; id: string }, player: UdpClient, node: (typeof nodes)[number]): Promise<Endpoint | null> {
  await player.ask(instance, `JS:${LOCAL_KEY}:${host.id}`);
  const pings = `${node.key}=10`;
  const [forHost, forPlayer] = await Promise.all([
    host.game.resend(instance, `RQ:${host.id}:${player.key}:${newToken()}:${pings}`,
      (a) => isRg(a) && (a.message as RelayGranted).peerKey === player.key, 5_000),
    player.resend(instance, `RQ:${host.id}:${host.game.key}:${newToken()}:${pings}`, isRg, 5_000),
  ]);
  const [hostRg, playerRg] = [forHost!.message as RelayGranted, forPlayer!.message as RelayGranted];
  const relay = decodeKey(hostRg.relayKey)!;
  expect(relay.address).toBe(decodeKey(node.key)!.address);
  const bind = (client: UdpClient, rg: RelayGranted, ms: number) => client.resend(relay, `RB:${rg.token}:${rg.grant}`, (a) => a.text === `RA:${rg.token}`, ms);
  expect(await bind(player, playerRg, 3_000), 'the player\'s RA').not.toBeNull();
  return (await bind(host.game, hostRg, REFUSED_MS)) === null ? null : relay;
}

/** Whether [text] sent by [from] through [relay] reaches [to]. */
async function through(from: UdpClient, to: UdpClient, relay: Endpoint, text: string): Promise<boolean> {
  const came = to.waitFor((a) => a.text === text, 1_000);
  from.send(relay, text);
  return (await came) !== null;
}

/** [player] sends game data through [relay] every 0.3 s, as ENet would, until stopped. */
function playing(player: UdpClient, relay: Endpoint): () => void {
  const timer = setInterval(() => player.send(relay, 'still playing'), 300);
  return () => clearInterval(timer);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a relay node lets a host\'s relays give way', () => {
  it('once the host\'s game runs, a player\'s relay silent for 3 s gives way to a new player\'s', async () => {
    const host = await hosting(true);
    const stops: Array<() => void> = [];
    try {
      // Given the node's four ports held by relayed players of the running game, the third of whom has left
      const players: UdpClient[] = [];
      const relays: Endpoint[] = [];
      for (let n = 1; n <= 4; n++) {
        const player = await UdpClient.open(`127.0.${80 + n}.1`);
        const relay = (await relayed(host, player, fourPorts))!;
        expect(await through(player, host.game, relay, 'a game')).toBe(true);
        players.push(player);
        relays.push(relay);
        if (n !== 3) stops.push(playing(player, relay));
      }
      expect(new Set(relays.map((r) => r.port)).size).toBe(4);
      const before = await gaveWay(fourPorts);
      await sleep(GONE_MS + TOLD_MS);
      // When a new player joins the running game and is relayed on that node
      const fresh = await UdpClient.open('127.0.89.1');
      const granted = await relayed(host, fresh, fourPorts);
      // Then it is granted the port of the player who left, the host binds there at once, and the two talk
      expect(granted, 'the host\'s RA for the new player').toEqual(relays[2]);
      expect(await through(fresh, host.game, relays[2]!, 'the new player')).toBe(true);
      expect(await through(host.game, fresh, relays[2]!, 'welcome')).toBe(true);
      expect(await through(players[2]!, host.game, relays[2]!, 'the old one again')).toBe(false);
      expect(await gaveWay(fourPorts)).toBe(before + 1);
      // And the players still in the game keep their relays
      for (const n of [0, 1, 3]) expect(await through(host.game, players[n]!, relays[n]!, `still there ${n}`)).toBe(true);
    } finally {
      for (const stop of stops) stop();
    }
  }, 30_000);

  it('a player still forwarding is never displaced, however long the game runs', async () => {
    const host = await hosting(true);
    const player = await UdpClient.open('127.0.83.1');
    const relay = (await relayed(host, player, onePort))!;
    const stop = playing(player, relay);
    try {
      const before = await gaveWay(onePort);
      await sleep(GONE_MS);
      // A newcomer (from a network holding none of the host's relays) asks for the same port: refused
      const newcomer = await UdpClient.open('127.0.84.1');
      expect(await relayed(host, newcomer, onePort)).toBeNull();
      expect(await through(player, host.game, relay, 'the game goes on')).toBe(true);
      expect(await through(host.game, player, relay, 'and on')).toBe(true);
      expect(await gaveWay(onePort)).toBe(before);
    } finally {
      stop();
    }
  }, 20_000);

  it('before the game, a quiet relay keeps its port', async () => {
    const host = await hosting(false);
    const waiting = await UdpClient.open('127.0.85.1');
    const relay = (await relayed(host, waiting, onePort))!;
    await sleep(GONE_MS);
    const newcomer = await UdpClient.open('127.0.86.1');
    expect(await relayed(host, newcomer, onePort)).toBeNull();
    expect(await through(waiting, host.game, relay, 'still waiting for the game')).toBe(true);
  }, 20_000);

  it('a /24 holding two more of the host\'s relays than a new player\'s gives way, though its players still send', async () => {
    const host = await hosting(false);
    const stops: Array<() => void> = [];
    try {
      // Given the node's four ports held by three players of one /24 and one of another, all still sending
      const players = [await UdpClient.open('127.0.91.1'), await UdpClient.open('127.0.91.2'), await UdpClient.open('127.0.92.1'),
        await UdpClient.open('127.0.91.3')];
      const relays: Endpoint[] = [];
      for (const player of players) {
        const relay = (await relayed(host, player, fourPorts))!;
        relays.push(relay);
        stops.push(playing(player, relay));
      }
      const before = await gaveWay(fourPorts);
      await sleep(TOLD_MS);
      // When a player from a third network is relayed on that node
      const elsewhere = await UdpClient.open('127.0.93.1');
      const relay = await relayed(host, elsewhere, fourPorts);
      // Then one of the crowded /24's relays gave way to it
      expect(relay, 'the host\'s RA for the player from elsewhere').not.toBeNull();
      expect([relays[0]!.port, relays[1]!.port, relays[3]!.port]).toContain(relay!.port);
      expect(await through(elsewhere, host.game, relay!, 'from elsewhere')).toBe(true);
      expect(await gaveWay(fourPorts)).toBe(before + 1);
      expect(await through(host.game, players[2]!, relays[2]!, 'the other network keeps its relay')).toBe(true);
    } finally {
      for (const stop of stops) stop();
    }
  }, 30_000);
});
