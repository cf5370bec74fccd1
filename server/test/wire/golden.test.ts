/**
 * The golden transcript (schema/golden/transcript.json, written by the encoders the codec
 * replaced): the codec encodes every entry to its exact bytes and decodes them back to its fields.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocol } from '../../../schema/protocol.ts';
import { decode, encode, gameCodec, type GameMessage, type Message } from '../../src/generated/protocol.ts';
import { isGameCode, messageOf } from './golden-messages.ts';
import type { Sample } from './golden-samples.ts';

type Entry = Sample & { readonly hex: string };
const entries = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../schema/golden/transcript.json'), 'utf8')) as Entry[];

describe('golden transcript', () => {
  it('has every message of the schema', () => {
    const codes = new Set(entries.map((e) => e.code));
    expect(protocol.messages.map((m) => m.code).filter((c) => !codes.has(c))).toEqual([]);
  });

  for (const [i, entry] of entries.entries()) {
    const bytes = Buffer.from(entry.hex, 'hex');
    it(`#${i} ${entry.code}: ${bytes.toString('latin1').slice(0, 60)}`, () => {
      const message = messageOf(entry);
      const game = isGameCode(entry.code);
      const text = game ? gameCodec.encode(message as GameMessage) : encode(message as Message);
      expect(Buffer.from(text, 'latin1').toString('hex')).toBe(entry.hex);
      const decoded = game ? gameCodec.decode(bytes) : decode(bytes);
      expect(decoded).toEqual({ ok: true, message });
    });
  }
});
