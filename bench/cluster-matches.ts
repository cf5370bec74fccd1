/**
 * `npm run bench:cluster`: random matches a second with one instance without Redis, one with
 * Redis, and three with Redis (each its own process on its own loopback address, one redis-server
 * started here), and Redis commands per match and per relay grant. Strangers arrive all at once
 * from their own sockets, spread evenly over the instances; each counts once matched (JR or NJ).
 * Bounded: a fixed number of strangers (STRANGERS, default 6000), and a deadline per run; PROGRESS=1
 * prints the count matched every quarter second. Each instance runs in a cgroup of its own with
 * the same CPU budget (`--cpu 0.25` cores by default), as if each were a machine of the same size,
 * so three budgets, Redis and the generator fit on two cores; each run prints every process's CPU
 * share and which of them was the ceiling. `--cpu off` runs them unconfined and prints the rate
 * per instance with a core of its own instead.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import type dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pickNode, registerNode } from '../server/src/cluster/node-registry.ts';
import { RedisLink } from '../server/src/cluster/redis-link.ts';
import { udpSocket } from '../server/src/udp-socket.ts';
import { LOCAL_KEY } from '../server/test/fixtures.ts';
import { startRedis, type TestRedis } from '../server/test/support/redis-server.ts';
import { cpuBudget, cpuFlag, cpuSeconds, onInterrupt } from './cpu-budget.ts';

const ROOT = resolve(import.meta.dirname, '..');
const STRANGERS = Number(process.env.STRANGERS ?? 6000);
const DEADLINE_MS = 30_000;
const budget = cpuBudget(cpuFlag(process.argv.slice(2), 0.25));

interface Instance { child: ChildProcess; address: string; port: number }

async function startInstance(address: string, redisUrl: string | null, name: string): Promise<Instance> {
  const args = ['--import', 'tsx', 'server/src/main.ts', '--port=0', `--bind=${address}`, `--public-ip=${address}`, '--rate=0', '--relay-ports=off',
    '--probe-port=off', '--sessions-per-ip=100000', '--matches-per-ip=1000000', '--matches-per-net=1000000', '--max-tracked=1000000', '--log-level=error',
    ...(redisUrl ? [`--redis-url=${redisUrl}`] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening on [\d.]+:(\d+)/.exec(line);
      if (match) done(Number(match[1]));
    });
    child.once('exit', (code) => fail(new Error(`instance exited with ${code}`)));
  });
  budget.confine(child.pid!, name); // once listening: its start (compiling the sources) is not what is measured
  return { child, address, port };
}

/** Sends every stranger's RS at once, each from an address under [net] (127.N); resolves with the seconds until all are matched. */
async function crowd(instances: Instance[], net: number): Promise<number> {
  const sockets: dgram.Socket[] = [];
  const paired: boolean[] = [];
  let matched = 0;
  let finish = () => {};
  const done = new Promise<void>((resolve) => { finish = resolve; });
  for (let i = 0; i < STRANGERS; i++) {
    const socket = udpSocket('udp4');
    await new Promise<void>((ready) => socket.bind(0, `127.${net}.${Math.floor(i / 250)}.${1 + (i % 250)}`, ready));
    socket.on('message', (data) => {
      const code = data.toString('latin1', 0, 2);
      if (paired[i] || (code !== 'JR' && code !== 'NJ')) return;
      paired[i] = true;
      if (++matched === STRANGERS) finish();
    });
    sockets.push(socket);
  }
  const started = performance.now();
  const send = () => sockets.forEach((socket, i) => {
    if (paired[i]) return; // A node stops asking once answered.
    const to = instances[i % instances.length]!;
    socket.send(`RS:${LOCAL_KEY}`, to.port, to.address);
  });
  send();
  const progress = process.env.PROGRESS ? setInterval(() => console.log(`${((performance.now() - started) / 1000).toFixed(2)} s: ${matched}`), 250) : undefined;
  const resend = setInterval(send, 1000); // RS (or its answer) lost in a full buffer is sent again, as nodes do.
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, DEADLINE_MS))]);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(resend);
  clearInterval(progress);
  for (const socket of sockets) socket.close();
  if (matched < STRANGERS) throw new Error(`only ${matched} of ${STRANGERS} matched within ${DEADLINE_MS / 1000} s`);
  return seconds;
}

/**
 * Round trips the instances made to Redis: the calls of the commands they send on their own
 * (scripts, PUBLISH); the commands scripts run inside are not round trips. The periodic refresh
 * of waiting entries (a pipeline every few seconds) is left out.
 */
function roundTrips(redis: TestRedis): number {
  const info = execFileSync('redis-cli', ['-p', String(redis.port), 'info', 'commandstats'], { encoding: 'utf8' });
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_(evalsha|eval|publish):calls=(\d+)/gm)) calls += Number(match[2]);
  return calls;
}

/** The redis-server's pid (the test helper writes its pid file there). */
function redisPid(redis: TestRedis): number {
  return Number(readFileSync(join(tmpdir(), `shp-redis-${redis.port}.pid`), 'utf8').trim());
}

interface RunFigures {
  matchesPerSecond: number; roundTripsPerMatch: number | null; instanceShares: number[]; redisShare: number | null; generatorShare: number;
}

async function run(count: number, redis: TestRedis | null): Promise<RunFigures> {
  const label = redis ? `redis-${count}` : 'alone';
  const instances = await Promise.all(Array.from({ length: count }, (_, i) => startInstance(`127.0.9.${1 + i}`, redis?.url ?? null, `${label}-${i}`)));
  try {
    const pids = [...instances.map((instance) => instance.child.pid!), ...(redis ? [redisPid(redis)] : [])];
    await crowd(instances, 2); // unmeasured: the instances' code compiled and optimised, as on a server that has been up a while
    if (redis) execFileSync('redis-cli', ['-p', String(redis.port), 'config', 'resetstat']);
    const before = pids.map(cpuSeconds);
    const generatorBefore = process.cpuUsage();
    const seconds = await crowd(instances, 1);
    const generator = process.cpuUsage(generatorBefore);
    const shares = pids.map((pid, i) => (cpuSeconds(pid) - before[i]!) / seconds);
    const matches = STRANGERS / 2;
    return {
      matchesPerSecond: Math.round(matches / seconds), roundTripsPerMatch: redis ? Number((roundTrips(redis) / matches).toFixed(2)) : null,
      instanceShares: shares.slice(0, count), redisShare: redis ? shares[count]! : null, generatorShare: (generator.user + generator.system) / 1e6 / seconds,
    };
  } finally {
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((instance) => new Promise((done) => instance.child.once('exit', done))));
    for (const instance of instances) budget.free(instance.child.pid!);
  }
}

async function grantCommands(redis: TestRedis): Promise<number> {
  const link = new RedisLink(redis.url, () => {});
  await link.connect();
  await registerNode(link.commands, { id: 'a', publicIp: '192.0.2.1', ports: [7789], region: 'eu', capacity: 1_000_000, load: 0 });
  await registerNode(link.commands, { id: 'b', publicIp: '192.0.2.2', ports: [7789], region: 'eu', capacity: 1_000_000, load: 0 });
  execFileSync('redis-cli', ['-p', String(redis.port), 'config', 'resetstat']);
  for (let i = 0; i < 1000; i++) await pickNode(link.commands);
  const perGrant = roundTrips(redis) / 1000;
  await link.close();
  return perGrant;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** What held a run back: a process near the whole of what it may use (its budget, or one core for Redis and the generator). */
function ceiling(r: RunFigures): string {
  const limits = [
    ...(budget.cores === null ? [] : [{ name: 'the instances\' budget', share: Math.min(...r.instanceShares) / budget.cores }]),
    ...(r.redisShare === null ? [] : [{ name: 'Redis', share: r.redisShare }]),
    { name: 'the generator', share: r.generatorShare },
  ].sort((a, b) => b.share - a.share);
  return limits[0]!.share >= 0.85 ? `ceiling: ${limits[0]!.name}` : 'ceiling: none saturated (latency bound)';
}

const redis = await startRedis();
onInterrupt(() => { redis.stop(); budget.release(); });
budget.favour(process.pid, 'generator');
budget.favour(redisPid(redis), 'redis');
try {
  const alone = await run(1, null);
  const one = await run(1, redis);
  const three = await run(3, redis);
  const perGrant = await grantCommands(redis);
  // Unconfined, an instance at a share s of one core would go 1/s times as fast with a core of its own.
  const perCore = (r: RunFigures) => Math.round(r.matchesPerSecond / (r.instanceShares.reduce((a, b) => a + b, 0) / r.instanceShares.length));
  const cpu = (r: RunFigures) => `instances at ${r.instanceShares.map(percent).join(' + ')} of a core`
    + (r.redisShare === null ? '' : `, Redis at ${percent(r.redisShare)}`) + `, generator at ${percent(r.generatorShare)}`
    + (budget.cores === null ? `: ${perCore(r)} matches/s with a core each` : `; ${ceiling(r)}`);
  console.log(`${STRANGERS} strangers at once, ${cpus().length} cores, ${budget.note}:`);
  console.log(`  1 instance, no Redis:   ${alone.matchesPerSecond} matches/s (${cpu(alone)})`);
  console.log(`  1 instance with Redis:  ${one.matchesPerSecond} matches/s, ${one.roundTripsPerMatch} Redis round trips a match (${cpu(one)})`);
  console.log(`  3 instances with Redis: ${three.matchesPerSecond} matches/s, ${three.roundTripsPerMatch} Redis round trips a match (${cpu(three)})`);
  if (budget.cores === null) console.log(`  three instances against one, with a core each: ${(perCore(three) / perCore(one)).toFixed(2)}x`);
  else console.log(`  three instances against one, with Redis, each at ${budget.cores} core: ${(three.matchesPerSecond / one.matchesPerSecond).toFixed(2)}x`);
  console.log(`  relay grant (node pick): ${perGrant} Redis round trips a grant`);
} finally {
  redis.stop();
  budget.release();
}
