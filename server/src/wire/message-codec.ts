/**
 * Messages on the wire: `CODE:field:field...`, printable ASCII. The schema decides the messages;
 * codegen writes them as descriptor tables (server/src/generated/protocol.ts), and this one
 * codec reads those tables, so no message has an encoder or a decoder of its own.
 */
import type { KeyCodec } from './key-codec.ts';

/** How a field is checked; its lengths are the descriptor's `min` and `max`. */
export type FieldKind = 'key' | 'session_id' | 'name' | 'text' | 'token' | 'literal' | 'word' | 'peer_id' | 'count';

export interface FieldDescriptor {
  /** The message object's property. */
  readonly name: string;
  /** The schema's name, for error details. */
  readonly wire: string;
  readonly type: FieldKind;
  /** Fewest and most characters on the wire. */
  readonly min: number;
  readonly max: number;
  /** A trailing extension: decoders take the message without it, encoders leave it out when absent. */
  readonly optional?: boolean;
  /** Part of the trailing record that repeats: the property holds one value per record. */
  readonly repeated?: boolean;
  /** `word`: every word it may hold. `literal`: its one word. */
  readonly values?: readonly string[];
}

export interface MessageDescriptor {
  readonly code: string;
  /** Longest valid datagram of this code, in bytes. */
  readonly maxBytes: number;
  /** For a message with repeated fields: fewest and most records. */
  readonly minCount?: number;
  readonly maxCount?: number;
  readonly fields: readonly FieldDescriptor[];
  /**
   * The decoded message from its values (fixed fields, then repeated ones, absent ones undefined):
   * one object literal per code, so every message of a code has one shape from the start and the
   * codec sets no property by a name it looks up.
   */
  readonly make?: (values: readonly unknown[]) => object;
}

/** Why a datagram was rejected; the server counts drops by these. */
export type DecodeError = 'too_long' | 'not_ascii' | 'no_separator' | 'unknown_code' | 'field_count' | 'bad_field';

export type DecodeResult<M> =
  | { readonly ok: true; readonly message: M }
  | { readonly ok: false; readonly error: DecodeError; readonly detail: string };

export interface MessageCodec<M extends { readonly code: string }> {
  /** The datagram text of a message. */
  encode(message: M): string;
  /** Parses and validates one datagram against the tables. Never throws. */
  decode(datagram: Uint8Array): DecodeResult<M>;
}

/** Printable ASCII is checked first, so any single-byte decoder gives the same text; this one is native (no argument spread). */
const ASCII = new TextDecoder('latin1');

const enum Kind { Key, SessionId, Name, Text, Token, Literal, Word, PeerId, Count }
const KINDS: Record<FieldKind, Kind> = {
  key: Kind.Key, session_id: Kind.SessionId, name: Kind.Name, text: Kind.Text, token: Kind.Token,
  literal: Kind.Literal, word: Kind.Word, peer_id: Kind.PeerId, count: Kind.Count,
};

/** A field as the codec walks it: everything precomputed, so that a datagram costs no closure. */
interface Field {
  readonly name: string;
  readonly kind: Kind;
  readonly min: number;
  readonly max: number;
  readonly words: ReadonlySet<string> | null;
  readonly literal: string;
  readonly bad: string;
}

interface Shape {
  readonly code: string;
  readonly make: ((values: readonly unknown[]) => object) | undefined;
  readonly fixed: readonly Field[];
  /** The record that repeats (empty when none). */
  readonly record: readonly Field[];
  readonly required: number;
  readonly minCount: number;
  readonly maxCount: number;
  readonly countError: string;
}

interface Options {
  /** Every code is this long and followed by `:` (the rendezvous wire); otherwise a code ends at the first `:`. */
  readonly codeLength?: number;
  readonly maxDatagramBytes: number;
}

export function messageCodec<M extends { readonly code: string }>(
  descriptors: Readonly<Record<string, MessageDescriptor>>, keys: KeyCodec, options: Options,
): MessageCodec<M> {
  const shapes = new Map<string, Shape>();
  /** Shapes of two-capital-letter codes by letterIndex, as well. */
  const byLetters = new Array<Shape | undefined>(26 * 26 + 1).fill(undefined);
  for (const d of Object.values(descriptors)) {
    const shape = shapeOf(d);
    shapes.set(d.code, shape);
    const at = d.code.length === 2 ? letterIndex(d.code.charCodeAt(0), d.code.charCodeAt(1)) : 26 * 26;
    if (at < 26 * 26) byLetters[at] = shape;
  }
  const fail = (error: DecodeError, detail: string): DecodeResult<M> => ({ ok: false, error, detail });
  /** Where each separator of the datagram being decoded is (decode does not re-enter). */
  const cuts = new Int32Array(options.maxDatagramBytes + 1);
  /** The values of the message being decoded, as the descriptor's make takes them. */
  const decoded = new Array<unknown>(Math.max(0, ...[...shapes.values()].map((s) => s.fixed.length + s.record.length))).fill(undefined);
  /** The text after separator [k] of [separators], up to the next one or the end. */
  const field = (text: string, k: number, separators: number): string => text.slice(cuts[k]! + 1, k + 1 < separators ? cuts[k + 1] : text.length);

  function valid(f: Field, part: string): boolean {
    const length = part.length;
    if (length < f.min || length > f.max) return false;
    switch (f.kind) {
      case Kind.Key: case Kind.Token: case Kind.SessionId: return keys.isBigramText(part);
      // Every byte is printable ASCII and no part holds a `:`: the length is all there is to check.
      case Kind.Name: case Kind.Text: return true;
      case Kind.Literal: return part === f.literal;
      case Kind.Word: return f.words!.has(part);
      case Kind.PeerId: return isPeerId(part);
      case Kind.Count: return isCount(part);
    }
  }

  return {
    encode(message) {
      const shape = shapes.get(message.code)!;
      const values = message as unknown as Record<string, unknown>;
      let out = shape.code;
      for (let i = 0; i < shape.fixed.length; i++) {
        const f = shape.fixed[i]!;
        if (f.kind === Kind.Literal) { out += `:${f.literal}`; continue; }
        const value = values[f.name] as string | undefined;
        // An optional field and every one after it stay off the wire when absent (or empty, unless it may be).
        if (i >= shape.required && (value === undefined || (value === '' && f.min > 0))) break;
        out += `:${value ?? ''}`;
      }
      if (shape.record.length > 0) {
        const count = (values[shape.record[0]!.name] as readonly string[]).length;
        for (let r = 0; r < count; r++) {
          for (const f of shape.record) out += `:${(values[f.name] as readonly string[])[r]}`;
        }
      }
      return out;
    },

    decode(datagram) {
      const length = datagram.length;
      if (length > options.maxDatagramBytes) return fail('too_long', `${length} bytes`);
      // The separators are found while the bytes are checked: fields are cut from the text by
      // position, with no split (whose arrays and runtime calls every datagram would pay).
      let separators = 0;
      for (let i = 0; i < length; i++) {
        const byte = datagram[i]!;
        if (byte < 0x20 || byte > 0x7e) return fail('not_ascii', `byte ${byte}`);
        if (byte === 0x3a) cuts[separators++] = i;
      }
      const text = ASCII.decode(datagram);
      let shape: Shape | undefined;
      /** The separator before the first field, as an index into cuts; fields run from each to the next. */
      let first = 0;
      if (options.codeLength !== undefined) {
        const at = options.codeLength;
        if (text.length <= at || text.charCodeAt(at) !== 0x3a) return fail('no_separator', 'expected CODE:payload');
        while (cuts[first] !== at) first++;
        // A two-letter code is looked up by its bytes: no string is made for it unless it is unknown.
        shape = at === 2 ? byLetters[letterIndex(datagram[0]!, datagram[1]!)] : shapes.get(text.slice(0, at));
        if (shape === undefined) return fail('unknown_code', text.slice(0, at));
      } else {
        const code = separators === 0 ? text : text.slice(0, cuts[0]);
        shape = shapes.get(code);
        if (shape === undefined) return fail('unknown_code', code);
      }
      const count = separators - first;
      const fixed = shape.fixed;
      let records = 0;
      if (shape.record.length > 0) {
        records = (count - fixed.length) / shape.record.length;
        if (count < fixed.length || !Number.isInteger(records) || records < shape.minCount) return fail('field_count', shape.countError);
      } else if (count < shape.required || count > fixed.length) {
        return fail('field_count', shape.countError);
      }
      for (let i = 0; i < fixed.length; i++) {
        const f = fixed[i]!;
        const value = i < count ? field(text, first + i, separators) : undefined;
        if (value !== undefined && !valid(f, value)) return fail('bad_field', f.bad);
        decoded[i] = value;
      }
      if (shape.record.length > 0) {
        if (records > shape.maxCount) return fail('bad_field', shape.record[0]!.bad);
        const width = shape.record.length;
        for (let j = 0; j < width; j++) {
          const f = shape.record[j]!;
          const values: string[] = new Array<string>(records);
          for (let r = 0; r < records; r++) {
            const value = field(text, first + fixed.length + r * width + j, separators);
            if (!valid(f, value)) return fail('bad_field', f.bad);
            values[r] = value;
          }
          decoded[fixed.length + j] = values;
        }
      }
      return { ok: true, message: build(shape, decoded) as M };
    },
  };
}

/** The message of [shape] from [values]: by its descriptor's make, or property by property for a table without one. */
function build(shape: Shape, values: readonly unknown[]): object {
  if (shape.make) return shape.make(values);
  const message: Record<string, unknown> = { code: shape.code };
  shape.fixed.forEach((f, i) => { message[f.name] = values[i]; });
  shape.record.forEach((f, j) => { message[f.name] = values[shape.fixed.length + j]; });
  return message;
}

function shapeOf(d: MessageDescriptor): Shape {
  const field = (f: FieldDescriptor): Field => ({
    name: f.name, kind: KINDS[f.type], min: f.min, max: f.max,
    words: f.type === 'word' ? new Set(f.values) : null,
    literal: f.type === 'literal' ? f.values![0]! : '',
    bad: f.type === 'literal' ? `${d.code}.${f.wire} must be ${f.values![0]!}` : `${d.code}.${f.wire}`,
  });
  const fixed = d.fields.filter((f) => !f.repeated).map(field);
  const record = d.fields.filter((f) => f.repeated).map(field);
  const required = d.fields.filter((f) => !f.optional && !f.repeated).length;
  const minCount = d.minCount ?? 1;
  let countError: string;
  if (record.length > 0) countError = `${d.code} needs at least ${required + minCount * record.length} field(s)`;
  else if (fixed.length > required) countError = `${d.code} needs ${required} to ${fixed.length} field(s)`;
  else countError = `${d.code} needs ${required} field(s)`;
  return { code: d.code, make: d.make, fixed, record, required, minCount, maxCount: d.maxCount ?? Infinity, countError };
}

/** Where a code of two capital letters is in a table of 26 × 26; anything else is the last place, 26 × 26 (always empty). */
function letterIndex(first: number, second: number): number {
  return first >= 0x41 && first <= 0x5a && second >= 0x41 && second <= 0x5a ? (first - 0x41) * 26 + (second - 0x41) : 26 * 26;
}

/** An ENet peer id in decimal: 0 (not connected yet) or 2 to 2^31-1, at most 10 digits. */
export function isPeerId(text: string): boolean {
  if (text.length < 1 || text.length > 10) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  const id = Number(text);
  return id === 0 || (id >= 2 && id <= 2147483647);
}

/** A count in decimal: 0 to 2^31-1, at most 10 digits, no leading zeros. */
export function isCount(text: string): boolean {
  if (text.length < 1 || text.length > 10 || (text.length > 1 && text.charCodeAt(0) === 0x30)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return Number(text) <= 2147483647;
}
