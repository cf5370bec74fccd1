/** The hand-written key codec, with the schema's table and with another one. */
import { describe, expect, it } from 'vitest';
import { BIGRAMS } from '../src/generated/protocol.ts';
import { keyCodec } from '../src/wire/key-codec.ts';

describe('key codec', () => {
  it('with the schema\'s table writes the wire format\'s worked example', () => {
    expect(keyCodec(BIGRAMS).encodeKey({ address: '127.0.0.1', port: 7788 })).toBe('qucycyahjiuv');
  });

  it('round-trips with any table, and refuses one that is not 256 distinct bigrams', () => {
    const codec = keyCodec([...BIGRAMS].reverse());
    const key = codec.encodeKey({ address: '10.1.2.3', port: 40000 });
    expect(key).not.toBe(keyCodec(BIGRAMS).encodeKey({ address: '10.1.2.3', port: 40000 }));
    expect(codec.decodeKey(key)).toEqual({ address: '10.1.2.3', port: 40000 });
    expect(codec.isToken(key + key.slice(0, 4))).toBe(true);
    expect(codec.isKey(`${key.slice(0, 10)}uq`)).toBe(false);
    expect(() => keyCodec(BIGRAMS.slice(1))).toThrow(/256 distinct/);
  });
});
