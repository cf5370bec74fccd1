/**
 * Short codes: a session code shown as its suffix (`ABCD-EFGH`) and typed back in any case with
 * spaces and dashes; a player set up with the server's name and port rebuilds the full code, and
 * the server, unchanged, takes it.
 */
import { lookup } from 'node:dns/promises';
import { describe, expect, it } from 'vitest';
import { encodeKey } from '../src/generated/protocol.ts';
import { newSessionId } from '../src/sessions/session-codes.ts';
import { displayCode, parseCode } from '../src/wire/code-text.ts';
import { closeAfterEach, LOCAL_KEY, startTestServer, UdpClient } from './fixtures.ts';

const SERVER_KEY = encodeKey({ address: '203.0.113.7', port: 7788 });
const OTHER_KEY = encodeKey({ address: '198.51.100.9', port: 7788 });
const code = (bigrams: number, key = SERVER_KEY) => newSessionId(key, bigrams, () => false)!;

closeAfterEach();

describe('short codes', () => {
  it('shows the suffix in capitals, grouped by four, and reads it back from any spelling', () => {
    for (let bigrams = 2; bigrams <= 8; bigrams++) {
      const id = code(bigrams);
      const shown = displayCode(id, SERVER_KEY);
      expect(shown).toMatch(bigrams <= 2 ? /^[A-Z]{4}$/ : /^[A-Z]{4}(-[A-Z]{1,4})+$/);
      expect(shown.replaceAll('-', '').toLowerCase()).toBe(id.slice(12));
      for (const typed of [shown, shown.toLowerCase(), ` ${shown.replaceAll('-', ' ')} `, shown.replaceAll('-', '').split('').join('.')]) {
        expect(parseCode(typed, SERVER_KEY), typed).toBe(id);
      }
    }
    expect(displayCode('abcd', SERVER_KEY)).toBe('abcd'); // Not this server's: shown as it is.
  });

  it('takes full codes as they are, with or without a server, and the server\'s own at 16 letters too', () => {
    const id = code(4);
    expect(parseCode(id)).toBe(id);
    expect(parseCode(id.toUpperCase(), SERVER_KEY)).toBe(id);
    const elsewhere = code(4, OTHER_KEY);
    expect(parseCode(elsewhere, SERVER_KEY)).toBe(elsewhere);
    // 16 letters: a full code with a 2-bigram suffix when it begins with the server's key, else a short part of 8 bigrams.
    const original = code(2);
    expect(parseCode(original, SERVER_KEY)).toBe(original);
    const long = code(8).slice(12);
    expect(long).toHaveLength(16);
    expect(parseCode(long, SERVER_KEY)).toBe(SERVER_KEY + long);
  });

  it('names nothing for a short part without a server, or letters that are no code', () => {
    const short = code(4).slice(12);
    expect(parseCode(short)).toBeNull();
    expect(parseCode('', SERVER_KEY)).toBeNull();
    expect(parseCode('ab', SERVER_KEY)).toBeNull(); // One bigram: shorter than any suffix.
    expect(parseCode(`${short}a`, SERVER_KEY)).toBeNull(); // Half a bigram.
    expect(parseCode(short.replace(/.$/, '0'), SERVER_KEY)).toBeNull();
    expect(parseCode('zz'.repeat(4), SERVER_KEY)).toBeNull(); // Not a bigram of the table.
  });

  it('a player that knows the server by name rebuilds the code from the short part, and the server takes it as it is', async () => {
    const running = await startTestServer(); // --public-ip 127.0.0.1: codes embed the address the name resolves to.
    const host = await UdpClient.open();
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    const serverKey = encodeKey({ address: (await lookup('localhost', { family: 4 })).address, port: running.address.port });
    const rebuilt = parseCode(displayCode(id, serverKey).toLowerCase(), serverKey);
    expect(rebuilt).toBe(id);
    const joiner = await UdpClient.open();
    expect((await joiner.request(running.address, `JS:${LOCAL_KEY}:${rebuilt}`))[0]).toMatch(/^JR:/);
  });
});
