/**
 * `npm run bench:relay-nodes`: relayed throughput with one relay node and with two (each a real
 * `--role relay` process on its own loopback address, one redis-server started here). Pairs bind
 * with grants signed as an instance signs them, then every pair pushes 1,200-byte datagrams
 * through its node, each side keeping a window in flight, for a fixed time. Printed per run: the
 * datagrams forwarded a second in all, each node's CPU share (/proc), and what that makes per
 * core: the rate a node forwards with a core of its own. The generator runs in processes
 * beside the nodes on the same cores, so the measured total understates what nodes on their own
 * machines do; the per-core figure is the fair one. Bounded: PAIRS per node (default 8), SECONDS
 * per run (default 4).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { mintGrant, sideGrant } from '../server/src/cluster/relay-grant.ts';
import { decodeKey, type Endpoint } from '../server/src/generated/protocol.ts';
import { newToken } from '../server/src/sessions/tokens.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PAIRS = Number(process.env.PAIRS ?? 8);
const SECONDS = Number(process.env.SECONDS ?? 4);
const SECRET = 'the relay secret of the relay-node benchmark';
const SIZE = 1200;
/** Datagrams each side keeps in flight: enough to keep a node busy, few enough that no buffer overflows. */
const WINDOW = 32;
const GENERATORS = 2;

/** One pair's two sides: where they bind from, the node's relay endpoint, and their RBs. */
interface PairPlan { readonly sides: [string, string]; readonly relay: Endpoint; readonly binds: [string, string] }

interface Node { readonly child: ChildProcess; readonly address: string; readonly key: string; readonly relay: Endpoint }

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startNode(address: string, redisUrl: string): Promise<Node> {
  const args = ['--import', 'tsx', 'server/src/main.ts', '--role=relay', `--bind=${address}`, `--public-ip=${address}`, `--redis-url=${redisUrl}`,
    `--relay-secret=${SECRET}`, '--relay-ports=7789', '--relay-bandwidth=1000mb', '--relay-total-bandwidth=10000mb', '--relays-per-ip=1000',
    '--relays-per-subnet=1000', '--log-level=error'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const key = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /node key: ([a-z]+)/.exec(line);
      if (match) done(match[1]!);
    });
    child.once('exit', (code) => fail(new Error(`relay node exited with ${code}`)));
  });
  return { child, address, key, relay: decodeKey(key)! };
}

/** PAIRS pairs for each node, each side on an address of its own, with grants signed for that node and pair. */
function plan(nodes: Node[]): PairPlan[] {
  return nodes.flatMap((node, n) => Array.from({ length: PAIRS }, (_, p) => {
    const sides: [string, string] = [`127.3.${n * PAIRS + p}.1`, `127.3.${n * PAIRS + p}.2`];
    const grant = mintGrant(SECRET, node.key, sides[0], sides[1], Date.now(), 60_000);
    return { sides, relay: node.relay, binds: [`RB:${newToken()}:${sideGrant(grant, sides[1])}`, `RB:${newToken()}:${sideGrant(grant, sides[0])}`] };
  }));
}

/** A generator process: binds its pairs, then pushes datagrams both ways for [seconds]; posts the datagrams delivered. */
async function generate(pairs: PairPlan[], seconds: number): Promise<number> {
  const payload = Buffer.alloc(SIZE, 0x47);
  let delivered = 0;
  let running = true;
  const sockets: dgram.Socket[] = [];
  for (const pair of pairs) {
    const ends = await Promise.all(pair.sides.map(async (address) => {
      const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
      await new Promise<void>((done) => socket.bind(0, address, done));
      sockets.push(socket);
      return socket;
    }));
    await Promise.all(ends.map((socket, i) => new Promise<void>((bound, fail) => {
      const resend = setInterval(() => socket.send(pair.binds[i]!, pair.relay.port, pair.relay.address), 200);
      socket.send(pair.binds[i]!, pair.relay.port, pair.relay.address);
      const timeout = setTimeout(() => fail(new Error(`no RA from ${pair.relay.address} for ${pair.sides[i]}`)), 5_000);
      socket.once('message', () => { clearInterval(resend); clearTimeout(timeout); bound(); });
    })));
    // Each arrival lets the receiving side's peer send one more: a window in flight each way.
    ends.forEach((socket, i) => {
      const other = ends[1 - i]!;
      socket.on('message', (data) => {
        if (data.length !== SIZE) return;
        delivered++;
        if (running) other.send(payload, pair.relay.port, pair.relay.address);
      });
      for (let k = 0; k < WINDOW; k++) socket.send(payload, pair.relay.port, pair.relay.address);
    });
  }
  const started = delivered;
  await new Promise((done) => setTimeout(done, seconds * 1000));
  running = false;
  const count = delivered - started;
  for (const socket of sockets) socket.close();
  return count;
}

/** One run: [count] nodes, their pairs spread over the generator threads; what was forwarded and what it cost. */
async function run(count: number, redisUrl: string): Promise<{ perSecond: number; cpuShares: number[] }> {
  const nodes = await Promise.all(Array.from({ length: count }, (_, i) => startNode(`127.0.11.${1 + i}`, redisUrl)));
  try {
    const pairs = plan(nodes);
    const before = nodes.map((node) => cpuSeconds(node.child.pid!));
    const started = performance.now();
    const counts = await Promise.all(Array.from({ length: GENERATORS }, (_, g) => new Promise<number>((done, fail) => {
      const work = JSON.stringify({ pairs: pairs.filter((_, i) => i % GENERATORS === g), seconds: SECONDS });
      const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], { cwd: ROOT, env: { ...process.env, SHP_GENERATE: work }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (data: Buffer) => { out += data.toString(); });
      child.once('exit', (code) => (code === 0 ? done(Number(out.trim())) : fail(new Error(`generator exited with ${code}`))));
    })));
    const elapsed = (performance.now() - started) / 1000;
    const cpuShares = nodes.map((node, i) => (cpuSeconds(node.child.pid!) - before[i]!) / elapsed);
    return { perSecond: counts.reduce((a, b) => a + b, 0) / SECONDS, cpuShares };
  } finally {
    for (const node of nodes) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => new Promise((done) => node.child.once('exit', done))));
  }
}

if (process.env.SHP_GENERATE) {
  const { pairs, seconds } = JSON.parse(process.env.SHP_GENERATE) as { pairs: PairPlan[]; seconds: number };
  console.log(await generate(pairs, seconds));
} else {
  const { startRedis } = await import('../server/test/support/redis-server.ts');
  const redis = await startRedis();
  try {
    const line = (nodes: number, result: { perSecond: number; cpuShares: number[] }) => {
      const perCore = result.cpuShares.map((share) => result.perSecond / result.cpuShares.length / share);
      console.log(`  ${nodes} node${nodes > 1 ? 's' : ' '}: ${Math.round(result.perSecond)} datagrams/s forwarded (${(result.perSecond * SIZE * 8 / 1e6).toFixed(0)} Mbit/s), `
        + `node CPU ${result.cpuShares.map((s) => `${(s * 100).toFixed(0)}%`).join(' + ')}, `
        + `${Math.round(perCore.reduce((a, b) => a + b, 0))} datagrams/s with a core each`);
      return perCore.reduce((a, b) => a + b, 0);
    };
    console.log(`${PAIRS} pairs per node, ${SIZE}-byte datagrams, ${WINDOW} in flight each way, ${SECONDS} s a run, ${GENERATORS} generator processes, ${cpus().length} cores:`);
    const one = line(1, await run(1, redis.url));
    const two = line(2, await run(2, redis.url));
    console.log(`  two nodes against one, a core each: ${(two / one).toFixed(2)}x`);
  } finally {
    redis.stop();
  }
}
