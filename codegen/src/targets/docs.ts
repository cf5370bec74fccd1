/** Docs target: the tables of docs/wire-format.md, from the schema, inside the prose of its template. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Direction, FieldType } from '../../../schema/types.ts';
import type { GeneratedFile } from '../generated-file.ts';
import type { FieldView, MessageView, ViewModel } from '../view-model.ts';

export const DOCS_OUTPUT = 'docs/wire-format.md';
const TEMPLATE = join(import.meta.dirname, '..', '..', 'templates', 'docs', 'wire-format.md');

const DIRECTIONS: Record<Direction, string> = {
  client_to_server: 'client → server', server_to_client: 'server → client', peer_to_peer: 'peer → peer', game_connection: 'player ↔ host',
};

/** What each field type is on the wire (the schema's `FieldType`). */
const FIELD_TYPES: Record<FieldType, string> = {
  key: 'An IPv4 address and port: six bigrams (see Keys).',
  session_id: 'A server key, then a random suffix of bigrams.',
  name: 'An alias as original peers take it: printable ASCII without `:`, never empty.',
  text: 'Ours: an alias, payload or reason between peers of ours: 32 characters of any script, UTF-8 percent-encoded (printable ASCII without `:`), may be empty.',
  token: 'Eight bigrams: a nonce, secret, cookie, proof or half an IPv6 address.',
  literal: 'A fixed placeholder word.',
  word: 'One of a fixed set of words, such as a reason or a NAT type.',
  peer_id: 'An ENet peer id in decimal: 0 (not connected yet) or 2 to 2147483647.',
  count: 'Ours: a number in decimal, 0 to 2147483647, without leading zeros.',
};

/** Godot's BBCode in schema docs, as Markdown. */
function markdown(doc: string): string {
  return doc.replace(/\[code\](.*?)\[\/code\]/g, '`$1`').replace(/\[(?:member|method|signal|constant) ([^\]]+)\]/g, '`$1`').replaceAll('|', '\\|');
}

function lengthOf(f: FieldView): string {
  return f.minLength === f.maxLength ? String(f.maxLength) : `${f.minLength}–${f.maxLength}`;
}

function direction(m: MessageView, relayCodes: ReadonlySet<string>): string {
  if (!relayCodes.has(m.code)) return DIRECTIONS[m.direction];
  return m.direction === 'client_to_server' ? 'client → relay port' : 'relay port → client';
}

/** The fields of a message in one cell: optional ones in brackets, the repeated record with an ellipsis. */
function fieldList(m: MessageView): string {
  const name = (f: FieldView): string => (f.type === 'literal' ? `\`${f.literal}\`` : f.wireName);
  const fixed = m.fields.filter((f) => !f.repeated && !f.optional).map(name);
  const optional = m.fields.filter((f) => f.optional).map(name);
  const record = m.fields.filter((f) => f.repeated).map(name);
  const parts = [...fixed];
  if (optional.length > 0) parts.push(`[${optional.join(', ')}]`);
  if (record.length === 1) parts.push(`${record[0]!}…`);
  else if (record.length > 1) parts.push(`(${record.join(', ')})…`);
  return parts.join(', ') || '(none)';
}

function summary(messages: readonly MessageView[], relayCodes: ReadonlySet<string>): string {
  return ['| code | name | direction | fields | longest |', '|---|---|---|---|---|',
    ...messages.map((m) => `| ${m.code} | ${m.name} | ${direction(m, relayCodes)} | ${fieldList(m)} | ${m.maxBytes} |`)].join('\n');
}

function reference(m: MessageView, relayCodes: ReadonlySet<string>): string {
  const rows = m.fields.map((f) => {
    const flags = [f.optional ? 'optional' : '', f.repeated ? 'repeated' : ''].filter(Boolean).join(', ');
    let type: string = f.type;
    if (f.type === 'word') type = `word: ${f.values.map((v) => `\`${v}\``).join(', ')}`;
    if (f.type === 'literal') type = `\`${f.literal}\``;
    let doc = markdown(f.doc);
    if (f.failures) doc += ` Failure: ${Object.entries(f.failures).map(([k, v]) => `\`${k}\` → \`${v.toUpperCase()}\``).join(', ')}.`;
    return `| ${f.wireName}${flags ? ` (${flags})` : ''} | ${type} | ${lengthOf(f)} | ${doc} |`;
  });
  const counts = m.repeated ? ` Records: ${m.minCount} to ${m.maxCount}.` : '';
  return [`### ${m.code} ${m.name} (${direction(m, relayCodes)})`, '', markdown(m.doc), '',
    ...(rows.length > 0 ? ['| field | type | bytes | |', '|---|---|---|---|', ...rows, ''] : ['No fields: the code alone.', '']),
    `Longest datagram: ${m.maxBytes} bytes.${counts}`].join('\n');
}

export function generateDocs(model: ViewModel, relayCodes: ReadonlySet<string>): GeneratedFile[] {
  const types = (Object.keys(FIELD_TYPES) as FieldType[]);
  const lengths = new Map<FieldType, string>();
  for (const m of [...model.messages, ...model.gameMessages]) {
    for (const f of m.fields) if (!lengths.has(f.type) && f.type !== 'word' && f.type !== 'literal') lengths.set(f.type, lengthOf(f));
  }
  const tables: Record<string, string> = {
    fieldTypes: ['| type | bytes | |', '|---|---|---|', ...types.map((t) => `| ${t} | ${lengths.get(t) ?? 'its words'} | ${FIELD_TYPES[t]} |`)].join('\n'),
    constants: ['| constant | value | |', '|---|---|---|', ...model.constants.map((c) => {
      const value = typeof c.value === 'string' ? `\`${c.value}\`` : c.value.map((v) => `\`${v}\``).join(', ');
      return `| ${c.tsName} | ${value} | ${markdown(c.doc)} |`;
    })].join('\n'),
    summary: summary(model.messages, relayCodes),
    game: summary(model.gameMessages, relayCodes),
    reference: [...model.messages, ...model.gameMessages].map((m) => reference(m, relayCodes)).join('\n\n'),
  };
  const body = readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const table = tables[key];
    if (table === undefined) throw new Error(`${TEMPLATE}: unknown table {{${key}}}`);
    return table;
  });
  return [{ path: DOCS_OUTPUT, content: `${model.mdHeader}\n${body.trimEnd()}\n` }];
}
