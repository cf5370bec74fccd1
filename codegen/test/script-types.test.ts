/** Signals and API with Godot's own types, and the schema's failures as a GDScript enum. */
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.ts';
import { SchemaError, validateSchema } from '../src/validate-schema.ts';
import { fileText, protocol } from './spec-fixtures.ts';

describe('script types and failures', () => {
  const spec = {
    ...protocol,
    // Failures of its own: no message reason maps to the schema's.
    messages: protocol.messages.map((m) => ({ ...m, fields: m.fields.map(({ failures: _, ...f }) => f) })),
    signals: [{ name: 'went_wrong', doc: 'Oops.', params: [{ name: 'why', type: 'Failure' as const, doc: 'Why.' }] },
      { name: 'peer_up', doc: 'Up.', params: [{ name: 'peer', type: 'MultiplayerPeer' as const, doc: 'It.' }] }],
    api: [{ name: 'try_it', doc: 'Tries.', params: [], returns: 'Error' as const },
      { name: 'say', doc: 'Says.', static: true, params: [{ name: 'why', type: 'Failure' as const, doc: 'Why.' }], returns: 'String' as const }],
    failures: [{ name: 'server_silent', doc: 'Nobody answered.' }, { name: 'bad_alias', doc: 'No.' }],
  };
  const base = fileText(generate(spec), 'hole_punch_base.gd');

  it('writes the failures as an enum with their docs, in order', () => {
    expect(base).toContain('enum Failure {\n\tSERVER_SILENT, ## Nobody answered.\n\tBAD_ALIAS, ## No.\n}');
  });

  it('types signal params and API returns with Godot types', () => {
    expect(base).toContain('signal went_wrong(why: Failure)');
    expect(base).toContain('signal peer_up(peer: MultiplayerPeer)');
    expect(base).toContain('func try_it() -> Error:\n\treturn _api_try_it()');
    // A static call has no node to dispatch on: it goes to the hand-written HolePunch itself.
    expect(base).toContain('static func say(why: Failure) -> String:\n\treturn HolePunch._api_say(why)');
    expect(base).toContain('@abstract func _api_try_it() -> Error\n');
  });

  it('refuses a Failure param without failures, and bad failure names', () => {
    expect(() => validateSchema({ ...spec, failures: [] })).toThrow(/a param has type Failure but the schema lists no failures/);
    expect(() => validateSchema({ ...spec, failures: [{ name: 'Bad', doc: '' }, { name: 'x', doc: '' }, { name: 'x', doc: '' }] }))
      .toThrow(SchemaError);
  });

  it('hides a secret setting in the inspector, and only a String may be one', () => {
    const group = { group: 'Game', settings: [{ name: 'word', type: 'String' as const, default: '', secret: true, doc: 'Hush.' }] };
    const secret = { ...spec, node: { ...spec.node, settings: [group] } };
    expect(fileText(generate(secret), 'hole_punch_base.gd')).toContain('@export_custom(PROPERTY_HINT_PASSWORD, "") var word: String = ""');
    const bad = { ...spec, node: { ...spec.node, settings: [{ group: 'Game', settings: [{ ...group.settings[0]!, name: 'n', type: 'int' as const, default: 0 }] }] } };
    expect(() => validateSchema(bad)).toThrow(/only a String can be secret/);
  });
});
