/**
 * The generated longest datagram of each code is exact: a message with every field at its longest
 * encodes to it and decodes, and the request-shape check lets a request of that length through
 * and drops one a byte longer undecoded.
 */
import { describe, expect, it } from 'vitest';
import { BIGRAMS, decode, encode, gameCodec, GAME_MESSAGES, type GameMessage, type Message, MESSAGES } from '../../src/generated/protocol.ts';
import { looksLikeRequest } from '../../src/limits/request-shape.ts';
import type { FieldDescriptor, MessageDescriptor } from '../../src/wire/message-codec.ts';

/** The longest valid value of a field. */
function longest(f: FieldDescriptor): string {
  switch (f.type) {
    case 'key': case 'token': case 'session_id': return BIGRAMS[7]!.repeat(f.max / 2);
    case 'name': case 'text': return 'n'.repeat(f.max);
    case 'peer_id': case 'count': return '2147483647';
    case 'word': case 'literal': return [...f.values!].sort((a, b) => b.length - a.length)[0]!;
  }
}

function longestMessage(d: MessageDescriptor, game = false): Record<string, unknown> {
  const message: Record<string, unknown> = { code: d.code };
  for (const f of d.fields) message[f.name] = f.repeated ? Array.from({ length: d.maxCount! }, () => longest(f)) : longest(f);
  // A last text that may fill the datagram (LS's padding) fills what the fields before it leave.
  const last = d.fields[d.fields.length - 1]!;
  if (game) return message;
  const over = encode(message as unknown as Message).length - d.maxBytes;
  if (over > 0 && last.type === 'text' && !last.repeated) message[last.name] = longest(last).slice(over);
  return message;
}

describe('longest datagram per code', () => {
  const requests = Object.values(MESSAGES).filter((d) => d.direction === 'client_to_server');

  for (const d of requests) {
    it(`${d.code}: ${d.maxBytes} bytes, every field at its longest`, () => {
      const text = encode(longestMessage(d) as unknown as Message);
      expect(text.length).toBe(d.maxBytes);
      expect(decode(Buffer.from(text)).ok).toBe(true);
      expect(looksLikeRequest(Buffer.from(text))).toBe(true);
      expect(looksLikeRequest(Buffer.from(`${text}a`))).toBe(false);
    });
  }

  it('the game connection\'s messages too (the player list at its most records)', () => {
    for (const d of Object.values(GAME_MESSAGES) as MessageDescriptor[]) {
      const text = gameCodec.encode(longestMessage(d, true) as unknown as GameMessage);
      expect(text.length, d.code).toBe(d.maxBytes);
      expect(gameCodec.decode(Buffer.from(text)).ok, d.code).toBe(true);
    }
  });
});
