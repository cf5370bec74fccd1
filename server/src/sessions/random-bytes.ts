/**
 * Bytes from a cryptographic random source, drawn a pool at a time: a session code or a token
 * takes several bytes, and one call into the source per byte costs more than the bytes do.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(1024);
let next = pool.length;

/** A byte (0 to 255) from the cryptographic random source. */
export function randomByte(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]!;
}
