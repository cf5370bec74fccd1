/**
 * A session does not outlive its host: CS ends it at once, and a host that went silent while a
 * joiner waited (crashed, or quit without CS) ends it too. Either way the joiner, and every later
 * one, gets BK rather than an introduction to nobody.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach, LOCAL_KEY, OTHER_LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

const HOST_NONCE = 'cyahjcdumwwhrvyq';
const JOINER_NONCE = 'yyqzsrsstgcvgxia';

closeAfterEach();
let running: Running;

async function hosted(): Promise<{ host: UdpClient; id: string }> {
  running = await startTestServer({ hostSilenceMs: 5_000 });
  const host = await UdpClient.open();
  const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`);
  const id = hr!.split(':')[2]!;
  await settle(running, host, `KA:${id}:${HOST_NONCE}`); // Confirms the session.
  return { host, id };
}

describe('a session ends with its host', () => {
  it('CS from the host ends the session at once: the next JS gets BK', async () => {
    const { host, id } = await hosted();
    await settle(running, host, `CS:${id}:${HOST_NONCE}`);
    const joiner = await UdpClient.open();
    expect(await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}:${JOINER_NONCE}`)).toEqual([`BK:${id}:${JOINER_NONCE}`]);
  });

  it('a host silent since a joiner came, for --host-silence, has gone: the joiner\'s resend gets BK, and so does the next joiner', async () => {
    const { id } = await hosted();
    const joiner = await UdpClient.open();
    const join = `JS:${OTHER_LOCAL_KEY}:${id}:${JOINER_NONCE}`;
    expect((await joiner.request(running.address, join))[0]).toMatch(/^JR:/);
    running.clock.now += 4_900;
    expect((await joiner.request(running.address, join))[0]).toMatch(/^JR:/); // Not yet.
    running.clock.now += 100;
    expect(await joiner.request(running.address, join)).toEqual([`BK:${id}:${JOINER_NONCE}`]);
    expect(running.server.stats.sessionsExpired).toBe(1);
    const next = await UdpClient.open();
    expect(await next.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}:${JOINER_NONCE}`)).toEqual([`BK:${id}:${JOINER_NONCE}`]);
  });

  it('a host that answers NJ with KA keeps its session however long the joiner waits', async () => {
    const { host, id } = await hosted();
    const joiner = await UdpClient.open();
    const join = `JS:${OTHER_LOCAL_KEY}:${id}:${JOINER_NONCE}`;
    for (let second = 0; second < 12; second++) {
      expect((await joiner.request(running.address, join))[0]).toMatch(/^JR:/);
      running.clock.now += 1_000;
      await settle(running, host, `KA:${id}:${HOST_NONCE}`);
    }
  });
});
