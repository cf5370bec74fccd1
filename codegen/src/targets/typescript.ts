/** TypeScript target: constants, message types, the descriptors the codec reads, handler interface and dispatch (ts-morph). */
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
    'import { messageCodec, type DecodeError, type DecodeResult as CodecResult, type MessageCodec, type MessageDescriptor } from \'../wire/message-codec.ts\';',
    'export { KEY_LENGTH, TOKEN_LENGTH, type DecodeError, type Endpoint };',
  ]);

  addConstants(file, model);
  addSharedConstants(file, model);
  addMessageTypes(file, model);
  addDescriptors(file, model);
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

function addSharedConstants(file: SourceFile, model: ViewModel): void {
  file.addTypeAlias({ isExported: true, name: 'Direction', type: "'client_to_server' | 'server_to_client' | 'peer_to_peer' | 'game_connection'" });
  for (const c of model.constants) {
    const value = typeof c.value === 'string' ? `'${c.value}'` : `[${c.value.map((v) => `'${v}'`).join(', ')}] as const`;
    file.addVariableStatement({
      isExported: true, declarationKind: VariableDeclarationKind.Const, docs: [c.doc],
      declarations: [{ name: c.tsName, initializer: value }],
    });
  }
  for (const m of model.messages) {
    for (const f of m.fields.filter((g) => g.failures)) {
      file.addVariableStatement({
        isExported: true, declarationKind: VariableDeclarationKind.Const,
        docs: [`The failure each ${m.code} ${f.wireName} ends an attempt with (the addon's \`Failure\` names).`],
        declarations: [{
          name: `${m.gdConstant}_${f.wireName.toUpperCase()}_FAILURES`,
          initializer: `{ ${Object.entries(f.failures!).map(([k, v]) => `${k}: '${v}'`).join(', ')} } as const`,
        }],
      });
    }
  }
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
  for (const m of [...model.messages, ...model.gameMessages]) {
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
  file.addTypeAlias({ isExported: true, name: 'GameMessage', docs: ['Messages over the game connection.'], type: union(model.gameMessages) });
}

/** One message's descriptor: what the codec in server/src/wire/message-codec.ts reads. */
function descriptor(m: MessageView): string {
  const fields = m.fields.map((f) => {
    const parts = [`name: '${f.tsName}'`, `wire: '${f.wireName}'`, `type: '${f.type}'`, `min: ${f.minLength}`, `max: ${f.maxLength}`];
    if (f.optional) parts.push('optional: true');
    if (f.repeated) parts.push('repeated: true');
    if (f.type === 'word') parts.push(`values: [${f.values.map((v) => `'${v}'`).join(', ')}]`);
    if (f.type === 'literal') parts.push(`values: ['${f.literal}']`);
    return `    { ${parts.join(', ')} },`;
  });
  const counts = m.repeated ? ` minCount: ${m.minCount}, maxCount: ${m.maxCount},` : '';
  const key = /^[A-Z]+$/.test(m.code) ? m.code : `'${m.code}'`;
  // The decoded values come fixed fields first, then the repeated ones (as the codec walks them).
  const ordered = [...m.fields.filter((f) => !f.repeated), ...m.fields.filter((f) => f.repeated)];
  const make = [`code: '${m.code}'`, ...ordered.map((f, i) => `${f.tsName}: v[${i}]`)].join(', ');
  return [`  ${key}: {`, `    code: '${m.code}', direction: '${m.direction}', maxBytes: ${m.maxBytes},${counts} fields: [`,
    ...fields.map((f) => `  ${f}`), '    ],', `    make: (v) => ({ ${make} }),`, '  },'].join('\n');
}

function addDescriptors(file: SourceFile, model: ViewModel): void {
  const table = (ms: readonly MessageView[]): string => `{\n${ms.map(descriptor).join('\n')}\n}`;
  file.addVariableStatement({
    isExported: true, declarationKind: VariableDeclarationKind.Const,
    docs: ['Every message\'s wire shape: direction, longest valid datagram, fields in wire order with their lengths.'],
    declarations: [{ name: 'MESSAGES', initializer: `${table(model.messages)} as const satisfies Record<MessageCode, MessageDescriptor & { direction: Direction }>` }],
  });
  file.addVariableStatement({
    isExported: true, declarationKind: VariableDeclarationKind.Const,
    docs: ['The game connection\'s messages, as MESSAGES.'],
    declarations: [{ name: 'GAME_MESSAGES', initializer: `${table(model.gameMessages)} as const satisfies Record<GameMessage['code'], MessageDescriptor & { direction: Direction }>` }],
  });
  const gameBytes = Math.max(0, ...model.gameMessages.map((m) => m.maxBytes));
  file.addStatements([
    'const keys = keyCodec(BIGRAMS);',
    '/** The key codec over the schema\'s bigram table (written once by hand, in server/src/wire/key-codec.ts). */',
    'export const { isBigramText, isKey, isToken, encodeKey, decodeKey } = keys;',
    'export type DecodeResult = CodecResult<Message>;',
    '/** The rendezvous codec over MESSAGES (written once by hand, in server/src/wire/message-codec.ts). */',
    'export const { encode, decode }: MessageCodec<Message> = messageCodec<Message>(MESSAGES, keys, { codeLength: 2, maxDatagramBytes: LIMITS.maxDatagramBytes });',
    '/** The game connection\'s codec over GAME_MESSAGES. */',
    `export const gameCodec: MessageCodec<GameMessage> = messageCodec<GameMessage>(GAME_MESSAGES, keys, { maxDatagramBytes: ${gameBytes} });`,
  ]);
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
