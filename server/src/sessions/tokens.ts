/** Tokens (eight bigrams) from a cryptographic random source: pair secrets and relay tokens. */
import { BIGRAMS, TOKEN_LENGTH } from '../generated/protocol.ts';
import { randomByte } from './random-bytes.ts';

export function newToken(): string {
  let token = '';
  while (token.length < TOKEN_LENGTH) token += BIGRAMS[randomByte()];
  return token;
}
