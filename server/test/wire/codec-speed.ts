/**
 * Nanoseconds per decode and per encode of the golden transcript's rendezvous messages (the
 * server's hot path): `node --import tsx server/test/wire/codec-speed.ts [protocol.ts]`, where
 * the optional path is another checkout's generated protocol module (to compare two versions).
 * Bounded: a fixed number of rounds, best of five.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Protocol from '../../src/generated/protocol.ts';
import type { Message } from '../../src/generated/protocol.ts';

const modulePath = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../src/generated/protocol.ts'));
const { decode, encode } = (await import(pathToFileURL(modulePath).href)) as typeof Protocol;

interface Entry { readonly code: string; readonly hex: string }
const entries = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../schema/golden/transcript.json'), 'utf8')) as Entry[])
  .filter((e) => !e.code.startsWith('SHP-'));
const datagrams = entries.map((e) => Buffer.from(e.hex, 'hex'));
const messages = datagrams.map((d) => {
  const result = decode(d);
  if (!result.ok) throw new Error(`${Buffer.from(d).toString()}: ${result.error}`);
  return result.message as Message;
});
const keepAlive = Buffer.from(datagrams[entries.findIndex((e) => e.code === 'KA')]!);
const joinSession = Buffer.from(datagrams[entries.findIndex((e) => e.code === 'JS')]!);

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
measure('decode KA (Buffer)', 100_000, 1, () => { if (decode(keepAlive).ok) sink++; });
measure('decode JS, every field', 100_000, 1, () => { if (decode(joinSession).ok) sink++; });
if (sink < 0) console.log(sink);
