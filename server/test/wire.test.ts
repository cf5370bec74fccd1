/** The generated codec against the exact datagrams of the original wire format. */
import { describe, expect, it } from 'vitest';
import { decode, decodeKey, encode, encodeKey, type Message } from '../src/generated/protocol.ts';

const K = 'qucycyahjiuv'; // 127.0.0.1:7788, the worked example
const SID = `${K}cyah`;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('keys', () => {
  it('encodes the worked example 127.0.0.1:7788 as qucycyahjiuv, and back', () => {
    expect(encodeKey({ address: '127.0.0.1', port: 7788 })).toBe(K);
    expect(decodeKey(K)).toEqual({ address: '127.0.0.1', port: 7788 });
  });

  it('rejects what is not a key or an address', () => {
    expect(decodeKey('qucycyahjiu')).toBeNull();
    expect(decodeKey('qucycyahjiuq')).toBeNull();
    expect(() => encodeKey({ address: '1.2.3', port: 1 })).toThrow(/not an IPv4 address/);
    expect(() => encodeKey({ address: '1.2.3.4', port: 65536 })).toThrow(/not a port/);
  });
});

describe('every message, as the original puts it on the wire', () => {
  const table: Array<[string, Message]> = [
    [`HS:${K}`, { code: 'HS', localKey: K }],
    [`HR:${K}:${SID}`, { code: 'HR', remoteKey: K, sessionId: SID }],
    [`JS:${K}:${SID}`, { code: 'JS', localKey: K, sessionId: SID }],
    [`JR:${K}:${K}:${K}`, { code: 'JR', joinerRemoteKey: K, hostRemoteKey: K, hostLocalKey: K }],
    [`NJ:${K}:${K}`, { code: 'NJ', joinerRemoteKey: K, joinerLocalKey: K }],
    [`BK:${SID}`, { code: 'BK', sessionId: SID }],
    [`RS:${K}`, { code: 'RS', localKey: K }],
    [`KA:${SID}`, { code: 'KA', sessionId: SID }],
    [`CS:${SID}`, { code: 'CS', sessionId: SID }],
    ['RD:ann:bob', { code: 'RD', names: ['ann', 'bob'] }],
    [`JH:${K}`, { code: 'JH', hostKey: K }],
    ['JD:DONE', { code: 'JD', done: 'DONE' }],
  ];
  for (const [text, message] of table) {
    it(`${text.slice(0, 2)}: encodes to and decodes from "${text}"`, () => {
      expect(encode(message)).toBe(text);
      expect(decode(bytes(text))).toEqual({ ok: true, message });
    });
  }
});

describe('our extensions: optional trailing fields that original peers never send', () => {
  const N = 'cyahjcdumwwhrvyq'; // a token
  const S = 'yyqzsrsstgcvgxia';
  const table: Array<[string, Message]> = [
    [`HS:${K}:${N}`, { code: 'HS', localKey: K, nonce: N }],
    [`HR:${K}:${SID}:${N}`, { code: 'HR', remoteKey: K, sessionId: SID, nonce: N }],
    [`JR:${K}:${K}:${K}:${N}:${S}`, { code: 'JR', joinerRemoteKey: K, hostRemoteKey: K, hostLocalKey: K, nonce: N, secret: S }],
    [`NJ:${K}:${K}:${N}`, { code: 'NJ', joinerRemoteKey: K, joinerLocalKey: K, nonce: N }],
    [`RF:address_limit:${N}`, { code: 'RF', reason: 'address_limit', nonce: N }],
    [`RV:${S}:ann:bob`, { code: 'RV', secret: S, names: ['ann', 'bob'] }],
    [`JD:DONE:${S}`, { code: 'JD', done: 'DONE', secret: S }],
  ];
  for (const [text, message] of table) {
    it(`${text.slice(0, 2)}: encodes to and decodes from "${text}"`, () => {
      expect(encode(message)).toBe(text);
      expect(decode(bytes(text))).toEqual({ ok: true, message });
    });
  }

  it('leaves out empty optional fields, and a later one after an absent one', () => {
    expect(encode({ code: 'HS', localKey: K, nonce: '' })).toBe(`HS:${K}`);
    expect(encode({ code: 'JR', joinerRemoteKey: K, hostRemoteKey: K, hostLocalKey: K, secret: S })).toBe(`JR:${K}:${K}:${K}`);
  });

  it('rejects an optional field of the wrong type, one too many, and an unknown reason', () => {
    expect(decode(bytes(`HS:${K}:${K}`))).toMatchObject({ ok: false, error: 'bad_field' });
    expect(decode(bytes(`HS:${K}:${N}:${N}`))).toMatchObject({ ok: false, error: 'bad_field' }); // nat is a word
    expect(decode(bytes(`HS:${K}:${N}:unknown:${N}:${N}:${N}:${N}`))).toMatchObject({ ok: false, error: 'field_count' });
    expect(decode(bytes(`RF:tired:${N}`))).toMatchObject({ ok: false, error: 'bad_field' });
    expect(decode(bytes('RF:server_full'))).toMatchObject({ ok: false, error: 'field_count' });
  });
});
