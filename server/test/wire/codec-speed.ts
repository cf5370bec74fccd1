/**
 * Nanoseconds per decode and per encode of the golden transcript's rendezvous messages (the
 * server's hot path): `node --import tsx server/test/wire/codec-speed.ts`. Bounded: a fixed
 * number of rounds, best of five.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decode, encode, type Message } from '../../src/generated/protocol.ts';

interface Entry { readonly code: string; readonly hex: string }
const entries = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../schema/golden/transcript.json'), 'utf8')) as Entry[])
  .filter((e) => !e.code.startsWith('SHP-'));
const datagrams = entries.map((e) => Uint8Array.from(Buffer.from(e.hex, 'hex')));
const messages = datagrams.map((d) => {
  const result = decode(d);
  if (!result.ok) throw new Error(`${Buffer.from(d).toString()}: ${result.error}`);
  return result.message as Message;
});
const keepAlive = datagrams[entries.findIndex((e) => e.code === 'KA')]!;

function measure(label: string, rounds: number, items: number, body: () => void): void {
  let best = Infinity;
  for (let attempt = 0; attempt < 5; attempt++) {
    const start = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) body();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / (rounds * items));
  }
  console.log(`${label.padEnd(28)} ${best.toFixed(0).padStart(6)} ns/op`);
}

let sink = 0;
measure(`decode (${datagrams.length} messages)`, 2000, datagrams.length, () => {
  for (const d of datagrams) if (decode(d).ok) sink++;
});
measure(`encode (${messages.length} messages)`, 2000, messages.length, () => {
  for (const m of messages) sink += encode(m).length;
});
measure('decode KA', 100_000, 1, () => { if (decode(keepAlive).ok) sink++; });
if (sink < 0) console.log(sink);
