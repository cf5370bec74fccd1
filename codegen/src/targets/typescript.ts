/** TypeScript target: message types, codec, field checks, handler interface and dispatch (ts-morph). */
import { IndentationText, NewLineKind, Project, QuoteKind, VariableDeclarationKind } from 'ts-morph';
import type { MessageView, ViewModel } from '../view-model.ts';
import type { GeneratedFile } from '../generated-file.ts';

export const TS_OUTPUT = 'server/src/generated/protocol.ts';

export function generateTypeScript(model: ViewModel): GeneratedFile[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Single,
      newLineKind: NewLineKind.LineFeed,
    },
  });
  const file = project.createSourceFile('protocol.ts', '', { overwrite: true });
  file.addStatements([
    model.tsHeader,
    '/* eslint-disable */',
    'import { KEY_LENGTH, keyCodec, TOKEN_LENGTH, type Endpoint } from \'../wire/key-codec.ts\';',
    'export { KEY_LENGTH, TOKEN_LENGTH, type Endpoint };',
  ]);

  addConstants(file, model);
  addKeyFunctions(file);
  addMessageTypes(file, model);
  addEncoder(file, model);
  addDecoder(file, model);
  addHandlers(file, model);

  file.formatText({ indentSize: 2, convertTabsToSpaces: true, semicolons: 'insert' as never });
  return [{ path: TS_OUTPUT, content: `${file.getFullText().trimEnd()}\n` }];
}

type SourceFile = ReturnType<Project['createSourceFile']>;

function addConstants(file: SourceFile, model: ViewModel): void {
  const { limits } = model;
  file.addVariableStatement({
    isExported: true, declarationKind: VariableDeclarationKind.Const,
    docs: ['Entry b is the bigram for byte value b.'],
    declarations: [{ name: 'BIGRAMS', initializer: `[${model.bigrams.map((b) => `'${b}'`).join(', ')}] as const` }],
  });
  file.addVariableStatement({
    isExported: true, declarationKind: VariableDeclarationKind.Const,
    docs: ['Wire limits from the schema.'],
    declarations: [{
      name: 'LIMITS',
      initializer: `{ maxDatagramBytes: ${limits.maxDatagramBytes}, maxNameLength: ${limits.maxNameLength}, `
        + `maxTextCharacters: ${limits.maxTextCharacters}, maxTextLength: ${limits.maxTextLength}, `
        + `maxNames: ${limits.maxNames}, minSuffixBigrams: ${limits.minSuffixBigrams}, `
        + `maxSuffixBigrams: ${limits.maxSuffixBigrams} } as const`,
    }],
  });
}

function addKeyFunctions(file: SourceFile): void {
  file.addStatements([
    '/** The key codec over the schema\'s bigram table (written once by hand, in server/src/wire/key-codec.ts). */',
    'export const { isBigramText, isKey, isToken, encodeKey, decodeKey } = keyCodec(BIGRAMS);',
  ]);
  file.addFunction({
    isExported: true, name: 'isSessionId',
    docs: ['A session id: a server key and a suffix of the schema\'s allowed length.'],
    parameters: [{ name: 'text', type: 'string' }], returnType: 'boolean',
    statements: [
      'const suffix = (text.length - KEY_LENGTH) / 2;',
      'return suffix >= LIMITS.minSuffixBigrams && suffix <= LIMITS.maxSuffixBigrams && isBigramText(text);',
    ],
  });
  file.addFunction({
    isExported: true, name: 'isName', docs: ['An alias: 1 to maxNameLength printable ASCII characters, no `:`.'],
    parameters: [{ name: 'text', type: 'string' }], returnType: 'boolean',
    statements: ['return text.length >= 1 && text.length <= LIMITS.maxNameLength && /^[\\x20-\\x39\\x3b-\\x7e]+$/.test(text);'],
  });
  file.addFunction({
    isExported: true, name: 'isText', docs: ['Ours: an alias, payload or reason between two peers of ours: 0 to maxTextLength printable ASCII characters, no `:`.'],
    parameters: [{ name: 'text', type: 'string' }], returnType: 'boolean',
    statements: ['return text.length <= LIMITS.maxTextLength && /^[\\x20-\\x39\\x3b-\\x7e]*$/.test(text);'],
  });
}

function addMessageTypes(file: SourceFile, model: ViewModel): void {
  file.addTypeAlias({
    isExported: true, name: 'MessageCode', type: model.messages.map((m) => `'${m.code}'`).join(' | '),
  });
  file.addVariableStatement({
    isExported: true, declarationKind: VariableDeclarationKind.Const,
    docs: ['Message codes by name.'],
    declarations: [{
      name: 'CODES',
      initializer: `{ ${model.messages.map((m) => `${m.tsHandler}: '${m.code}'`).join(', ')} } as const`,
    }],
  });
  for (const m of model.messages) {
    file.addInterface({
      isExported: true, name: m.tsType, docs: [`\`${m.code}\` (${m.direction.replaceAll('_', ' ')}): ${m.doc}`],
      properties: [
        { name: 'code', type: `'${m.code}'`, isReadonly: true },
        ...m.fields.map((f) => ({ name: f.tsName, type: f.tsType, isReadonly: true, hasQuestionToken: f.optional, docs: [f.doc] })),
      ],
    });
  }
  const union = (ms: readonly MessageView[]): string => ms.map((m) => m.tsType).join(' | ') || 'never';
  file.addTypeAlias({ isExported: true, name: 'Message', type: union(model.messages) });
  for (const dir of ['client_to_server', 'server_to_client', 'peer_to_peer'] as const) {
    file.addTypeAlias({
      isExported: true,
      name: `${dir.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Message`,
      type: union(model.messages.filter((m) => m.direction === dir)),
    });
  }
}

function addEncoder(file: SourceFile, model: ViewModel): void {
  const cases = model.messages.map((m) => {
    const parts = m.requiredFields.map((f) => {
      if (f.type === 'literal') return `'${f.literal}'`;
      return f.repeated ? `...message.${f.tsName}` : `message.${f.tsName}`;
    });
    if (m.optionalFields.length > 0) parts.push(`...present([${m.optionalFields.map((f) => `message.${f.tsName}`).join(', ')}])`);
    return `case '${m.code}': return ['${m.code}', [${parts.join(', ')}].join(':')].join(':');`;
  });
  file.addFunction({
    name: 'present', docs: ['Optional trailing fields up to the first absent one.'],
    parameters: [{ name: 'values', type: 'ReadonlyArray<string | undefined>' }], returnType: 'string[]',
    statements: [
      'const out: string[] = [];',
      'for (const value of values) {',
      '  if (value === undefined || value === \'\') break;',
      '  out.push(value);',
      '}',
      'return out;',
    ],
  });
  file.addFunction({
    isExported: true, name: 'encode', docs: ['The datagram text of a message: `CODE:field:field...`.'],
    parameters: [{ name: 'message', type: 'Message' }], returnType: 'string',
    statements: ['switch (message.code) {', ...cases, '}'],
  });
}

function addDecoder(file: SourceFile, model: ViewModel): void {
  file.addTypeAlias({
    isExported: true, name: 'DecodeError',
    docs: ['Why a datagram was rejected; the server counts drops by these.'],
    type: `'too_long' | 'not_ascii' | 'no_separator' | 'unknown_code' | 'field_count' | 'bad_field'`,
  });
  file.addTypeAlias({
    isExported: true, name: 'DecodeResult',
    type: '{ readonly ok: true; readonly message: Message } | { readonly ok: false; readonly error: DecodeError; readonly detail: string }',
  });
  const cases = model.messages.map((m) => {
    const lines: string[] = [`case '${m.code}': {`];
    if (m.repeated) {
      lines.push(`  if (parts.length < ${m.minParts}) return fail('field_count', '${m.code} needs at least ${m.minParts} field(s)');`);
    } else if (m.maxParts > m.minParts) {
      lines.push(`  if (parts.length < ${m.minParts} || parts.length > ${m.maxParts}) return fail('field_count', '${m.code} needs ${m.minParts} to ${m.maxParts} field(s)');`);
    } else {
      lines.push(`  if (parts.length !== ${m.minParts}) return fail('field_count', '${m.code} needs ${m.minParts} field(s)');`);
    }
    const values: string[] = [];
    m.fields.forEach((f, i) => {
      if (f.type === 'literal') {
        lines.push(`  if (parts[${i}] !== '${f.literal}') return fail('bad_field', '${m.code}.${f.wireName} must be ${f.literal}');`);
        values.push(`${f.tsName}: '${f.literal}'`);
      } else if (f.optional) {
        const check = f.type === 'word' ? `!(${f.tsCheck} as readonly string[]).includes(${f.tsName})` : `!${f.tsCheck}(${f.tsName})`;
        lines.push(`  const ${f.tsName} = parts[${i}] as ${f.tsType} | undefined;`);
        lines.push(`  if (${f.tsName} !== undefined && ${check}) return fail('bad_field', '${m.code}.${f.wireName}');`);
        values.push(f.tsName);
      } else if (f.type === 'word') {
        lines.push(`  const ${f.tsName} = parts[${i}]! as ${f.tsType};`);
        lines.push(`  if (!(${f.tsCheck} as readonly string[]).includes(${f.tsName})) return fail('bad_field', '${m.code}.${f.wireName}');`);
        values.push(f.tsName);
      } else if (f.repeated) {
        lines.push(`  const ${f.tsName} = parts.slice(${i});`);
        lines.push(`  if (${f.tsName}.length > LIMITS.maxNames || !${f.tsName}.every(${f.tsCheck})) return fail('bad_field', '${m.code}.${f.wireName}');`);
        values.push(f.tsName);
      } else {
        lines.push(`  const ${f.tsName} = parts[${i}]!;`);
        lines.push(`  if (!${f.tsCheck}(${f.tsName})) return fail('bad_field', '${m.code}.${f.wireName}');`);
        values.push(f.tsName);
      }
    });
    lines.push(`  return { ok: true, message: { code: '${m.code}', ${values.join(', ')} } };`, '}');
    return lines.join('\n');
  });
  file.addFunction({
    name: 'fail', parameters: [{ name: 'error', type: 'DecodeError' }, { name: 'detail', type: 'string' }],
    returnType: 'DecodeResult', statements: ['return { ok: false, error, detail };'],
  });
  file.addFunction({
    isExported: true, name: 'decode',
    docs: ['Parses and validates one datagram against the schema. Never throws.'],
    parameters: [{ name: 'datagram', type: 'Uint8Array' }], returnType: 'DecodeResult',
    statements: [
      'if (datagram.length > LIMITS.maxDatagramBytes) return fail(\'too_long\', `${datagram.length} bytes`);',
      'for (const byte of datagram) if (byte < 0x20 || byte > 0x7e) return fail(\'not_ascii\', `byte ${byte}`);',
      'const text = String.fromCharCode(...datagram);',
      'if (text.length < 3 || text[2] !== \':\') return fail(\'no_separator\', \'expected CODE:payload\');',
      'const parts = text.slice(3).split(\':\');',
      'switch (text.slice(0, 2)) {',
      ...cases,
      'default: return fail(\'unknown_code\', text.slice(0, 2));',
      '}',
    ],
  });
}

function addHandlers(file: SourceFile, model: ViewModel): void {
  file.addInterface({
    isExported: true, name: 'ServerHandlers', typeParameters: ['From'],
    docs: ['What the server implements: one method per client-to-server message.'],
    methods: model.clientToServer.map((m) => ({
      name: m.tsHandler, docs: [m.doc],
      parameters: [{ name: 'message', type: m.tsType }, { name: 'from', type: 'From' }],
      returnType: 'void',
    })),
  });
  file.addFunction({
    isExported: true, name: 'dispatchToServer', typeParameters: ['From'],
    docs: ['Calls the handler for a client-to-server message; false for any other message.'],
    parameters: [
      { name: 'handlers', type: 'ServerHandlers<From>' }, { name: 'message', type: 'Message' }, { name: 'from', type: 'From' },
    ],
    returnType: 'boolean',
    statements: [
      'switch (message.code) {',
      ...model.clientToServer.map((m) => `case '${m.code}': handlers.${m.tsHandler}(message, from); return true;`),
      'default: return false;',
      '}',
    ],
  });
}
