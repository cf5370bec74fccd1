/**
 * A JS whose session id is malformed gets BK echoing what was sent (never more than
 * was sent), as the original server answers, so an original client does not wait forever.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AMPLIFICATION_FACTOR } from '../src/rendezvous.ts';
import { LOCAL_KEY, type Running, startTestServer, UdpClient } from './fixtures.ts';

let running: Running;
let c: UdpClient;

beforeEach(async () => {
  running = await startTestServer();
  c = await UdpClient.open();
});

afterEach(async () => {
  c.close();
  await running.server.close();
});

describe('JS with a malformed session id', () => {
  for (const id of ['abc', 'qucycyahjiuvcy', 'HELLO world', 'x'.repeat(200), '']) {
    it(`answers BK echoing ${JSON.stringify(id.slice(0, 20))}`, async () => {
      const request = `JS:${LOCAL_KEY}:${id}`;
      const [answer] = await c.request(running.address, request);
      expect(answer).toBe(`BK:${id}`);
      expect(answer!.length).toBeLessThanOrEqual(request.length * AMPLIFICATION_FACTOR);
      expect(answer!.length).toBeLessThan(request.length);
    });
  }

  it('answers nothing to a JS that is not text, and nothing to other malformed requests', async () => {
    c.send(running.address, Buffer.from([0x4a, 0x53, 0x3a, 0x00, 0xff]));
    c.send(running.address, `HS:${LOCAL_KEY}:abc`);
    c.send(running.address, 'KA:abc');
    expect(await c.quiet(0)).toEqual([]);
  });
});
