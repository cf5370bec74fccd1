/**
 * Relay throughput and its CPU cost: a pair binds to a relay of the real server process, one side
 * sends 1,200-byte datagrams through it at fixed offered rates, the other counts what arrives,
 * and /proc gives the server's CPU time. Loopback only; 4 s per rate.
 * Usage: node --import tsx bench/relay.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { prepareServer } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
import { decodeKey, encodeKey } from '../server/src/generated/protocol.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SIZE = 1200;
const SECONDS = 4;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function socketOn(address: string): Promise<dgram.Socket> {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  await new Promise<void>((done) => s.bind(0, address, done));
  return s;
}

function next(s: dgram.Socket): Promise<string> {
  return new Promise((done) => s.once('message', (d) => done(d.toString('latin1'))));
}

async function main(): Promise<void> {
  prepareServer();
  const server: ChildProcess = spawn(process.execPath, [SERVER_BUNDLE, '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1',
    '--relay-ports', '47700-47709', '--relay-bandwidth', '100mb', '--relay-total-bandwidth', '100mb', '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((done) => createInterface({ input: server.stdout! }).on('line', (l) => {
    const m = /listening on [\d.]+:(\d+)/.exec(l);
    if (m) done(Number(m[1]));
  }));
  const host = await socketOn('127.0.5.1');
  const joiner = await socketOn('127.0.5.2');
  const local = encodeKey({ address: '10.0.0.2', port: 4000 });
  const key = (s: dgram.Socket) => encodeKey({ address: s.address().address, port: s.address().port });
  host.send(`HS:${local}`, port, '127.0.0.1');
  const id = (await next(host)).split(':')[2]!;
  const nj = next(host);
  joiner.send(`JS:${local}:${id}`, port, '127.0.0.1');
  await next(joiner);
  await nj;
  host.send(`RQ:${id}:${key(joiner)}`, port, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 50));
  const hostRg = next(host);
  const joinerRg = next(joiner);
  joiner.send(`RQ:${id}:${key(host)}`, port, '127.0.0.1');
  const [, , relayKey, hostToken] = (await hostRg).split(':');
  const joinerToken = (await joinerRg).split(':')[3]!;
  const relay = decodeKey(relayKey!)!;
  for (const [s, token] of [[host, hostToken!], [joiner, joinerToken]] as const) {
    const ra = next(s);
    s.send(`RB:${token}`, relay.port, relay.address);
    await ra;
  }
  let received = 0;
  joiner.on('message', () => { received++; });
  const payload = Buffer.alloc(SIZE, 7);
  console.log(`relay throughput, ${SIZE}-byte datagrams, ${SECONDS} s per rate, server process CPU from /proc`);
  for (const mbit of [5, 20, 50, 100]) {
    const perSecond = (mbit * 1e6) / 8 / SIZE;
    received = 0;
    const cpu0 = cpuSeconds(server.pid!);
    const t0 = performance.now();
    let sent = 0;
    while (performance.now() - t0 < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * perSecond);
      for (; sent < due; sent++) host.send(payload, relay.port, relay.address);
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 200));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid!) - cpu0;
    const delivered = (received * SIZE * 8) / 1e6 / SECONDS;
    console.log(`offered ${String(mbit).padStart(3)} Mbit/s: delivered ${delivered.toFixed(1)} Mbit/s (${((received / sent) * 100).toFixed(1)}%), `
      + `server CPU ${((cpu / seconds) * 100).toFixed(1)}% of a core, ${((cpu / seconds) / Math.max(delivered, 0.001) * 1000).toFixed(2)} ms CPU per s per Mbit/s`);
  }
  host.close();
  joiner.close();
  server.kill('SIGTERM');
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
