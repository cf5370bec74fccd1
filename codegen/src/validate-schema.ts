/** Checks a protocol spec before anything is generated; every error names the offending thing. */
import type { FieldType, ProtocolSpec, ScriptType } from '../../schema/types.ts';
import { isSnakeCase } from './naming.ts';

const FIELD_TYPES: readonly FieldType[] = ['key', 'session_id', 'name', 'text', 'token', 'literal', 'word', 'peer_id', 'count'];
const SCRIPT_TYPES: readonly ScriptType[] = ['int', 'String', 'float', 'bool', 'Dictionary', 'Array', 'Error', 'MultiplayerPeer', 'Failure', 'HolePunchNat.NatType'];
const DIRECTIONS = ['client_to_server', 'server_to_client', 'peer_to_peer', 'game_connection'];

export class SchemaError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid protocol schema:\n  ${problems.join('\n  ')}`);
  }
}

export function validateSchema(spec: ProtocolSpec): void {
  const problems: string[] = [];
  const codes = new Set<string>();
  const names = new Set<string>();
  for (const m of spec.messages) {
    const at = `message "${m.code}"`;
    const game = m.direction === 'game_connection';
    if (game ? !/^SHP-[A-Z]+$/.test(m.code) : !/^[A-Z]{2}$/.test(m.code)) {
      problems.push(`${at}: code must be ${game ? 'SHP- and capital letters' : 'two capital letters'}`);
    }
    if (codes.has(m.code)) problems.push(`${at}: duplicate code`);
    codes.add(m.code);
    if (!isSnakeCase(m.name)) problems.push(`${at}: name "${m.name}" is not snake_case`);
    if (names.has(m.name)) problems.push(`${at}: duplicate name "${m.name}"`);
    names.add(m.name);
    if (!DIRECTIONS.includes(m.direction)) problems.push(`${at}: unknown direction "${m.direction}"`);
    if (m.fields.length === 0 && !game) problems.push(`${at}: needs at least one field (use a literal placeholder)`);
    const firstRepeated = m.fields.findIndex((f) => f.repeated);
    m.fields.forEach((f, i) => {
      const fat = `${at}: field "${f.name}"`;
      if (!isSnakeCase(f.name)) problems.push(`${fat}: name is not snake_case`);
      if (!FIELD_TYPES.includes(f.type)) problems.push(`${fat}: unknown type "${f.type}"`);
      if (f.type === 'literal' && !/^[A-Z]+$/.test(f.literal ?? '')) {
        problems.push(`${fat}: a literal field needs a literal of capital letters`);
      }
      if (f.type === 'word' && (!f.values?.length || !f.values.every((v) => /^[a-z][a-z_]*$/.test(v)))) {
        problems.push(`${fat}: a word field needs values of lowercase letters and _`);
      }
      if (f.repeated && m.fields.slice(i + 1).some((g) => !g.repeated)) problems.push(`${fat}: only the last field may repeat`);
      if (i === firstRepeated && f.maxCount === undefined) problems.push(`${fat}: a repeated field needs a maxCount`);
      if ((f.minCount !== undefined || f.maxCount !== undefined) && i !== firstRepeated) {
        problems.push(`${fat}: only the first repeated field takes minCount and maxCount`);
      }
      if (f.blank && f.type !== 'token') problems.push(`${fat}: only a token can be blank`);
      if (f.maxLength !== undefined && (f.type !== 'text' || !Number.isInteger(f.maxLength) || f.maxLength < 1 || f.maxLength >= spec.limits.maxDatagramBytes)) {
        problems.push(`${fat}: only a text takes a maxLength, a whole number of bytes below the longest datagram`);
      }
      if (f.failures) {
        for (const value of f.values ?? []) {
          const failure = f.failures[value];
          if (failure === undefined) problems.push(`${fat}: reason "${value}" has no failure`);
          else if (!(spec.failures ?? []).some((g) => g.name === failure)) problems.push(`${fat}: reason "${value}" names unknown failure "${failure}"`);
        }
      }
      if (f.optional && f.repeated) problems.push(`${fat}: a repeated field cannot be optional`);
      if (!f.optional && m.fields.slice(0, i).some((g) => g.optional)) {
        problems.push(`${fat}: follows an optional field; only trailing fields may be optional`);
      }
    });
    if (m.fields.some((f) => f.optional) && m.fields.some((f) => f.repeated)) {
      problems.push(`${at}: a message with a repeated field cannot have optional fields`);
    }
  }
  for (const c of spec.constants ?? []) {
    if (!isSnakeCase(c.name)) problems.push(`constant "${c.name}": name is not snake_case`);
    // A list of words is shared only through the fields that take them.
    const words = typeof c.value === 'string' ? null : c.value.join(' ');
    if (words !== null && !spec.messages.some((m) => m.fields.some((f) => f.values?.join(' ') === words))) {
      problems.push(`constant "${c.name}": no word field takes these words`);
    }
  }
  const signalNames = new Set<string>();
  for (const s of spec.signals) {
    if (!isSnakeCase(s.name)) problems.push(`signal "${s.name}": name is not snake_case`);
    if (signalNames.has(s.name)) problems.push(`signal "${s.name}": duplicate`);
    signalNames.add(s.name);
    for (const p of s.params) {
      if (!SCRIPT_TYPES.includes(p.type)) problems.push(`signal "${s.name}": param "${p.name}": unknown type "${p.type}"`);
    }
  }
  for (const a of spec.api) {
    if (!isSnakeCase(a.name)) problems.push(`api "${a.name}": name is not snake_case`);
    for (const p of a.params) {
      if (!SCRIPT_TYPES.includes(p.type)) problems.push(`api "${a.name}": param "${p.name}": unknown type "${p.type}"`);
    }
  }
  const failureNames = new Set<string>();
  for (const f of spec.failures ?? []) {
    if (!isSnakeCase(f.name)) problems.push(`failure "${f.name}": name is not snake_case`);
    if (failureNames.has(f.name)) problems.push(`failure "${f.name}": duplicate`);
    failureNames.add(f.name);
  }
  const usesFailure = [...spec.signals, ...spec.api].some((s) => s.params.some((p) => p.type === 'Failure'));
  if (usesFailure && failureNames.size === 0) problems.push('failures: a param has type Failure but the schema lists no failures');
  const settingNames = new Set<string>();
  for (const group of spec.node.settings) {
    for (const setting of group.settings) {
      const at = `setting "${setting.name}"`;
      if (!isSnakeCase(setting.name)) problems.push(`${at}: name is not snake_case`);
      if (settingNames.has(setting.name)) problems.push(`${at}: duplicate`);
      settingNames.add(setting.name);
      const jsTypes: Partial<Record<ScriptType, string>> = { int: 'number', float: 'number', bool: 'boolean', String: 'string' };
      const jsType = jsTypes[setting.type]; // Settings are plain values: other script types never match.
      if (typeof setting.default !== jsType || (setting.type === 'int' && !Number.isInteger(setting.default))) {
        problems.push(`${at}: default ${JSON.stringify(setting.default)} is not a ${setting.type}`);
      }
      if ((setting.range || setting.unit) && setting.type !== 'int' && setting.type !== 'float') {
        problems.push(`${at}: only numbers take a range or a unit`);
      }
      if (setting.unit && !setting.range) problems.push(`${at}: a unit needs a range`);
      if (setting.secret && setting.type !== 'String') problems.push(`${at}: only a String can be secret`);
    }
  }
  if (spec.bigrams.length !== 256 || new Set(spec.bigrams).size !== 256
    || !spec.bigrams.every((b) => /^[a-z]{2}$/.test(b))) {
    problems.push('bigrams: need 256 distinct two-letter lowercase strings');
  }
  if (problems.length > 0) throw new SchemaError(problems);
}
