/** The generated TypeScript type-checks and its codec does what the schema says. */
import { resolve } from 'node:path';
import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { decode, encode, type Message } from '../../server/src/generated/protocol.ts';

const K = 'qucycyahjiuv';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('generated TypeScript', () => {
  it('type-checks under the project\'s strict settings', () => {
    const project = new Project({ tsConfigFilePath: resolve(import.meta.dirname, '../../tsconfig.json'), skipAddingFilesFromTsConfig: true });
    project.addSourceFileAtPath(resolve(import.meta.dirname, '../../server/src/generated/protocol.ts'));
    const diagnostics = project.getPreEmitDiagnostics().map((d) => d.getMessageText().toString());
    expect(diagnostics).toEqual([]);
  }, 30_000);

  it('round-trips every message of the schema', () => {
    const sid = `${K}cyahcyah`;
    const samples: Message[] = [
      { code: 'HS', localKey: K }, { code: 'HR', remoteKey: K, sessionId: sid }, { code: 'JS', localKey: K, sessionId: sid },
      { code: 'JR', joinerRemoteKey: K, hostRemoteKey: K, hostLocalKey: K }, { code: 'NJ', joinerRemoteKey: K, joinerLocalKey: K },
      { code: 'BK', sessionId: sid }, { code: 'RS', localKey: K }, { code: 'KA', sessionId: sid }, { code: 'CS', sessionId: sid },
      { code: 'RD', names: ['a b', 'c~'] }, { code: 'JH', hostKey: K }, { code: 'JD', done: 'DONE' },
    ];
    for (const m of samples) expect(decode(bytes(encode(m)))).toEqual({ ok: true, message: m });
  });

  it('rejects each kind of bad datagram with its own reason', () => {
    const reason = (text: string | Uint8Array) => {
      const r = decode(typeof text === 'string' ? bytes(text) : text);
      return r.ok ? 'ok' : r.error;
    };
    expect(reason(`HS:${K.slice(0, 10)}`)).toBe('bad_field');
    expect(reason(`KA:${K}cy`)).toBe('bad_field');
    expect(reason(`KA:${K}${'cy'.repeat(17)}`)).toBe('bad_field');
    expect(reason('RD:has space:ok')).toBe('ok');
    expect(reason(`RD:${'n'.repeat(33)}`)).toBe('bad_field');
    expect(reason(`RD:${Array.from({ length: 17 }, (_, i) => `p${i}`).join(':')}`)).toBe('bad_field');
    expect(reason(`JS:${K}`)).toBe('field_count');
    expect(reason('JD:done')).toBe('bad_field');
    expect(reason(new Uint8Array([0x48, 0x53, 0x3a, 0xff]))).toBe('not_ascii');
    expect(reason(`RD:${'a'.repeat(600)}`)).toBe('too_long');
    expect(reason('XX:abc')).toBe('unknown_code');
    expect(reason('HS')).toBe('no_separator');
  });

  it('carries our long names in RV and an empty payload in JP, while RD keeps the original 32 bytes', () => {
    const T = 'ahahahahahahahah';
    const long = '%E5%B1%B1'.repeat(32); // 32 characters of 3 UTF-8 bytes: 288 bytes.
    const reason = (text: string) => { const r = decode(bytes(text)); return r.ok ? 'ok' : r.error; };
    expect(reason(`RV:${T}:${long}`)).toBe('ok');
    expect(reason(`RV:${T}:${'n'.repeat(385)}`)).toBe('bad_field');
    expect(reason(`RD:${long}`)).toBe('bad_field');
    expect(decode(bytes(`JP::${T}:${T}`))).toEqual({ ok: true, message: { code: 'JP', payload: '', secret: T, password: T } });
    expect(reason('JP:')).toBe('ok');
  });
});
