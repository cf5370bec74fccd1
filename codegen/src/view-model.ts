/** The plain view model both targets render: names decided, nothing left to compute in templates. */
import type { Direction, FieldSpec, FieldType, ProtocolSpec, SettingSpec } from '../../schema/types.ts';
import { headerLine } from './generated-file.ts';
import { gdConstant, gdIdentifier, pascalCase, tsIdentifier } from './naming.ts';

export interface FieldView {
  readonly wireName: string;
  readonly type: FieldType;
  readonly doc: string;
  readonly literal: string | null;
  /** For `word` fields: the words it may hold; empty otherwise. */
  readonly values: readonly string[];
  readonly repeated: boolean;
  /** A trailing extension: may be absent on the wire. */
  readonly optional: boolean;
  /** Position among the payload parts. */
  readonly index: number;
  readonly tsName: string;
  readonly gdName: string;
  /** The generated GDScript check for this field's type: a function name, or for `word` a value list. */
  readonly gdCheck: string;
  /** The GDScript condition that part [index] is valid. */
  readonly gdTest: string;
  /** The TypeScript type of the field's value. */
  readonly tsType: string;
  /** Fewest and most characters on the wire. */
  readonly minLength: number;
  readonly maxLength: number;
  /** For a reason word: the failure each value names. */
  readonly failures: Readonly<Record<string, string>> | null;
}

export interface MessageView {
  readonly code: string;
  readonly name: string;
  readonly direction: Direction;
  readonly doc: string;
  readonly fields: readonly FieldView[];
  /** Fields the sender fills in (literals are written by the encoder). */
  readonly inputFields: readonly FieldView[];
  readonly tsType: string;
  readonly tsHandler: string;
  readonly gdConstant: string;
  readonly gdEncoder: string;
  readonly gdHandler: string;
  readonly repeated: boolean;
  /** Fields that are required on the wire, and the trailing optional ones. */
  readonly requiredFields: readonly FieldView[];
  readonly optionalFields: readonly FieldView[];
  /** Fewest `:`-separated payload parts a valid datagram has. */
  readonly minParts: number;
  /** Most payload parts a valid datagram has. */
  readonly maxParts: number;
  /** Fewest and most records of the repeated fields (0 when none repeat). */
  readonly minCount: number;
  readonly maxCount: number;
  /** Longest valid datagram, in bytes. */
  readonly maxBytes: number;
}

export interface ParamView { readonly name: string; readonly type: string; readonly doc: string }
export interface SignalView { readonly name: string; readonly doc: string; readonly params: readonly ParamView[] }
export interface ApiView extends SignalView { readonly returns: string; readonly returnsValue: boolean; readonly isStatic: boolean }

export interface ConstantView { readonly tsName: string; readonly gdName: string; readonly value: string | readonly string[]; readonly doc: string }
export interface FailureView { readonly constant: string; readonly doc: string }
export interface SettingView {
  readonly name: string;
  readonly doc: string;
  /** The whole `@export...` line. */
  readonly declaration: string;
  /** The plain field a settings copy declares: `var name: type`. */
  readonly field: string;
}
export interface SettingGroupView { readonly group: string; readonly settings: readonly SettingView[] }

export interface ViewModel {
  /** The first line of each target's files. */
  readonly tsHeader: string;
  readonly gdHeader: string;
  readonly mdHeader: string;
  readonly messages: readonly MessageView[];
  /** The game connection's messages (a codec of their own on each side). */
  readonly gameMessages: readonly MessageView[];
  /** Shared wire constants: a word or a list of words. */
  readonly constants: readonly ConstantView[];
  readonly clientToServer: readonly MessageView[];
  /** Messages a client receives: from the server and from peers. */
  readonly clientInbound: readonly MessageView[];
  readonly signals: readonly SignalView[];
  readonly api: readonly ApiView[];
  readonly failures: readonly FailureView[];
  /** Codes a client accepts only from its server's rendezvous port (not RA, which a relay port sends). */
  readonly serverCodes: readonly string[];
  /** The session-id suffix a random joiner names, never told its id (the lowest bigram, as often as the shortest suffix). */
  readonly unknownSessionSuffix: string;
  /** Lines of the HolePunch class documentation. */
  readonly nodeDoc: readonly string[];
  readonly settingGroups: readonly SettingGroupView[];
  readonly limits: ProtocolSpec['limits'];
  readonly bigrams: readonly string[];
}

const GD_CHECKS: Record<FieldType, string> = { key: 'is_key', session_id: 'is_session_id', name: 'is_name', text: 'is_text', token: 'is_token', literal: '', word: '', peer_id: 'is_peer_id', count: 'is_count' };

function tsTypeOf(f: FieldSpec): string {
  if (f.type === 'literal') return `'${f.literal}'`;
  if (f.type === 'word') {
    const words = (f.values ?? []).map((v) => `'${v}'`).join(' | ');
    return f.repeated ? `readonly (${words})[]` : words;
  }
  return f.repeated ? 'readonly string[]' : 'string';
}

/** Fewest and most characters of a field on the wire. */
function lengthsOf(f: FieldSpec, limits: ProtocolSpec['limits']): [number, number] {
  const words = f.type === 'word' ? (f.values ?? []).map((v) => v.length) : [];
  switch (f.type) {
    case 'key': return [12, 12];
    case 'token': return [f.blank ? 0 : 16, 16];
    case 'session_id': return [12 + 2 * limits.minSuffixBigrams, 12 + 2 * limits.maxSuffixBigrams];
    case 'name': return [1, limits.maxNameLength];
    case 'text': return [0, f.maxLength ?? limits.maxTextLength];
    case 'literal': return [f.literal!.length, f.literal!.length];
    case 'word': return [Math.min(...words), Math.max(...words)];
    case 'peer_id': return [1, 10];
    case 'count': return [1, 10];
  }
}

function fieldView(f: FieldSpec, index: number, limits: ProtocolSpec['limits']): FieldView {
  const [minLength, maxLength] = lengthsOf(f, limits);
  const values = f.type === 'word' ? [...(f.values ?? [])] : [];
  const gdCheck = f.type === 'word' ? `[${values.map((v) => JSON.stringify(v)).join(', ')}]` : GD_CHECKS[f.type];
  const part = `parts[${index}]`;
  return {
    wireName: f.name, type: f.type, doc: f.doc, literal: f.literal ?? null, values, repeated: f.repeated === true,
    optional: f.optional === true, index,
    tsName: tsIdentifier(f.name), gdName: gdIdentifier(f.name),
    gdCheck,
    gdTest: f.type === 'word' ? `(${part} in ${gdCheck})` : `${gdCheck}(${part})`,
    tsType: tsTypeOf(f),
    minLength, maxLength, failures: f.failures ?? null,
  };
}

const GENERATOR = 'codegen/src/main.ts';

/** A GDScript literal of [value]; floats keep a decimal point so the export is typed float. */
function gdLiteral(type: SettingSpec['type'], value: SettingSpec['default']): string {
  if (type === 'String') return JSON.stringify(value);
  if (type === 'float') return Number.isInteger(value) ? `${value}.0` : String(value);
  return String(value);
}

function settingView(s: SettingSpec): SettingView {
  const literal = gdLiteral(s.type, s.default);
  let annotation = '@export';
  if (s.range) {
    const numbers = s.range.map((n) => gdLiteral(s.type, n));
    annotation = `@export_range(${[...numbers, ...(s.unit ? [`"suffix:${s.unit}"`] : [])].join(', ')})`;
  }
  if (s.secret) annotation = '@export_custom(PROPERTY_HINT_PASSWORD, "")';
  return { name: s.name, doc: s.doc, declaration: `${annotation} var ${gdIdentifier(s.name)}: ${s.type} = ${literal}`, field: `var ${gdIdentifier(s.name)}: ${s.type}` };
}

export function buildViewModel(spec: ProtocolSpec, schemaPath: string): ViewModel {
  const views = spec.messages.map((m): MessageView => {
    const fields = m.fields.map((f, i) => fieldView(f, i, spec.limits));
    const requiredFields = fields.filter((f) => !f.optional);
    const record = fields.filter((f) => f.repeated);
    const first = m.fields.find((f) => f.repeated);
    const maxCount = first ? first.maxCount ?? spec.limits.maxNames : 0;
    const game = m.direction === 'game_connection';
    const longest = m.code.length + fields.filter((f) => !f.repeated).reduce((n, f) => n + 1 + f.maxLength, 0)
      + maxCount * record.reduce((n, f) => n + 1 + f.maxLength, 0);
    return {
      code: m.code, name: m.name, direction: m.direction, doc: m.doc, fields,
      inputFields: fields.filter((f) => f.type !== 'literal'),
      tsType: pascalCase(m.name),
      tsHandler: tsIdentifier(m.name),
      gdConstant: gdConstant(m.name),
      gdEncoder: `encode_${m.name}`,
      gdHandler: `_on_${m.name}`,
      repeated: record.length > 0,
      requiredFields,
      optionalFields: fields.filter((f) => f.optional),
      minParts: requiredFields.length,
      maxParts: record.length > 0 ? fields.length - 1 + spec.limits.maxNames : fields.length,
      minCount: first ? first.minCount ?? 1 : 0,
      maxCount,
      maxBytes: game ? longest : Math.min(longest, spec.limits.maxDatagramBytes),
    };
  });
  // The game connection's messages have a codec of their own on each side.
  const messages = views.filter((m) => m.direction !== 'game_connection');
  const params = (ps: readonly { name: string; type: string; doc: string }[]): ParamView[] =>
    ps.map((p) => ({ name: gdIdentifier(p.name), type: p.type, doc: p.doc }));
  return {
    tsHeader: headerLine('//', GENERATOR, schemaPath),
    gdHeader: headerLine('#', GENERATOR, schemaPath),
    mdHeader: headerLine('<!--', GENERATOR, schemaPath).replace('change the schema', 'change the schema or codegen/templates/docs/wire-format.md'),
    messages,
    gameMessages: views.filter((m) => m.direction === 'game_connection'),
    constants: (spec.constants ?? []).map((c) => ({ tsName: gdConstant(c.name), gdName: gdConstant(c.name), value: c.value, doc: c.doc })),
    clientToServer: messages.filter((m) => m.direction === 'client_to_server'),
    clientInbound: messages.filter((m) => m.direction !== 'client_to_server'),
    signals: spec.signals.map((s) => ({ name: s.name, doc: s.doc, params: params(s.params) })),
    api: spec.api.map((a) => ({
      name: a.name, doc: a.doc, params: params(a.params),
      returns: a.returns ?? 'void', returnsValue: a.returns !== undefined, isStatic: a.static === true,
    })),
    failures: (spec.failures ?? []).map((f) => ({ constant: gdConstant(f.name), doc: f.doc })),
    serverCodes: messages.filter((m) => m.direction === 'server_to_client' && spec.messages.find((s) => s.code === m.code)?.port !== 'relay').map((m) => m.code),
    unknownSessionSuffix: spec.bigrams[0]!.repeat(spec.limits.minSuffixBigrams),
    nodeDoc: spec.node.doc,
    settingGroups: spec.node.settings.map((g) => ({ group: g.group, settings: g.settings.map(settingView) })),
    limits: spec.limits,
    bigrams: spec.bigrams,
  };
}
