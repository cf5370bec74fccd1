/**
 * One load generator process, driven by bench/throughput.ts over stdin (one JSON command a line,
 * one JSON answer a line): `setup` opens this process's share of the clients (each socket on
 * its own address, each address in its own /24, as players on the internet) and brings them to
 * the state their request type needs (registered hosts, cookies, relays); `measure` runs a
 * closed loop (every client sends its next request as soon as the last is answered) or an open
 * loop (a fixed offered rate, whatever is answered) and returns answers and a latency histogram;
 * `teardown` closes the sockets. Against the echo baseline the clients send datagrams of the same
 * codes and lengths, and skip the set-up an echo cannot do.
 */
import { createInterface } from 'node:readline';
import { bound, type Client, fakeId, LOCAL, NO_IP6, prepare, token } from './load-clients.ts';
import {
  binOf, BINS, type Kind, type MeasureCommand, type MeasureResult, type SetupCommand, type Target, type Command,
} from './load-commands.ts';

const LOST_AFTER_MS = 500;
const code = (d: Buffer, a: string) => d[0] === a.charCodeAt(0) && d[1] === a.charCodeAt(1);

let target: Target;
let clients: Client[] = [];
let timers: NodeJS.Timeout[] = [];
let measuring = false;
let closedLoop = false;
let answered = 0;
let sent = 0;
let lost = 0;
const histogram = new Array<number>(BINS).fill(0);

function send(c: Client, datagram: Buffer | string, port = target.port): void {
  c.socket.send(datagram, port, '127.0.0.1');
}

/** The request of [c] that is timed (sent anew after each answer). */
function issue(c: Client): void {
  c.pending = performance.now();
  sent++;
  if (c.kind === 'relay' && !target.echo) c.socket.send(c.request, c.relayPort, '127.0.0.1');
  else send(c, c.request);
}

function answer(c: Client): void {
  if (c.pending < 0) return;
  if (measuring) {
    answered++;
    histogram[binOf(performance.now() - c.pending)]!++;
  }
  c.pending = -1;
}

function next(c: Client): void {
  if (closedLoop && !c.busy) issue(c);
}

/** What a client does with a datagram from the target (or, for a relay pair, through the relay). */
function onMessage(c: Client, d: Buffer): void {
  switch (c.kind) {
    case 'register':
      if (target.echo ? code(d, 'HS') : code(d, 'HR')) {
        answer(c);
        // Confirms with its keep-alive, then closes so that the next HS registers anew.
        const id = target.echo ? c.sessionId : d.toString('latin1', 3 + 12 + 1, d.indexOf(0x3a, 16) < 0 ? d.length : d.indexOf(0x3a, 16));
        send(c, `KA:${id}:${c.nonce}`);
        send(c, `CS:${id}:${c.nonce}`);
        next(c);
      }
      return;
    case 'join':
      if (target.echo ? code(d, 'JS') : code(d, 'JR')) {
        answer(c);
        next(c);
      }
      return;
    case 'badcode':
      if (target.echo ? code(d, 'JS') : code(d, 'BK')) {
        answer(c);
        next(c);
      }
      return;
    case 'random':
      if (target.echo) {
        if (!code(d, 'RS')) return;
        answer(c);
        // The server sends HR, JR and NJ for two RS and hears one CS: so does the echo.
        if (c.turns++ % 2 === 1) send(c, `CS:${c.sessionId}:${c.nonce}`);
        next(c);
      } else if (code(d, 'HR')) {
        answer(c);
        c.sessionId = d.toString('latin1').split(':')[2]!;
        c.busy = true; // A random host now waits for its stranger (NJ).
      } else if (code(d, 'JR')) {
        answer(c);
        next(c);
      } else if (code(d, 'NJ') && c.busy) {
        send(c, `CS:${c.sessionId}:${c.nonce}`);
        c.busy = false;
        next(c);
      }
      return;
    case 'relay':
      answer(c); // Through the relay to the other side (or back from the echo).
      next(c);
      return;
    case 'keepalive':
      return;
  }
}

async function inBatches<T>(items: T[], each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 100) await Promise.all(items.slice(i, i + 100).map(each));
}

async function setup(command: SetupCommand): Promise<void> {
  target = command.target;
  let n = 0;
  const made: Client[] = [];
  // Each client's addresses in their own /24: 127.(16 + 16 w + n / 256).(n % 256).x.
  const address = (k: number, host: number) => `127.${16 + command.worker * 16 + (k >> 8)}.${k & 255}.${host}`;
  for (const [kind, count] of Object.entries(command.groups) as Array<[Kind, number]>) {
    for (let i = 0; i < count; i++, n++) {
      const socket = await bound(address(n, 1));
      const pair = kind === 'relay' || kind === 'join';
      const other = pair ? await bound(address(n, 2)) : undefined;
      made.push({
        kind, socket, other, nonce: token(command.worker * 100_000 + n + 1), request: Buffer.alloc(0), pending: -1, busy: false,
        sessionId: fakeId(target, n), cookie: NO_IP6, relayPort: 0, turns: 0,
      });
    }
  }
  await inBatches(made, (c) => prepare(c, target));
  clients = made;
  for (const c of clients) {
    c.socket.on('message', (d) => onMessage(c, d));
    if (c.kind === 'relay') c.other!.on('message', (d) => onMessage(c, d));
  }
  // Hosts keep alive every second, as our nodes do: a host silent while joiners come is gone.
  timers.push(setInterval(() => {
    for (const c of clients) {
      if (c.kind === 'join') c.other!.send(`KA:${c.sessionId}:${c.nonce}`, target.port, '127.0.0.1');
    }
  }, 1000));
}

async function measure(command: MeasureCommand): Promise<MeasureResult> {
  answered = 0;
  sent = 0;
  lost = 0;
  histogram.fill(0);
  let skipped = 0;
  const timed = clients.filter((c) => c.kind !== 'keepalive');
  const flooding = clients.filter((c) => c.kind === 'keepalive');
  for (const c of clients) {
    c.pending = -1;
    c.busy = false;
  }
  const warmup = 300;
  const start = performance.now();
  const end = start + warmup + command.seconds * 1000;
  setTimeout(() => {
    measuring = true;
    answered = 0;
    sent = 0;
  }, warmup);
  closedLoop = command.mode === 'closed';
  // A request lost under overload would stall a closed loop: its client starts again.
  const refill = setInterval(() => {
    const now = performance.now();
    for (const c of timed) {
      if (c.busy && c.kind === 'random' && c.pending < 0) continue; // A random host waits for its stranger.
      if (c.pending >= 0 && now - c.pending > LOST_AFTER_MS) {
        c.pending = -1;
        c.busy = false;
        if (measuring) lost++;
        next(c);
      }
    }
  }, 100);
  if (command.mode === 'closed') {
    for (const c of timed) issue(c);
    await new Promise((r) => setTimeout(r, end - performance.now()));
  } else if (command.mode === 'flood') {
    // Keep-alives, never answered: as fast as this process can send them.
    let i = 0;
    while (performance.now() < end) {
      for (let k = 0; k < 64; k++, i++) {
        const c = flooding[i % flooding.length]!;
        c.socket.send(c.request, target.port, '127.0.0.1');
        if (measuring) sent++;
      }
      await new Promise((r) => setImmediate(r));
    }
  } else {
    const perMs = (command.rate ?? 1000) / 1000;
    let due = 0;
    let cursor = 0;
    const pool = timed.length > 0 ? timed : flooding;
    while (performance.now() < end) {
      const target = Math.floor((performance.now() - start) * perMs);
      for (; due < target; due++) {
        if (pool === flooding) {
          const c = pool[cursor++ % pool.length]!;
          c.socket.send(c.request, targetPort(), '127.0.0.1');
          if (measuring) sent++;
          continue;
        }
        // The next idle client takes the request; none idle, it is skipped (and counted).
        let found = false;
        for (let tries = 0; tries < pool.length; tries++) {
          const c = pool[cursor++ % pool.length]!;
          if (c.pending < 0 && !c.busy) {
            issue(c);
            found = true;
            break;
          }
        }
        if (!found && measuring) skipped++;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  measuring = false;
  closedLoop = false;
  clearInterval(refill);
  const result = { answered, sent, lost, skipped, histogram: [...histogram] };
  await new Promise((r) => setTimeout(r, 300)); // Late answers land outside the window.
  return result;
}

const targetPort = () => target.port;

function teardown(): void {
  for (const t of timers) clearInterval(t);
  timers = [];
  for (const c of clients) {
    c.socket.close();
    c.other?.close();
  }
  clients = [];
}

/** The generator's own ceiling: datagrams a second this process sends to a sink that never answers. */
async function sink(port: number, seconds: number): Promise<{ sent: number }> {
  const sockets = await Promise.all(Array.from({ length: 64 }, (_, i) => bound(`127.250.${i}.1`)));
  const payload = Buffer.from(`HS:${LOCAL}:${token(1)}:port_preserving`, 'latin1');
  let count = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 64; k++) sockets[k]!.send(payload, port, '127.0.0.1');
    count += 64;
    await new Promise((r) => setImmediate(r));
  }
  for (const s of sockets) s.close();
  return { sent: count / seconds };
}

async function main(): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    let reply: unknown = { ok: true };
    if (command.op === 'setup') await setup(command);
    else if (command.op === 'measure') reply = await measure(command);
    else if (command.op === 'sink') reply = await sink(command.port, command.seconds);
    else teardown();
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
