/** A broken schema is refused with errors that name the offending thing. */
import { describe, expect, it } from 'vitest';
import type { FieldType } from '../../schema/types.ts';
import { generate } from '../src/generate.ts';
import { protocol, withChangedMessage, withMessages } from './spec-fixtures.ts';

function problems(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the schema to be refused');
}

describe('schema validation', () => {
  it('names an unknown field type', () => {
    const spec = withChangedMessage('JS', (m) => ({ ...m, fields: [{ name: 'session_id', type: 'strng' as FieldType, doc: '' }] }));
    expect(problems(() => generate(spec))).toContain('message "JS": field "session_id": unknown type "strng"');
  });

  it('names a duplicate code, a bad code and a name that is not snake_case', () => {
    const message = { code: 'HS', name: 'HostAgain', direction: 'client_to_server' as const, doc: '', fields: [{ name: 'k', type: 'key' as const, doc: '' }] };
    const text = problems(() => generate(withMessages(message, { ...message, code: 'h1', name: 'other' })));
    expect(text).toContain('message "HS": duplicate code');
    expect(text).toContain('message "HS": name "HostAgain" is not snake_case');
    expect(text).toContain('message "h1": code must be two capital letters');
  });

  it('refuses a repeated field that is not last, and a literal without a word', () => {
    const spec = withMessages({
      code: 'XX', name: 'broken', direction: 'peer_to_peer', doc: '',
      fields: [{ name: 'many', type: 'name', doc: '', repeated: true }, { name: 'word', type: 'literal', doc: '' }],
    });
    const text = problems(() => generate(spec));
    expect(text).toContain('message "XX": field "many": only the last field may repeat');
    expect(text).toContain('message "XX": field "word": a literal field needs a literal of capital letters');
  });

  it('refuses an optional field before a required one, beside a repeated one, and a word field without words', () => {
    const spec = withMessages({
      code: 'XX', name: 'broken', direction: 'peer_to_peer', doc: '',
      fields: [{ name: 'maybe', type: 'token', doc: '', optional: true }, { name: 'after', type: 'key', doc: '' },
        { name: 'why', type: 'word', doc: '', values: ['Bad Word'] }, { name: 'many', type: 'name', doc: '', repeated: true }],
    });
    const text = problems(() => generate(spec));
    expect(text).toContain('message "XX": field "after": follows an optional field; only trailing fields may be optional');
    expect(text).toContain('message "XX": field "why": a word field needs values of lowercase letters and _');
    expect(text).toContain('message "XX": a message with a repeated field cannot have optional fields');
  });

  it('refuses a bigram table that is not 256 distinct pairs', () => {
    expect(problems(() => generate({ ...protocol, bigrams: protocol.bigrams.slice(1) }))).toContain('bigrams: need 256 distinct');
  });
});

describe('schema validation: limits and shared names', () => {
  it('refuses a repeated field without a most count', () => {
    const spec = withMessages({
      code: 'XX', name: 'many', direction: 'peer_to_peer', doc: '',
      fields: [{ name: 'names', type: 'name', doc: '', repeated: true }],
    });
    expect(problems(() => generate(spec))).toContain('message "XX": field "names": a repeated field needs a maxCount');
  });

  it('refuses a reason without its failure, and a failure the schema does not list', () => {
    const spec = withChangedMessage('RF', (m) => ({
      ...m,
      fields: m.fields.map((f) => (f.name === 'reason' ? { ...f, failures: { server_full: 'server_full', address_limit: 'no_such_failure' } } : f)),
    }));
    const text = problems(() => generate(spec));
    expect(text).toContain('message "RF": field "reason": reason "session_full" has no failure');
    expect(text).toContain('message "RF": field "reason": reason "address_limit" names unknown failure "no_such_failure"');
  });

  it('takes game-connection codes only with their prefix, and without fields', () => {
    const beat = { code: 'SHP-PING', name: 'game_ping', direction: 'game_connection' as const, doc: '', fields: [] };
    expect(() => generate(withMessages(beat))).not.toThrow();
    expect(problems(() => generate(withMessages({ ...beat, code: 'PING' })))).toContain('message "PING": code must be SHP- and capital letters');
    expect(problems(() => generate(withMessages({ ...beat, code: 'SHP-X', direction: 'peer_to_peer' })))).toContain('message "SHP-X": code must be two capital letters');
  });
});

describe('schema validation: constants', () => {
  it('refuses a list of words that no field takes', () => {
    const spec = { ...protocol, constants: [...protocol.constants ?? [], { name: 'colours', value: ['red', 'blue'], doc: '' }] };
    expect(problems(() => generate(spec))).toContain('constant "colours": no word field takes these words');
  });
});
