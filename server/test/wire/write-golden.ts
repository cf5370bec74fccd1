/**
 * Writes schema/golden/transcript.json: every sample message (golden-samples.ts) and its exact
 * bytes in hex. Run `node --import tsx server/test/wire/write-golden.ts` only when the wire
 * format changes on purpose; golden.test.ts holds the codec to the file byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encode, gameCodec, type GameMessage, type Message } from '../../src/generated/protocol.ts';
import { isGameCode, messageOf } from './golden-messages.ts';
import { allSamples } from './golden-samples.ts';

const path = resolve(import.meta.dirname, '../../../schema/golden/transcript.json');
const entries = allSamples().map((s) => {
  const m = messageOf(s);
  const text = isGameCode(s.code) ? gameCodec.encode(m as GameMessage) : encode(m as Message);
  return { ...s, hex: Buffer.from(text, 'latin1').toString('hex') };
});
writeFileSync(path, `${JSON.stringify(entries, null, 2)}\n`);
console.log(`${entries.length} entries written to ${path}`);
