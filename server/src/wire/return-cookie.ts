/**
 * Proof of a return path, kept by nobody (as DTLS's HelloVerifyRequest and QUIC's Retry): a JS or
 * RS that carries a nonce (a node of ours) introduces nobody until it echoes the cookie the server
 * sent to its source (RC), a keyed MAC of that address and port, the nonce and the minute. A
 * spoofer can send from any address but never receives the cookie of one it does not hold, so a
 * host (which will punch, and may probe, the joiner) learns only of joiners that asked. RC goes
 * to the source only and is never longer than the request, so it reflects nothing either. The
 * secret is drawn at start and never leaves the process; a cookie is good for one to two minutes.
 */
import crypto, { createHash, createHmac, randomBytes } from 'node:crypto';
import { BIGRAMS, type Endpoint, TOKEN_LENGTH } from '../generated/protocol.ts';

/** A cookie is minted in one window and accepted in it and the next. */
export const COOKIE_WINDOW_MS = 60_000;

const PREFIX = Buffer.from('shp-cookie\0', 'latin1');
/** SHA-256's block: the HMAC key is padded to it. */
const BLOCK = 64;
/** The longest MAC input: the prefix, window and port, the longest address, a zero byte, the longest nonce. */
const INPUT_BYTES = PREFIX.length + 6 + 64 + 1 + 64;

/** A cookie's bytes: the first half of the MAC. */
const COOKIE_BYTES = TOKEN_LENGTH / 2;

/** The byte of each bigram by its two letters (-1: none), so that a cookie is read without cutting strings. */
const BYTE_OF = new Int16Array(26 * 26).fill(-1);
BIGRAMS.forEach((b, i) => { BYTE_OF[(b.charCodeAt(0) - 0x61) * 26 + (b.charCodeAt(1) - 0x61)] = i; });

/**
 * One-shot SHA-256 (Node 20.12 and later): no hash object per call. Its digest comes as a latin1
 * ("binary") string (a character per byte), which lives on the engine's heap: a Buffer would be a fresh
 * allocation of native memory per call.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'binary') => string }).hash;

export class ReturnCookie {
  /**
   * HMAC-SHA256 (RFC 2104) of the input written after the key XOR ipad, each in its own block;
   * the outer hash reads the key XOR opad and the inner digest. The same MAC as createHmac, with
   * two one-shot hashes instead of an HMAC object per cookie (which cost more than the hashing).
   */
  private readonly inner = Buffer.alloc(BLOCK + INPUT_BYTES);
  private readonly outer = Buffer.alloc(BLOCK + 32);
  /** The cookie being verified, as bytes. */
  private readonly given = new Uint8Array(COOKIE_BYTES);

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
    const digest = this.mac(from, nonce, this.window());
    let cookie = '';
    for (let i = 0; i < COOKIE_BYTES; i++) cookie += BIGRAMS[digest.charCodeAt(i)]!;
    return cookie;
  }

  /**
   * Whether [cookie] was minted by this server lately for exactly [from] and [nonce]. The current
   * window is checked first and the previous one only when it fails, so a fresh cookie costs one
   * MAC: the time taken tells only which window a valid cookie is of, which its holder knows, and
   * each comparison takes the same time however many bytes match.
   */
  verify(from: Endpoint, nonce: string, cookie: string | undefined): boolean {
    if (cookie === undefined || cookie.length !== TOKEN_LENGTH) return false;
    const given = this.given;
    for (let i = 0; i < COOKIE_BYTES; i++) {
      const first = cookie.charCodeAt(2 * i) - 0x61;
      const second = cookie.charCodeAt(2 * i + 1) - 0x61;
      const byte = first >= 0 && first < 26 && second >= 0 && second < 26 ? BYTE_OF[first * 26 + second]! : -1;
      if (byte < 0) return false;
      given[i] = byte;
    }
    const window = this.window();
    return this.matches(this.mac(from, nonce, window)) || this.matches(this.mac(from, nonce, window - 1));
  }

  /** Whether [digest] begins with the cookie being verified, in constant time. */
  private matches(digest: string): boolean {
    let difference = 0;
    for (let i = 0; i < COOKIE_BYTES; i++) difference |= digest.charCodeAt(i) ^ this.given[i]!;
    return difference === 0;
  }

  private window(): number {
    return Math.floor(this.now() / COOKIE_WINDOW_MS);
  }

  /** The MAC of [from], [nonce] and [window], a character per byte (its first COOKIE_BYTES are the cookie). */
  private mac(from: Endpoint, nonce: string, window: number): string {
    // One buffer: the same bytes as "shp-cookie\0", window, port, address, "\0", nonce. Written a
    // character at a time: both are short and ASCII, and Buffer.write costs more than the copy.
    const input = this.inner;
    let at = BLOCK + PREFIX.length;
    input.writeUInt32BE(window >>> 0, at);
    input.writeUInt16BE(from.port, at + 4);
    at += 6;
    at = writeLatin1(input, at, from.address);
    input[at++] = 0;
    at = writeLatin1(input, at, nonce);
    if (!oneShot) return createHmac('sha256', this.secret).update(input.subarray(BLOCK, at)).digest('binary');
    writeLatin1(this.outer, BLOCK, oneShot('sha256', input.subarray(0, at), 'binary'));
    return oneShot('sha256', this.outer, 'binary');
  }
}

/** Writes [text] (at most 64 characters, as latin1) into [buffer] from [at]; where it ends. */
function writeLatin1(buffer: Buffer, at: number, text: string): number {
  const length = Math.min(text.length, 64);
  for (let i = 0; i < length; i++) buffer[at + i] = text.charCodeAt(i);
  return at + length;
}
