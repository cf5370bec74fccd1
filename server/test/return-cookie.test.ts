import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BIGRAMS } from '../src/generated/protocol.ts';
import { COOKIE_WINDOW_MS, ReturnCookie } from '../src/wire/return-cookie.ts';

/** The cookie as documented: the first 8 bytes of HMAC-SHA256 of prefix, window, port, address, zero, nonce, as bigrams. */
function expected(secret: Buffer, window: number, address: string, port: number, nonce: string): string {
  const head = Buffer.alloc(6);
  head.writeUInt32BE(window >>> 0, 0);
  head.writeUInt16BE(port, 4);
  const input = Buffer.concat([Buffer.from('shp-cookie\0', 'latin1'), head, Buffer.from(`${address}\0${nonce}`, 'latin1')]);
  const digest = createHmac('sha256', secret).update(input).digest();
  return [...digest.subarray(0, 8)].map((b) => BIGRAMS[b]).join('');
}

describe('return-path cookies', () => {
  const nonce = 'hsbuiwqudyahcvwz';
  const from = { address: '198.51.100.7', port: 40123 };

  it('are HMAC-SHA256 of the address, port, nonce and minute, for any key length', () => {
    for (const secret of [Buffer.alloc(32, 7), Buffer.alloc(64, 9), Buffer.alloc(100, 3), Buffer.alloc(5, 1)]) {
      const now = 5 * COOKIE_WINDOW_MS + 1234;
      const cookies = new ReturnCookie(() => now, secret);
      expect(cookies.mint(from, nonce)).toBe(expected(secret, 5, from.address, from.port, nonce));
      expect(cookies.mint({ address: '10.0.0.1', port: 1 }, 'a'.repeat(64))).toBe(expected(secret, 5, '10.0.0.1', 1, 'a'.repeat(64)));
    }
  });

  it('are accepted in the minute they were minted and the next, for their own source and nonce only', () => {
    const clock = { now: 10 * COOKIE_WINDOW_MS };
    const cookies = new ReturnCookie(() => clock.now);
    const cookie = cookies.mint(from, nonce);
    expect(cookies.verify(from, nonce, cookie)).toBe(true);
    expect(cookies.verify({ ...from, port: from.port + 1 }, nonce, cookie)).toBe(false);
    expect(cookies.verify(from, `${nonce.slice(2)}cy`, cookie)).toBe(false);
    clock.now += COOKIE_WINDOW_MS;
    expect(cookies.verify(from, nonce, cookie)).toBe(true);
    clock.now += COOKIE_WINDOW_MS;
    expect(cookies.verify(from, nonce, cookie)).toBe(false);
  });
});
