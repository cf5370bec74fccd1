/**
 * Load generator, run in its own process: many UDP sockets on loopback, each from its own
 * address (so per-address rate limits see many clients, as on the internet), sending a mix of
 * requests: host registrations, joins, joins with bad codes, and host / join / close flows.
 * Closed loop (a few requests in flight per socket, as fast as answers come) or open loop (a
 * fixed offered rate). Prints one JSON line: answered per second and latency percentiles.
 * Usage: node --import tsx bench/load.ts '{"port":7788,"mode":"closed","seconds":5,...}'
 */
import dgram from 'node:dgram';
import { encodeKey } from '../server/src/generated/protocol.ts';

interface LoadOptions {
  readonly port: number;
  readonly serverKey: string;
  readonly mode: 'closed' | 'open';
  readonly seconds: number;
  readonly sockets: number;
  readonly inFlight: number;
  /** Open loop: requests a second offered in all. */
  readonly rate?: number;
}

const options = JSON.parse(process.argv[2]!) as LoadOptions;
const LOCAL = encodeKey({ address: '10.0.0.2', port: 4000 });
const LOST_AFTER_MS = 500;

interface Client {
  readonly socket: dgram.Socket;
  /** Send times of requests awaiting an answer, oldest first (loopback keeps order). */
  readonly pending: number[];
  session: string | null;
}

const latencies: number[] = [];
let answered = 0;
let lost = 0;
let sent = 0;
let measuring = false;
const sessions: string[] = [];

function nextRequest(c: Client, i: number): string {
  const roll = (i * 7919 + sent) % 10;
  if (!c.session || roll < 3) return `HS:${LOCAL}`; // a registration (or its duplicate)
  if (roll < 7 && sessions.length > 0) return `JS:${LOCAL}:${sessions[(sent * 31) % sessions.length]}`;
  if (roll < 9) return `JS:${LOCAL}:${options.serverKey}cyahcyahcyahcyah`; // a bad code: BK
  // A full flow ends: close our session; the next request registers a new one.
  c.socket.send(`CS:${c.session}`, options.port, '127.0.0.1');
  c.session = null;
  return `HS:${LOCAL}`;
}

function send(c: Client, i: number): void {
  c.pending.push(performance.now());
  sent++;
  c.socket.send(nextRequest(c, i), options.port, '127.0.0.1');
}

async function main(): Promise<void> {
  const clients: Client[] = [];
  for (let i = 0; i < options.sockets; i++) {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((done) => socket.bind(0, `127.3.${i >> 8}.${i & 255}`, done));
    const client: Client = { socket, pending: [], session: null };
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      if (text.startsWith('NJ:')) return; // A host hears about a joiner: not an answer to it.
      if (text.startsWith('HR:')) {
        client.session = text.split(':')[2]!;
        if (sessions.length < 1000) sessions.push(client.session);
      }
      const now = performance.now();
      while (client.pending.length > 0 && now - client.pending[0]! > LOST_AFTER_MS) {
        client.pending.shift();
        if (measuring) lost++;
      }
      const start = client.pending.shift();
      if (start === undefined) return;
      if (measuring) {
        answered++;
        latencies.push(now - start);
      }
      if (options.mode === 'closed') send(client, i);
    });
    clients.push(client);
  }
  // Warm up for half a second, then measure.
  const warmup = 500;
  const end = performance.now() + warmup + options.seconds * 1000;
  setTimeout(() => { measuring = true; }, warmup);
  if (options.mode === 'closed') {
    clients.forEach((c, i) => { for (let k = 0; k < options.inFlight; k++) send(c, i); });
    // Requests lost under overload would stall a closed loop: refill slots that timed out.
    const refill = setInterval(() => {
      const now = performance.now();
      clients.forEach((c, i) => {
        while (c.pending.length > 0 && now - c.pending[0]! > LOST_AFTER_MS) {
          c.pending.shift();
          if (measuring) lost++;
          send(c, i);
        }
      });
    }, 100);
    await new Promise((r) => setTimeout(r, end - performance.now()));
    clearInterval(refill);
  } else {
    // Open loop: send what the offered rate says is due, whatever has been answered.
    const perMs = (options.rate ?? 1000) / 1000;
    const started = performance.now();
    let next = 0;
    while (performance.now() < end) {
      const due = Math.floor((performance.now() - started) * perMs);
      for (; next < due; next++) send(clients[next % clients.length]!, next);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  measuring = false;
  await new Promise((r) => setTimeout(r, 200));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  console.log(JSON.stringify({
    answeredPerSecond: answered / options.seconds, offeredPerSecond: options.rate ?? null, lost,
    p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? NaN,
  }));
  for (const c of clients) c.socket.close();
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
