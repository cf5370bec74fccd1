/**
 * Relay capacity: opens 10,000 relayed pairs on a real server process (loopback, from thousands
 * of 127.x.y.z addresses, one /24 per host and its four clients, so the server's default per-address
 * limits hold), closes their sessions as a game's handover does, and reports the server's memory
 * per relay; then pushes traffic through a sample of the relays and reports CPU per Mbit/s and
 * the datagram rate it forwards. Also the heap one relay costs, measured in this process without
 * sockets. Bounded in count and time (about a minute). Loopback only.
 * Usage: node --expose-gc --import tsx bench/relay-capacity.ts [pairs]   (npm run bench:relay)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { prepareServer } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
import { decodeKey, encodeKey, type Endpoint } from '../server/src/generated/protocol.ts';
import { relayHeapPerRelay } from './relay-heap.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PAIRS = Number(process.argv[2] ?? 10_000);
const CLIENTS_PER_HOST = 4; // one per relay port
const CONCURRENT_HOSTS = 40;
const SAMPLE = 100;
const SECONDS = 3;
const LOCAL = encodeKey({ address: '10.0.0.2', port: 4000 });

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client socket that answers "the next datagram starting with X", resending until it comes. */
class Client {
  readonly inbox: string[] = [];
  private waiters: Array<() => void> = [];
  onData: ((data: Buffer) => void) | null = null;
  private constructor(readonly socket: dgram.Socket, readonly key: string) {
    socket.on('message', (data) => {
      if (this.onData) return this.onData(data);
      this.inbox.push(data.toString('latin1'));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(address: string): Promise<Client> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    await new Promise<void>((done) => socket.bind(0, address, done));
    return new Client(socket, encodeKey({ address, port: socket.address().port }));
  }

  send(to: Endpoint, text: string | Buffer): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, to.port, to.address);
  }

  /** Sends [text] (resending every 500 ms, 20 times at most) until a datagram matching [wanted] arrives; takes it. */
  async ask(to: Endpoint, text: string | null, wanted: (t: string) => boolean): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (text !== null) this.send(to, text);
      const deadline = Date.now() + 500;
      for (;;) {
        const index = this.inbox.findIndex(wanted);
        if (index >= 0) return this.inbox.splice(index, 1)[0]!;
        const left = deadline - Date.now();
        if (left <= 0) break;
        await new Promise<void>((wake) => {
          const timer = setTimeout(wake, left);
          this.waiters.push(() => { clearTimeout(timer); wake(); });
        });
      }
    }
    throw new Error(`${this.key}: no answer to ${text}`);
  }
}

interface Pair { readonly host: Client; readonly client: Client; readonly hostRelay: Endpoint; readonly clientRelay: Endpoint }

/** Host [k] on its own /24 hosts a session with four clients, all relayed, then closes it. */
async function relayedGroup(server: Endpoint, k: number): Promise<Pair[]> {
  const net = `127.${10 + (k >> 8)}.${k & 255}`;
  const host = await Client.open(`${net}.1`);
  const clients = await Promise.all(Array.from({ length: CLIENTS_PER_HOST }, (_, i) => Client.open(`${net}.${i + 2}`)));
  const id = (await host.ask(server, `HS:${LOCAL}`, (t) => t.startsWith('HR:'))).split(':')[2]!;
  await Promise.all(clients.map((c) => c.ask(server, `JS:${LOCAL}:${id}`, (t) => t.startsWith('JR:'))));
  const pairs = await Promise.all(clients.map(async (c) => {
    const [hostRg, clientRg] = await Promise.all([
      host.ask(server, `RQ:${id}:${c.key}`, (t) => t.startsWith(`RG:${c.key}:`)),
      c.ask(server, `RQ:${id}:${host.key}`, (t) => t.startsWith('RG:')),
    ]);
    const [, , hostRelayKey, hostToken] = hostRg.split(':');
    const [, , clientRelayKey, clientToken] = clientRg.split(':');
    const hostRelay = decodeKey(hostRelayKey!)!;
    const clientRelay = decodeKey(clientRelayKey!)!;
    await host.ask(hostRelay, `RB:${hostToken}`, (t) => t === `RA:${hostToken}`);
    await c.ask(clientRelay, `RB:${clientToken}`, (t) => t === `RA:${clientToken}`);
    return { host, client: c, hostRelay, clientRelay };
  }));
  for (let i = 0; i < 3; i++) host.send(server, `CS:${id}`); // the handover: the relays live on
  return pairs;
}

async function startServer(): Promise<{ child: ChildProcess; server: Endpoint; relayPorts: string }> {
  for (let attempt = 0; ; attempt++) {
    const first = 40_000 + Math.floor(Math.random() * 20_000);
    const relayPorts = `${first}-${first + CLIENTS_PER_HOST - 1}`;
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1',
      '--relay-ports', relayPorts, '--max-relays', String(PAIRS), '--relay-idle', '10m',
      '--relay-bandwidth', '100mb', '--relay-total-bandwidth', '1000mb', '--log-level', 'error'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number | null>((done) => {
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const m = /listening on [\d.]+:(\d+)/.exec(l);
        if (m) done(Number(m[1]));
      });
      child.once('exit', () => done(null));
    });
    if (port !== null) return { child, server: { address: '127.0.0.1', port }, relayPorts };
    if (attempt >= 5) throw new Error('the server would not start');
  }
}

/** Offers [perSecond] datagrams of [size] bytes, spread over the sample's hosts, for SECONDS. */
async function push(child: ChildProcess, sample: readonly Pair[], size: number, perSecond: number): Promise<string> {
  let received = 0;
  for (const p of sample) p.client.onData = () => { received++; };
  const payload = Buffer.alloc(size, 7);
  const cpu0 = cpuSeconds(child.pid!);
  const t0 = performance.now();
  let sent = 0;
  while (performance.now() - t0 < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const p = sample[sent % sample.length]!;
      p.host.send(p.hostRelay, payload);
    }
    await sleep(1);
  }
  await sleep(300);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(child.pid!) - cpu0;
  const mbit = (received * size * 8) / 1e6 / SECONDS;
  const core = cpu / seconds;
  return `${String(size).padStart(5)} B x ${String(perSecond).padStart(6)}/s offered: delivered ${((received / sent) * 100).toFixed(1).padStart(5)}%, `
    + `${Math.round(received / SECONDS).toString().padStart(6)} datagrams/s, ${mbit.toFixed(1).padStart(6)} Mbit/s, server CPU ${(core * 100).toFixed(0).padStart(3)}% of a core, `
    + `${((core / Math.max(mbit, 0.001)) * 1000).toFixed(2)} ms CPU/s per Mbit/s`;
}

async function main(): Promise<void> {
  prepareServer();
  console.log(`relay capacity: ${PAIRS} relayed pairs, ${Math.ceil(PAIRS / CLIENTS_PER_HOST)} hosts with ${CLIENTS_PER_HOST} relayed clients each, loopback`);
  const heap = await relayHeapPerRelay(PAIRS);
  if (heap !== null) console.log(`heap per relay (relay service alone, ${PAIRS} relays, after GC): ${Math.round(heap)} bytes`);
  const { child, server, relayPorts } = await startServer();
  try {
    await sleep(500);
    const rss0 = rssBytes(child.pid!);
    const cpu0 = cpuSeconds(child.pid!);
    const t0 = performance.now();
    const pairs: Pair[] = [];
    const hosts = Math.ceil(PAIRS / CLIENTS_PER_HOST);
    for (let k = 0; k < hosts; k += CONCURRENT_HOSTS) {
      const batch = await Promise.all(Array.from({ length: Math.min(CONCURRENT_HOSTS, hosts - k) }, (_, i) => relayedGroup(server, k + i)));
      pairs.push(...batch.flat());
    }
    const setup = (performance.now() - t0) / 1000;
    await sleep(1000);
    const rss1 = rssBytes(child.pid!);
    console.log(`opened ${pairs.length} relays on ${relayPorts} in ${setup.toFixed(1)} s (server CPU ${(cpuSeconds(child.pid!) - cpu0).toFixed(1)} s), `
      + `sessions closed; server RSS ${(rss0 / 2 ** 20).toFixed(0)} MB -> ${(rss1 / 2 ** 20).toFixed(0)} MB: ${Math.round((rss1 - rss0) / pairs.length)} bytes per relay`);
    // Every host's relays, one sample pair per host, so that each relay port carries traffic.
    const sample = pairs.filter((_, i) => i % Math.floor(pairs.length / SAMPLE) === 0).slice(0, SAMPLE);
    console.log(`traffic through ${sample.length} of them, host to client, ${SECONDS} s per rate:`);
    for (const [size, rate] of [[1200, 2000], [1200, 5000], [1200, 10_000], [100, 20_000], [100, 40_000], [100, 80_000]] as const) {
      console.log(`  ${await push(child, sample, size, rate)}`);
    }
    console.log(`server RSS at the end: ${(rssBytes(child.pid!) / 2 ** 20).toFixed(0)} MB`);
    for (const p of pairs) p.client.socket.close();
    for (const host of new Set(pairs.map((p) => p.host))) host.socket.close();
  } finally {
    child.kill('SIGTERM');
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
