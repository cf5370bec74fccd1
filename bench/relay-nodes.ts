/**
 * `npm run bench:relay-nodes`: relayed throughput with one relay node and with two (each a real
 * `--role relay` process on its own loopback address, one redis-server started here). Pairs bind
 * with grants signed as an instance signs them, then every pair pushes 1,200-byte datagrams
 * through its node, each side keeping a window in flight, for a fixed time. Each node runs in a
 * cgroup of its own with the same CPU budget (`--cpu 0.25` cores by default), as if each were a
 * machine of the same size, so two budgets and the generators fit on two cores. Printed per run:
 * the datagrams forwarded a second in all, each node's and generator's CPU share (/proc), and
 * which was the ceiling. `--cpu off` runs them unconfined and prints what that makes per core
 * instead. Bounded: PAIRS per node (default 8), SECONDS per run (default 4).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { mintGrant, sideGrant } from '../server/src/cluster/relay-grant.ts';
import { decodeKey, type Endpoint } from '../server/src/generated/protocol.ts';
import { newToken } from '../server/src/sessions/tokens.ts';
import { udpSocket } from '../server/src/udp-socket.ts';
import { cpuBudget, cpuFlag, cpuSeconds, onInterrupt } from './cpu-budget.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PAIRS = Number(process.env.PAIRS ?? 8);
const SECONDS = Number(process.env.SECONDS ?? 4);
const SECRET = 'the relay secret of the relay-node benchmark';
const SIZE = 1200;
/** Datagrams each side keeps in flight: enough to keep a node busy, few enough that no buffer overflows. */
const WINDOW = Number(process.env.WINDOW ?? 32);
const GENERATORS = 2;
/** Time for the generators to start and bind every pair before the load starts for all at once. */
const BIND_MS = 4_000;
/** Load before the measured seconds. */
const WARM_MS = 2_000;

/** One pair's two sides: where they bind from, the node's relay endpoint, and their RBs. */
interface PairPlan { readonly sides: [string, string]; readonly relay: Endpoint; readonly binds: [string, string] }

interface Node { readonly child: ChildProcess; readonly address: string; readonly key: string; readonly relay: Endpoint }

const budget = cpuBudget(process.env.SHP_GENERATE ? null : cpuFlag(process.argv.slice(2), 0.25));

async function startNode(address: string, redisUrl: string, name: string): Promise<Node> {
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
  budget.confine(child.pid!, name); // once up: its start (compiling the sources) is not what is measured
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

/**
 * A generator process: binds its pairs, then from [startAt] (a wall-clock time, the same for every
 * generator and the nodes' CPU readings) pushes datagrams both ways for [seconds]; posts the
 * datagrams delivered and its CPU share meanwhile.
 */
async function generate(pairs: PairPlan[], startAt: number, seconds: number): Promise<{ count: number; share: number }> {
  const payload = Buffer.alloc(SIZE, 0x47);
  let delivered = 0;
  const windows: (() => void)[] = [];
  let running = true;
  const sockets: dgram.Socket[] = [];
  for (const pair of pairs) {
    const ends = await Promise.all(pair.sides.map(async (address) => {
      const socket = udpSocket('udp4', 1 << 20);
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
    windows.push(() => ends.forEach((socket, i) => {
      const other = ends[1 - i]!;
      socket.on('message', (data) => {
        if (data.length !== SIZE) return;
        delivered++;
        if (running) other.send(payload, pair.relay.port, pair.relay.address);
      });
      for (let k = 0; k < WINDOW; k++) socket.send(payload, pair.relay.port, pair.relay.address);
    }));
  }
  if (Date.now() > startAt) throw new Error('pairs bound too late: raise BIND_MS');
  await new Promise((done) => setTimeout(done, startAt - Date.now()));
  // Each arrival lets the receiving side's peer send one more: a window in flight each way.
  for (const open of windows) open();
  await new Promise((done) => setTimeout(done, WARM_MS)); // unmeasured: the nodes' forwarding code compiled and optimised
  delivered = 0;
  const cpuBefore = process.cpuUsage();
  await new Promise((done) => setTimeout(done, seconds * 1000));
  running = false;
  const count = delivered;
  const cpu = process.cpuUsage(cpuBefore);
  for (const socket of sockets) socket.close();
  return { count, share: (cpu.user + cpu.system) / 1e6 / seconds };
}

/** One run: [count] nodes, their pairs spread over the generator threads; what was forwarded and what it cost. */
interface RunFigures { perSecond: number; cpuShares: number[]; generatorShares: number[] }

async function run(count: number, redisUrl: string): Promise<RunFigures> {
  const nodes = await Promise.all(Array.from({ length: count }, (_, i) => startNode(`127.0.11.${1 + i}`, redisUrl, `nodes-${count}-${i}`)));
  try {
    const pairs = plan(nodes);
    const startAt = Date.now() + BIND_MS;
    // The nodes' CPU over the same seconds as the load.
    const nodeShares = (async () => {
      await new Promise((done) => setTimeout(done, startAt + WARM_MS - Date.now()));
      const before = nodes.map((node) => cpuSeconds(node.child.pid!));
      await new Promise((done) => setTimeout(done, SECONDS * 1000));
      return nodes.map((node, i) => (cpuSeconds(node.child.pid!) - before[i]!) / SECONDS);
    })();
    const results = await Promise.all(Array.from({ length: GENERATORS }, (_, g) => new Promise<{ count: number; share: number }>((done, fail) => {
      const work = JSON.stringify({ pairs: pairs.filter((_, i) => i % GENERATORS === g), startAt, seconds: SECONDS });
      const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], { cwd: ROOT, env: { ...process.env, SHP_GENERATE: work }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (data: Buffer) => { out += data.toString(); });
      child.once('exit', (code) => (code === 0 ? done(JSON.parse(out) as { count: number; share: number }) : fail(new Error(`generator exited with ${code}`))));
    })));
    const cpuShares = await nodeShares;
    return { perSecond: results.reduce((a, b) => a + b.count, 0) / SECONDS, cpuShares, generatorShares: results.map((r) => r.share) };
  } finally {
    for (const node of nodes) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => new Promise((done) => node.child.once('exit', done))));
    for (const node of nodes) budget.free(node.child.pid!);
  }
}

const percent = (share: number) => `${(share * 100).toFixed(0)}%`;

/** What held a run back: the nodes at their budget, or a generator at a whole core. */
function ceiling(r: RunFigures): string {
  if (budget.cores !== null && Math.min(...r.cpuShares) >= 0.85 * budget.cores) return 'ceiling: the nodes\' budget';
  return Math.max(...r.generatorShares) >= 0.85 ? 'ceiling: the generators' : 'ceiling: none saturated';
}

if (process.env.SHP_GENERATE) {
  const { pairs, startAt, seconds } = JSON.parse(process.env.SHP_GENERATE) as { pairs: PairPlan[]; startAt: number; seconds: number };
  console.log(JSON.stringify(await generate(pairs, startAt, seconds)));
} else {
  const { startRedis } = await import('../server/test/support/redis-server.ts');
  const redis = await startRedis();
  onInterrupt(() => { redis.stop(); budget.release(); });
  budget.favour(process.pid, 'harness');
  try {
    const line = (nodes: number, result: RunFigures) => {
      const perCore = result.cpuShares.map((share) => result.perSecond / result.cpuShares.length / share);
      console.log(`  ${nodes} node${nodes > 1 ? 's' : ' '}: ${Math.round(result.perSecond)} datagrams/s forwarded (${(result.perSecond * SIZE * 8 / 1e6).toFixed(0)} Mbit/s), `
        + `node CPU ${result.cpuShares.map(percent).join(' + ')}, generators ${result.generatorShares.map(percent).join(' + ')}, `
        + (budget.cores === null ? `${Math.round(perCore.reduce((a, b) => a + b, 0))} datagrams/s with a core each` : ceiling(result)));
      return budget.cores === null ? perCore.reduce((a, b) => a + b, 0) : result.perSecond;
    };
    console.log(`${PAIRS} pairs per node, ${SIZE}-byte datagrams, ${WINDOW} in flight each way, ${SECONDS} s a run, ${GENERATORS} generator processes, ${cpus().length} cores, ${budget.note}:`);
    const one = line(1, await run(1, redis.url));
    const two = line(2, await run(2, redis.url));
    console.log(budget.cores === null ? `  two nodes against one, a core each: ${(two / one).toFixed(2)}x` : `  two nodes against one, each at ${budget.cores} core: ${(two / one).toFixed(2)}x`);
  } finally {
    redis.stop();
    budget.release();
  }
}
