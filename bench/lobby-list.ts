/**
 * Server time of one lobby page: 10,000 sessions listed through the server's own logic (HS, KA,
 * LP), then LS requests of 512 bytes, each timed from the datagram in to the LL out (decode,
 * limits, index, page, encode), for several filters. Prints one JSON line: microseconds per
 * request at the median, the 99th percentile and the most, and the entries a page carried.
 *
 *   node --import tsx bench/lobby-list.ts [sessions]
 */
import { DEFAULT_CONFIG } from '../server/src/config.ts';
import { encode, encodeKey, type Endpoint } from '../server/src/generated/protocol.ts';
import { Rendezvous } from '../server/src/rendezvous.ts';
import { MemorySessionStore } from '../server/src/sessions/memory-session-store.ts';
import { newToken } from '../server/src/sessions/tokens.ts';

const SESSIONS = Number(process.argv[2] ?? 10_000);
const REQUESTS = 2_000;
const MODES = ['ctf', 'ffa', 'coop', 'race'];
const MAPS = Array.from({ length: 20 }, (_, i) => `map${i}`);
const VERSIONS = ['1.0', '1.1', '2.0-beta'];

const store = new MemorySessionStore();
const serverKey = encodeKey({ address: '203.0.113.7', port: 7788 });
let last = '';
const r = new Rendezvous({
  // No rate limits: the figure is the work of a page, not of the limits that bound how many come.
  config: { ...DEFAULT_CONFIG, maxSessions: 1_000_000, sessionsPerIp: 1_000_000, rate: 0, listsPerIp: 1_000_000, listsPerNet: 1_000_000, maxPeers: 8 },
  store, now: Date.now, serverKey: () => serverKey, log: () => {},
  transmit: (_to, datagram) => { last = datagram.toString('latin1'); },
});
const send = (text: string, from: Endpoint): string => {
  last = '';
  r.receive(Buffer.from(text, 'latin1'), from);
  return last;
};
const local = encodeKey({ address: '10.0.0.2', port: 4000 });
const addressOf = (n: number, first: number) => `${first}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

for (let n = 0; n < SESSIONS; n++) {
  const host = { address: addressOf(n, 198), port: 40000 };
  const nonce = newToken();
  const id = send(encode({ code: 'HS', localKey: local, nonce, nat: 'port_preserving' }), host).split(':')[2]!;
  send(encode({ code: 'KA', sessionId: id, nonce }), host);
  // Half the sessions take two players and have one joiner: full.
  const full = n % 2 === 0;
  send(encode({
    code: 'LP', sessionId: id, nonce, cap: full ? '2' : '8', alias: `host${n}`, name: `Room%20${n}`,
    mode: MODES[n % MODES.length]!, map: MAPS[(n >> 2) % MAPS.length]!, version: VERSIONS[n % 97 === 0 ? 2 : n % 2]!,
  }), host);
  if (full) send(`JS:${local}:${id}`, { address: addressOf(n, 100), port: 50000 });
}
if (store.listed !== SESSIONS) throw new Error(`${store.listed} of ${SESSIONS} sessions listed`);

function request(after: number, room: 'any' | 'not_full', filter: { mode?: string; map?: string; version?: string }): string {
  const text = encode({ code: 'LS', nonce: newToken(), after: String(after), room, name: '', mode: filter.mode ?? '', map: filter.map ?? '', version: filter.version ?? '', padding: '' });
  return text + '.'.repeat(512 - text.length);
}

const cases: Array<{ name: string; room: 'any' | 'not_full'; filter: { mode?: string; map?: string; version?: string }; deep?: boolean }> = [
  { name: 'no filter', room: 'any', filter: {} },
  { name: 'mode', room: 'any', filter: { mode: 'ctf' } },
  { name: 'mode, not full', room: 'not_full', filter: { mode: 'ffa' } },
  { name: 'mode and map, not full', room: 'not_full', filter: { mode: 'ffa', map: 'map7' } },
  { name: 'rare version (1%)', room: 'any', filter: { version: '2.0-beta' } },
  { name: 'not full, from a cursor in the middle', room: 'not_full', filter: {}, deep: true },
  // Every ctf session is full (even n): a not-full page over them looks at its bound of sessions and finds none.
  { name: 'worst: mode whose sessions are all full, not full', room: 'not_full', filter: { mode: 'ctf' } },
];

const results = cases.map((c) => {
  const micros: number[] = [];
  let entries = 0;
  let bytes = 0;
  for (let i = 0; i < REQUESTS + 200; i++) {
    const after = c.deep ? (i * 7919) % SESSIONS : 0;
    const text = request(after, c.room, c.filter);
    const from = { address: addressOf(i, 192), port: 6000 };
    const start = process.hrtime.bigint();
    const answer = send(text, from);
    const took = Number(process.hrtime.bigint() - start) / 1000;
    if (!answer.startsWith('LL:')) throw new Error(`${c.name}: no LL (${answer})`);
    if (answer.length > text.length) throw new Error(`${c.name}: LL longer than its LS`);
    if (i < 200) continue; // Warm-up.
    micros.push(took);
    entries += (answer.split(':').length - 3) / 9;
    bytes = Math.max(bytes, answer.length);
  }
  micros.sort((a, b) => a - b);
  const at = (q: number) => Math.round(micros[Math.min(micros.length - 1, Math.floor(q * micros.length))]! * 10) / 10;
  return { case: c.name, medianUs: at(0.5), p99Us: at(0.99), maxUs: at(1), entriesPerPage: Math.round((entries / REQUESTS) * 10) / 10, longestAnswerBytes: bytes };
});
console.log(JSON.stringify({ listed: SESSIONS, requestBytes: 512, requests: REQUESTS, results }));
