/**
 * Writes schema/golden/transcript.json: every sample message (golden-samples.ts) and its exact
 * bytes in hex. Run `node --import tsx server/test/wire/write-golden.ts` only when the wire
 * format changes on purpose; golden.test.ts holds both codecs to the file byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { allSamples, type Sample } from './golden-samples.ts';
import { encodeSample } from './golden-encode.ts';

const path = resolve(import.meta.dirname, '../../../schema/golden/transcript.json');
const entries = allSamples().map((s: Sample) => ({ ...s, hex: Buffer.from(encodeSample(s), 'latin1').toString('hex') }));
writeFileSync(path, `${JSON.stringify(entries, null, 2)}\n`);
console.log(`${entries.length} entries written to ${path}`);
