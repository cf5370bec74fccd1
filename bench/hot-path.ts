/**
 * The handlers' own cost per request type, without sockets: the server's logic (Rendezvous with
 * its real limits, store and cookies) driven in a loop by datagrams from 1,000 addresses, each in
 * its own /24, every source a fresh string as the socket hands over. Microseconds per request, the
 * fastest of 5 rounds; steadier than the socket benchmark on a shared machine, and quick to run
 * under `--cpu-prof`. A simulated clock moves 30 µs a datagram, so no address exceeds the rate
 * limits and cookies stay within their window.
 * `--evict MB` writes over MB of memory before each datagram and times the server's receive alone:
 * in the running server the kernel and the processes sharing its cores evict its caches between
 * datagrams, and what a datagram then costs is mostly the cache lines (code and data) it touches
 * anew; 8 MB gives about what the running server spends beyond the echo.
 * Usage: node --import tsx bench/hot-path.ts [--src DIR] [--only TYPE,TYPE] [--evict MB]  (DIR: another checkout's server/src)
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

const { values: args } = parseArgs({ options: { src: { type: 'string' }, only: { type: 'string' }, rounds: { type: 'string', default: '5' }, evict: { type: 'string' } } });
const SRC = resolve(args.src ?? resolve(import.meta.dirname, '../server/src'));
const { DEFAULT_CONFIG } = await import(`${SRC}/config.ts`);
const protocol = await import(`${SRC}/generated/protocol.ts`);
const { Rendezvous } = await import(`${SRC}/rendezvous.ts`);
const { MemorySessionStore } = await import(`${SRC}/sessions/memory-session-store.ts`);

type Endpoint = { address: string; port: number };
const CLIENTS = 1000;
const REQUESTS = 50_000;
const NO_IP6 = 'cy'.repeat(8);
const LOCAL: string = protocol.encodeKey({ address: '10.0.0.2', port: 4000 });

let clock = 1_000_000;
const answers: Array<{ to: Endpoint; text: string }> = [];
const r = new Rendezvous({
  config: { ...DEFAULT_CONFIG, matchesPerIp: 1e6, matchesPerNet: 1e6, failedJoinsPerIp: 1e6, failedJoinsPerNet: 1e6, failedJoins: 1e7 },
  store: new MemorySessionStore(), now: () => clock, serverKey: () => protocol.encodeKey({ address: '203.0.113.7', port: 7788 }), log: () => {},
  transmit: (to: Endpoint, datagram: Buffer) => { if (recording) answers.push({ to, text: datagram.toString('latin1') }); },
});
let recording = true;
/** Memory written over before each datagram (--evict), and the time spent in receive meanwhile (ns). */
const evict = new Int32Array(args.evict ? (Number(args.evict) << 20) / 4 : 0);
let inside = 0;

/** A new string each call, as the socket makes one per datagram (not interned, its hash not cached). */
const fresh = (text: string) => Buffer.from(text, 'latin1').toString('latin1');
const addressOf = (n: number, host: number) => `198.${(n >> 8) & 255}.${n & 255}.${host}`;
function token(seed: number): string {
  let text = '';
  for (let i = 0; i < 8; i++) text += protocol.BIGRAMS[((seed * 2654435761 + i * 40503) >>> 0) % 256];
  return text;
}

function deliver(text: string | Buffer, from: Endpoint): Array<{ to: Endpoint; text: string }> {
  answers.length = 0;
  clock += 0.03;
  const datagram = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const source = { address: fresh(from.address), port: from.port };
  if (evict.length === 0) {
    r.receive(datagram, source);
    return answers;
  }
  for (let i = 0; i < evict.length; i += 16) evict[i] = i + clock; // One write a 64-byte line.
  const started = process.hrtime.bigint();
  r.receive(datagram, source);
  inside += Number(process.hrtime.bigint() - started);
  return answers;
}
const field = (text: string, i: number) => text.split(':')[i]!;

interface Client { from: Endpoint; nonce: string; request: Buffer; id: string; other: Endpoint }

function clients(host: number): Client[] {
  return Array.from({ length: CLIENTS }, (_, n) => ({
    from: { address: addressOf(n, host), port: 40000 + n }, nonce: token(host * 10_000 + n + 1), request: Buffer.alloc(0), id: '',
    other: { address: addressOf(n, host + 1), port: 50000 + n },
  }));
}

const full = (head: string, nonce: string) => `${head}:${nonce}:port_preserving:${NO_IP6}:${NO_IP6}:${NO_IP6}`;
const cookie = (c: Client, head: string) => field(deliver(full(head, c.nonce), c.from)[0]!.text, 1);

/** Each request type: set-up, then one request (with what it takes: a registration is HS, KA and CS). */
const TYPES: Record<string, { setup: (cs: Client[]) => void; request: (c: Client) => void }> = {
  register: {
    setup: (cs) => { for (const c of cs) c.request = Buffer.from(`HS:${LOCAL}:${c.nonce}:port_preserving`, 'latin1'); },
    request: (c) => {
      const id = field(deliver(c.request, c.from)[0]!.text, 2);
      deliver(`KA:${id}:${c.nonce}`, c.from);
      deliver(`CS:${id}:${c.nonce}`, c.from);
    },
  },
  join: {
    setup: (cs) => {
      for (const c of cs) {
        c.id = field(deliver(`HS:${LOCAL}:${c.nonce}:port_preserving`, c.other)[0]!.text, 2);
        deliver(`KA:${c.id}:${c.nonce}`, c.other);
        const head = `JS:${LOCAL}:${c.id}`;
        c.request = Buffer.from(`${full(head, c.nonce)}:${cookie(c, head)}`, 'latin1');
      }
    },
    request: (c) => {
      if (deliver(c.request, c.from).length !== 2) throw new Error('join: no JR and NJ');
      deliver(`KA:${c.id}:${c.nonce}`, c.other); // The host keeps alive, as in the socket benchmark.
    },
  },
  random: {
    setup: (cs) => {
      for (const c of cs) c.request = Buffer.from(`${full(`RS:${LOCAL}`, c.nonce)}:${cookie(c, `RS:${LOCAL}`)}`, 'latin1');
    },
    // Two strangers: the first waits (HR), the second is matched (JR and NJ), the first closes.
    request: (c) => {
      const partner = pairs.get(c)!;
      calls++;
      const id = field(deliver(c.request, c.from)[0]!.text, 2);
      const got = deliver(partner.request, partner.from);
      if (got.length !== 2) throw new Error(`random: no match at ${calls}: ${got.map((a) => a.text).join(" ")} ${[...r.stats.dropped].join(" ")}`);
      deliver(`CS:${id}:${c.nonce}`, c.from);
    },
  },
  keepalive: {
    setup: (cs) => {
      for (const c of cs) {
        c.id = field(deliver(`HS:${LOCAL}:${c.nonce}:port_preserving`, c.from)[0]!.text, 2);
        c.request = Buffer.from(`KA:${c.id}:${c.nonce}`, 'latin1');
      }
    },
    request: (c) => { deliver(c.request, c.from); },
  },
  badcode: {
    setup: (cs) => {
      for (const c of cs) {
        const head = `JS:${LOCAL}:${protocol.encodeKey({ address: '203.0.113.7', port: 7788 })}${token(7).slice(0, 8)}`;
        c.request = Buffer.from(`${full(head, c.nonce)}:${cookie(c, head)}`, 'latin1');
      }
    },
    request: (c) => { if (deliver(c.request, c.from).length !== 1) throw new Error('badcode: no BK'); },
  },
};
const pairs = new Map<Client, Client>();
let calls = 0;

const rounds = Number(args.rounds);
const kinds = args.only ? args.only.split(',') : Object.keys(TYPES);
const results: Record<string, number> = {};
for (const [k, kind] of kinds.entries()) {
  const type = TYPES[kind]!;
  const cs = clients(4 * k + 1);
  type.setup(cs);
  if (kind === 'random') {
    const partners = clients(4 * k + 3);
    type.setup(partners);
    cs.forEach((c, i) => pairs.set(c, partners[i]!));
  }
  recording = true;
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Evicting costs far more than what it measures: fewer requests a round.
    const requests = evict.length > 0 ? REQUESTS / 10 : REQUESTS;
    inside = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) type.request(cs[i % CLIENTS]!);
    times.push((evict.length > 0 ? inside : Number(process.hrtime.bigint() - started)) / requests);
  }
  // The fastest round: what the work costs when nothing else takes the core.
  results[kind] = Math.min(...times);
  console.log(`${kind.padEnd(10)} ${(results[kind] / 1000).toFixed(2)} µs/request  (rounds ${times.map((t) => (t / 1000).toFixed(2)).join(' ')})`);
}
const dropped = [...r.stats.dropped].map(([why, n]) => `${why}=${n}`).join(' ');
if (dropped) console.log(`dropped: ${dropped}`);
