/** Schema fixtures for generator tests: the real schema, and copies changed in one place. */
import { protocol } from '../../schema/protocol.ts';
import type { MessageSpec, ProtocolSpec } from '../../schema/types.ts';

export { protocol };

export function withMessages(...extra: MessageSpec[]): ProtocolSpec {
  return { ...protocol, messages: [...protocol.messages, ...extra] };
}

export function withChangedMessage(code: string, change: (m: MessageSpec) => MessageSpec): ProtocolSpec {
  return { ...protocol, messages: protocol.messages.map((m) => (m.code === code ? change(m) : m)) };
}

export function fileText(files: ReadonlyArray<{ path: string; content: string }>, suffix: string): string {
  const file = files.find((f) => f.path.endsWith(suffix));
  if (!file) throw new Error(`no generated file ending in ${suffix}`);
  return file.content;
}
