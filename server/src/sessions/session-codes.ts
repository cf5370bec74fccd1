/** Session codes: the server key followed by bigrams drawn from a cryptographic random source. */
import { randomInt } from 'node:crypto';
import { BIGRAMS } from '../generated/protocol.ts';

/** A fresh session id, or null when 64 draws all collided (the code space is nearly full). */
export function newSessionId(serverKey: string, suffixBigrams: number, taken: (id: string) => boolean): string | null {
  for (let attempt = 0; attempt < 64; attempt++) {
    let id = serverKey;
    for (let i = 0; i < suffixBigrams; i++) id += BIGRAMS[randomInt(256)];
    if (!taken(id)) return id;
  }
  return null;
}
