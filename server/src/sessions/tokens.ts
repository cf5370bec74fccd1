/** Tokens (eight bigrams) from a cryptographic random source: pair secrets and relay tokens. */
import { randomInt } from 'node:crypto';
import { BIGRAMS, TOKEN_LENGTH } from '../generated/protocol.ts';

export function newToken(): string {
  let token = '';
  while (token.length < TOKEN_LENGTH) token += BIGRAMS[randomInt(256)];
  return token;
}
