/**
 * Soak: the real server process with its production defaults (validation, rate limits), a
 * million random, malformed and hostile datagrams from 256 loopback addresses, and valid
 * host/join/close flows from other addresses during and after. Bounded in count and time; prints
 * its figures and exits 1 if the server died, a valid flow failed, or RSS passed its bound.
 * Usage: `npm run soak [-- datagrams [seconds]]` (default 1000000, 120).
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { prepareServer } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
import { BIGRAMS, encodeKey } from '../server/src/generated/protocol.ts';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.argv[3] ?? 120);
const RSS_BOUND_MB = 150;
const ROOT = resolve(import.meta.dirname, '..');

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

async function bound(address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, address, done));
  return socket;
}

function randomKey(): string {
  return Array.from({ length: 6 }, () => BIGRAMS[Math.floor(Math.random() * 256)]).join('');
}

/** One hostile datagram: random bytes, near-misses of the format, or valid-looking requests. */
function hostile(serverKey: string): Buffer {
  switch (Math.floor(Math.random() * 10)) {
    case 8: return Buffer.from(`RQ:${serverKey}${randomKey().slice(0, 8)}:${randomKey()}`); // relay for no session
    case 9: return Buffer.from(`RB:${randomKey()}${randomKey().slice(0, 4)}`); // a bind on the wrong port
    case 0: return Buffer.from(Array.from({ length: Math.floor(Math.random() * 700) }, () => Math.floor(Math.random() * 256)));
    case 1: return Buffer.from(`HS:${randomKey()}`);
    case 2: return Buffer.from(`JS:${randomKey()}:${serverKey}${randomKey().slice(0, 8)}`);
    case 3: return Buffer.from(`RS:${randomKey()}`);
    case 4: return Buffer.from(`KA:${serverKey}${randomKey().slice(0, 8)}`);
    case 5: return Buffer.from(`HS:${randomKey().slice(0, 11)}q`);
    case 6: return Buffer.from(`RD:${'x'.repeat(600)}`);
    default: return Buffer.from(`CS:${serverKey}${randomKey().slice(0, 8)}:extra`);
  }
}

/** A full host / join / close flow from two fresh addresses; resolves true when answered right. */
async function validFlow(server: dgram.RemoteInfo | { address: string; port: number }, n: number): Promise<boolean> {
  const host = await bound(`127.0.1.${1 + (n % 250)}`);
  const joiner = await bound(`127.0.3.${1 + (n % 250)}`);
  const next = (socket: dgram.Socket) => new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('timeout')), 2000);
    socket.once('message', (data) => { clearTimeout(timer); done(data.toString()); });
  });
  try {
    const local = encodeKey({ address: '10.0.0.2', port: 4000 });
    const hr = next(host);
    host.send(`HS:${local}`, server.port, server.address);
    const id = (await hr).split(':')[2]!;
    const nj = next(host);
    const jr = next(joiner);
    joiner.send(`JS:${local}:${id}`, server.port, server.address);
    const ok = (await jr).startsWith('JR:') && (await nj).startsWith('NJ:');
    host.send(`CS:${id}`, server.port, server.address);
    return ok;
  } catch {
    return false;
  } finally {
    host.close();
    joiner.close();
  }
}

async function main(): Promise<number> {
  prepareServer();
  const child = spawn(process.execPath, [SERVER_BUNDLE, '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--log-level', 'warn'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const output: string[] = [];
  const started = new Promise<RegExpMatchArray>((done) => lines.on('line', (line) => {
    output.push(line);
    const m = /listening on [\d.]+:(\d+).*server key: ([a-z]{12})/.exec(line);
    if (m) done(m);
  }));
  const [, port, serverKey] = await started;
  const server = { address: '127.0.0.1', port: Number(port) };
  const attackers = await Promise.all(Array.from({ length: 256 }, (_, i) => bound(`127.0.2.${i}`)));
  const deadline = Date.now() + SECONDS * 1000;
  let sent = 0;
  let maxRss = rssMb(child.pid!);
  const flows = { during: 0, duringOk: 0, after: 0, afterOk: 0 };
  const sampler = setInterval(() => { maxRss = Math.max(maxRss, rssMb(child.pid!)); }, 250);
  let flowing = true;
  const flowLoop = (async () => {
    for (let n = 0; flowing; n++) {
      flows.during++;
      if (await validFlow(server, n)) flows.duringOk++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const t0 = Date.now();
  while (sent < TOTAL && Date.now() < deadline && child.exitCode === null) {
    for (let i = 0; i < 500 && sent < TOTAL; i++, sent++) {
      attackers[sent % attackers.length]!.send(hostile(serverKey!), server.port, server.address);
    }
    await new Promise((r) => setImmediate(r));
  }
  const floodSeconds = (Date.now() - t0) / 1000;
  flowing = false;
  await flowLoop;
  await new Promise((r) => setTimeout(r, 500));
  for (let n = 0; n < 20; n++) {
    flows.after++;
    if (await validFlow(server, 1000 + n)) flows.afterOk++;
  }
  clearInterval(sampler);
  const alive = child.exitCode === null;
  const rssAfter = alive ? rssMb(child.pid!) : 0;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  for (const s of attackers) s.close();
  const summary = output.find((l) => l.includes('stopped on')) ?? '(no summary: the server died)';
  console.log(`soak: ${sent} hostile datagrams from 256 addresses in ${floodSeconds.toFixed(1)} s (${Math.round(sent / floodSeconds)}/s offered)`);
  console.log(`valid flows during the flood: ${flows.duringOk}/${flows.during}; after: ${flows.afterOk}/${flows.after}`);
  console.log(`server RSS: max ${maxRss.toFixed(1)} MB, after ${rssAfter.toFixed(1)} MB (bound ${RSS_BOUND_MB} MB); alive to the end: ${alive}`);
  console.log(summary);
  const ok = alive && flows.afterOk === flows.after && flows.duringOk > 0 && maxRss < RSS_BOUND_MB;
  console.log(ok ? 'soak passed' : 'soak FAILED');
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
