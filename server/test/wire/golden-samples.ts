/**
 * Sample messages for the golden transcript, derived from the schema: for each message every
 * field filled, and where a message has optional, blank or repeated fields, the shorter shapes
 * too. Fields are keyed by their schema (wire) names; a repeated field is a list, one entry per
 * record.
 */
import { protocol } from '../../../schema/protocol.ts';
import type { FieldSpec, MessageSpec } from '../../../schema/types.ts';

export type SampleValue = string | readonly string[];
export interface Sample {
  readonly message: string;
  readonly code: string;
  readonly fields: Readonly<Record<string, SampleValue>>;
}

const { bigrams } = protocol;
const run = (from: number, count: number): string => Array.from({ length: count }, (_, i) => bigrams[(from + i * 37) % 256]!).join('');

/** A valid value of [field], the [n]th of its kind (so that two fields of a message differ). */
function valueOf(field: FieldSpec, n: number): string {
  switch (field.type) {
    case 'key': return run(3 + n * 11, 6);
    case 'session_id': return run(5 + n * 13, 6 + 4);
    case 'token': return run(17 + n * 19, 8);
    case 'name': return ['Alice', 'Bob the 2nd', 'Zo? !'][n % 3]!;
    case 'text': return ['Zo%C3%AB', 'full', field.maxLength !== undefined && field.maxLength < 18 ? 'Bob' : 'Bob%20%F0%9F%8E%AE'][n % 3]!;
    case 'word': return field.values![n % field.values!.length]!;
    case 'literal': return field.literal!;
    case 'peer_id': return ['2', '0', '2147483647'][n % 3]!;
    case 'count': return ['3', '0', '2147483647'][n % 3]!;
  }
}

/** Texts that senders of ours write empty (no alias, no payload). */
const EMPTY_TEXTS = new Set(['alias', 'payload']);

function filled(m: MessageSpec, records: number, upTo = m.fields.length, blank = false, word = 0): Sample {
  const fields: Record<string, SampleValue> = {};
  const empty = (f: FieldSpec): boolean => blank && (f.blank === true || (f.type === 'text' && EMPTY_TEXTS.has(f.name)));
  m.fields.slice(0, upTo).forEach((f, i) => {
    if (f.repeated) fields[f.name] = Array.from({ length: records }, (_, r) => (empty(f) && r === 0 ? '' : valueOf(f, i + r)));
    else fields[f.name] = empty(f) ? '' : valueOf(f, f.type === 'word' ? i + word : i);
  });
  return { message: m.name, code: m.code, fields };
}

/** The length of [sample] on the wire: its code and each value after a separator. */
function bytesOf(sample: Sample): number {
  const values = Object.values(sample.fields).flatMap((v) => (typeof v === 'string' ? [v] : v));
  return sample.code.length + values.reduce((n, v) => n + 1 + v.length, 0);
}

/** Every sample of one message. */
export function samplesOf(m: MessageSpec): Sample[] {
  const first = m.fields.find((f) => f.repeated);
  if (first) {
    const counts = [...new Set([first.minCount ?? 1, 2, first.maxCount === 16 ? 16 : 3])];
    // A rendezvous datagram holds at most 512 bytes: records that would not fit are left out.
    const out = counts.map((count) => filled(m, count)).filter((sample) => m.direction === 'game_connection' || bytesOf(sample) <= protocol.limits.maxDatagramBytes);
    if (m.fields.some((f) => f.type === 'text' && EMPTY_TEXTS.has(f.name))) out.push(filled(m, 2, m.fields.length, true));
    return out;
  }
  const out = [filled(m, 1)];
  const required = m.fields.filter((f) => !f.optional).length;
  if (required < m.fields.length) out.push(filled(m, 1, required));
  if (m.fields.some((f) => f.blank || (f.type === 'text' && EMPTY_TEXTS.has(f.name)))) out.push(filled(m, 1, m.fields.length, true));
  // Every word of every word field, on the wire once.
  const words = Math.max(0, ...m.fields.map((f) => f.values?.length ?? 0));
  for (let w = 1; w < words; w++) out.push(filled(m, 1, m.fields.length, false, w));
  return out;
}

export function allSamples(): Sample[] {
  return protocol.messages.flatMap(samplesOf);
}
