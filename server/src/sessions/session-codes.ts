/** Session codes: the server key followed by bigrams drawn from a cryptographic random source. */
import { BIGRAMS } from '../generated/protocol.ts';
import { randomByte } from './random-bytes.ts';

/** A fresh session id, or null when 64 draws all collided (the code space is nearly full). */
export function newSessionId(serverKey: string, suffixBigrams: number, taken: (id: string) => boolean): string | null {
  for (let attempt = 0; attempt < 64; attempt++) {
    let suffix = '';
    for (let i = 0; i < suffixBigrams; i++) suffix += BIGRAMS[randomByte()];
    // Joined, not added: `serverKey + suffix` would be a rope (a cons string), which every Map
    // lookup and comparison of the id (several a request) walks piece by piece.
    const id = [serverKey, suffix].join('');
    if (!taken(id)) return id;
  }
  return null;
}
