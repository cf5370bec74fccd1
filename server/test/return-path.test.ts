/**
 * Return-path cookies over real UDP: a JS or RS of ours (it carries a nonce) introduces nobody
 * until it echoes the cookie (RC) the server sent to its source. A spoofed request comes from an
 * address that never sees RC, so here "spoofed" is a request whose sender never echoes it: the
 * host it names hears nothing, and no random host waits at the victim's address.
 */
import { describe, expect, it } from 'vitest';
import { COOKIE_WINDOW_MS } from '../src/wire/return-cookie.ts';
import { closeAfterEach, LOCAL_KEY, OTHER_LOCAL_KEY, type Running, settle, startTestServer, UdpClient, withCookie } from './fixtures.ts';

const HOST_NONCE = 'cyahjcdumwwhrvyq';
const NONCE = 'yyqzsrsstgcvgxia';

closeAfterEach();

/** A confirmed session hosted by a node of ours: its id and its host's socket. */
async function hostedSession(running: Running): Promise<{ id: string; host: UdpClient }> {
  const host = await UdpClient.open();
  const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`);
  const id = hr!.split(':')[2]!;
  await settle(running, host, `KA:${id}:${HOST_NONCE}`);
  return { id, host };
}

describe('a join or random request is believed only after its return path is proven', () => {
  it('a spoofed JS (never echoed) gets RC alone, no longer than itself, and the host hears nothing', async () => {
    const running = await startTestServer();
    const { id, host } = await hostedSession(running);
    const spoofed = await UdpClient.open('127.0.0.5');
    const js = `JS:${OTHER_LOCAL_KEY}:${id}:${NONCE}:port_randomising`;
    const heard = host.received.length;
    for (let i = 0; i < 5; i++) spoofed.send(running.address, js);
    const answers = await spoofed.quiet(0, 150);
    expect(answers.length).toBe(5);
    for (const rc of answers) {
      expect(rc).toMatch(new RegExp(`^RC:[a-z]{16}:${NONCE}$`));
      expect(rc.length).toBeLessThanOrEqual(js.length);
    }
    expect(await host.quiet(heard, 100)).toEqual([]);
    expect(running.server.stats.sent.get('NJ') ?? 0).toBe(0);
    // The same request echoing its cookie is a join: NJ reaches the host.
    spoofed.send(running.address, withCookie(js, answers[0]!));
    expect((await host.next(heard))[0]).toMatch(new RegExp(`^NJ:${spoofed.key}:${OTHER_LOCAL_KEY}:${HOST_NONCE}:[a-z]{16}:port_randomising$`));
  });

  it('a late joiner too: a spoofed JS never reaches the host\'s link (HL), an echoed one does', async () => {
    const running = await startTestServer();
    const { id } = await hostedSession(running);
    const link = await UdpClient.open();
    expect((await link.request(running.address, `HL:${id}:${HOST_NONCE}`))[0]).toMatch(/^HR:/);
    const spoofed = await UdpClient.open('127.0.0.5');
    const js = `JS:${OTHER_LOCAL_KEY}:${id}:${NONCE}:open`;
    spoofed.send(running.address, js);
    const [rc] = await spoofed.next(0);
    expect(await link.quiet(1, 100)).toEqual([]);
    spoofed.send(running.address, withCookie(js, rc!));
    expect((await link.next(1))[0]).toMatch(new RegExp(`^NJ:${spoofed.key}:`));
  });

  it('a cookie holds only for its own address, port and nonce, and for at most two minutes', async () => {
    const running = await startTestServer();
    const { id, host } = await hostedSession(running);
    const owner = await UdpClient.open();
    const js = `JS:${OTHER_LOCAL_KEY}:${id}:${NONCE}:open`;
    const sent = owner.received.length;
    owner.send(running.address, js);
    const [rc] = await owner.next(sent);
    const heard = host.received.length;
    // From another port, or with another nonce: RC again, no NJ.
    const other = await UdpClient.open();
    const before = other.received.length;
    other.send(running.address, withCookie(js, rc!));
    expect((await other.next(before))[0]).toMatch(/^RC:/);
    owner.send(running.address, withCookie(js.replace(NONCE, HOST_NONCE), rc!));
    // Past its window and the next: stale.
    running.clock.now += 2 * COOKIE_WINDOW_MS;
    owner.send(running.address, withCookie(js, rc!));
    await owner.quiet(0, 100);
    expect(await host.quiet(heard, 50)).toEqual([]);
    expect(running.server.stats.dropped.get('bad_cookie')).toBe(3);
  });

  it('a spoofed RS leaves no random host waiting at its address: the next stranger becomes the host', async () => {
    const running = await startTestServer();
    const spoofed = await UdpClient.open('127.0.0.5');
    spoofed.send(running.address, `RS:${LOCAL_KEY}:${NONCE}:port_randomising`);
    expect((await spoofed.next(0))[0]).toMatch(/^RC:/);
    const stranger = await UdpClient.open();
    const [answer] = await stranger.request(running.address, `RS:${OTHER_LOCAL_KEY}:${HOST_NONCE}:open`);
    expect(answer).toMatch(/^HR:/);
    expect(await spoofed.quiet(1, 100)).toEqual([]);
  });

  it('RC is never longer than its request: a request too short for one gets nothing', async () => {
    const running = await startTestServer();
    const node = await UdpClient.open();
    node.send(running.address, `RS:${LOCAL_KEY}:${NONCE}`);
    expect(await node.quiet(0, 100)).toEqual([]);
    expect(running.server.stats.dropped.get('amplification')).toBe(1);
  });

  it('original clients (no nonce) are introduced as before, without a cookie', async () => {
    const running = await startTestServer();
    const { id, host } = await hostedSession(running);
    const original = await UdpClient.open();
    const heard = host.received.length;
    expect((await original.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
    expect((await host.next(heard))[0]).toMatch(/^NJ:/);
  });
});
