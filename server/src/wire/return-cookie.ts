/**
 * Proof of a return path, kept by nobody (as DTLS's HelloVerifyRequest and QUIC's Retry): a JS or
 * RS that carries a nonce (a node of ours) introduces nobody until it echoes the cookie the server
 * sent to its source (RC), a keyed MAC of that address and port, the nonce and the minute. A
 * spoofer can send from any address but never receives the cookie of one it does not hold, so a
 * host (which will punch, and may probe, the joiner) learns only of joiners that asked. RC goes
 * to the source only and is never longer than the request, so it reflects nothing either. The
 * secret is drawn at start and never leaves the process; a cookie is good for one to two minutes.
 */
import crypto, { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BIGRAMS, type Endpoint, TOKEN_LENGTH } from '../generated/protocol.ts';

/** A cookie is minted in one window and accepted in it and the next. */
export const COOKIE_WINDOW_MS = 60_000;

const PREFIX = Buffer.from('shp-cookie\0', 'latin1');
/** SHA-256's block: the HMAC key is padded to it. */
const BLOCK = 64;
/** The longest MAC input: the prefix, window and port, the longest address, a zero byte, the longest nonce. */
const INPUT_BYTES = PREFIX.length + 6 + 64 + 1 + 64;

/** One-shot SHA-256 (Node 20.12 and later): no hash object per call. */
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;

export class ReturnCookie {
  /**
   * HMAC-SHA256 (RFC 2104) of the input written after the key XOR ipad, each in its own block;
   * the outer hash reads the key XOR opad and the inner digest. The same MAC as createHmac, with
   * two one-shot hashes instead of an HMAC object per cookie (which cost more than the hashing).
   */
  private readonly inner = Buffer.alloc(BLOCK + INPUT_BYTES);
  private readonly outer = Buffer.alloc(BLOCK + 32);

  constructor(
    private readonly now: () => number,
    private readonly secret: Buffer = randomBytes(32),
  ) {
    const key = secret.length > BLOCK ? createHash('sha256').update(secret).digest() : secret;
    for (let i = 0; i < BLOCK; i++) {
      this.inner[i] = (key[i] ?? 0) ^ 0x36;
      this.outer[i] = (key[i] ?? 0) ^ 0x5c;
    }
    PREFIX.copy(this.inner, BLOCK);
  }

  /** The cookie for a request from [from] with [nonce], minted now. */
  mint(from: Endpoint, nonce: string): string {
    return this.mac(from, nonce, this.window());
  }

  /** Whether [cookie] was minted by this server lately for exactly [from] and [nonce]. */
  verify(from: Endpoint, nonce: string, cookie: string | undefined): boolean {
    if (cookie === undefined || cookie.length !== TOKEN_LENGTH) return false;
    const given = Buffer.from(cookie, 'latin1');
    const window = this.window();
    let ok = false;
    // Both windows are always checked: the time taken does not tell which one matched.
    for (const w of [window, window - 1]) ok = timingSafeEqual(Buffer.from(this.mac(from, nonce, w), 'latin1'), given) || ok;
    return ok;
  }

  private window(): number {
    return Math.floor(this.now() / COOKIE_WINDOW_MS);
  }

  private mac(from: Endpoint, nonce: string, window: number): string {
    // One buffer: the same bytes as "shp-cookie\0", window, port, address, "\0", nonce.
    const input = this.inner;
    let at = BLOCK + PREFIX.length;
    input.writeUInt32BE(window >>> 0, at);
    input.writeUInt16BE(from.port, at + 4);
    at += 6;
    at += input.write(from.address, at, 'latin1');
    input[at++] = 0;
    at += input.write(nonce, at, 'latin1');
    let digest: Buffer;
    if (oneShot) {
      oneShot('sha256', input.subarray(0, at), 'buffer').copy(this.outer, BLOCK);
      digest = oneShot('sha256', this.outer, 'buffer');
    } else {
      digest = createHmac('sha256', this.secret).update(input.subarray(BLOCK, at)).digest();
    }
    let cookie = '';
    for (let i = 0; i < TOKEN_LENGTH / 2; i++) cookie += BIGRAMS[digest[i]!]!;
    return cookie;
  }
}
