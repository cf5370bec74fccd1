/**
 * Memory per session, in its own process (run with --expose-gc): heap (with array buffers) and RSS with 0, 10,000 and
 * 100,000 registered sessions, each with one joined peer, driven through the server's own logic.
 * Prints one JSON line.
 */
import { DEFAULT_CONFIG } from '../server/src/config.ts';
import { encodeKey } from '../server/src/generated/protocol.ts';
import { Rendezvous } from '../server/src/rendezvous.ts';
import { MemorySessionStore } from '../server/src/sessions/memory-session-store.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function measure(): { rssMb: number; heapMb: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  // Typed arrays live outside the JavaScript heap: counted with it.
  return { rssMb: m.rss / 2 ** 20, heapMb: (m.heapUsed + m.arrayBuffers) / 2 ** 20 };
}

const store = new MemorySessionStore();
const serverKey = encodeKey({ address: '203.0.113.7', port: 7788 });
const answers: string[] = [];
const r = new Rendezvous({
  config: { ...DEFAULT_CONFIG, maxSessions: 1_000_000, sessionsPerIp: 1_000_000 },
  store, now: Date.now, serverKey: () => serverKey, log: () => {},
  transmit: (_to, datagram) => { if (datagram[0] === 0x48) answers.push(datagram.toString('latin1').split(':')[2]!); },
});
const local = encodeKey({ address: '10.0.0.2', port: 4000 });
const results: Array<{ sessions: number; rssMb: number; heapMb: number }> = [{ sessions: 0, ...measure() }];
let made = 0;
for (const target of [10_000, 100_000]) {
  for (; made < target; made++) {
    // Hosts and joiners from many addresses, as on the internet.
    const host = { address: `198.${(made >> 16) & 255}.${(made >> 8) & 255}.${made & 255}`, port: 40000 };
    r.receive(Buffer.from(`HS:${local}`), host);
    const id = answers.pop()!;
    r.receive(Buffer.from(`JS:${local}:${id}`), { address: `100.${(made >> 16) & 255}.${(made >> 8) & 255}.${made & 255}`, port: 50000 });
  }
  results.push({ sessions: store.size, ...measure() });
}
console.log(JSON.stringify(results));
