/** Golden transcript entries as codec messages: schema (wire) field names to the message's properties. */
import { GAME_MESSAGES, MESSAGES } from '../../src/generated/protocol.ts';
import type { MessageDescriptor } from '../../src/wire/message-codec.ts';
import type { Sample } from './golden-samples.ts';

const DESCRIPTORS: Readonly<Record<string, MessageDescriptor>> = { ...MESSAGES, ...GAME_MESSAGES };

export function isGameCode(code: string): boolean {
  return code in GAME_MESSAGES;
}

/** The message object a codec encodes for [sample]. */
export function messageOf(sample: Sample): { readonly code: string } {
  const descriptor = DESCRIPTORS[sample.code];
  if (!descriptor) throw new Error(`no message ${sample.code}`);
  const message: Record<string, unknown> = { code: sample.code };
  for (const f of descriptor.fields) {
    if (sample.fields[f.wire] !== undefined) message[f.name] = sample.fields[f.wire];
  }
  return message as { readonly code: string };
}
