/**
 * Failed joins (code guessing) are budgeted per address, per /24 network and in
 * total. Past a budget, joins from that address or network get no answer at all, so a guess
 * cannot tell a hit from a miss; other networks carry on.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach, LOCAL_KEY, type Running, startTestServer, UdpClient } from './fixtures.ts';

closeAfterEach();
let running: Running;
const client = (address?: string): Promise<UdpClient> => UdpClient.open(address);

const guess = (n: number) => `${running.server.serverKey}${'cyah'.repeat(3)}${['cy', 'ah', 'jc', 'du', 'mw', 'wh', 'rv', 'yq'][n % 8]}${['cy', 'ah', 'jc', 'du'][Math.floor(n / 8) % 4]}`;

describe('failed joins', () => {
  it('are budgeted per /24: guesses spread over its addresses stop being answered, even for a real code', async () => {
    running = await startTestServer({ failedJoinsPerIp: 100, failedJoinsPerNet: 5, failedJoins: 1000 });
    const realHost = await client('127.0.9.1');
    const [hr] = await realHost.request(running.address, `HS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    let answered = 0;
    for (let i = 0; i < 10; i++) {
      const guesser = await client(`127.0.7.${i + 1}`);
      guesser.send(running.address, `JS:${LOCAL_KEY}:${guess(i)}`);
      if ((await guesser.quiet(0, 100)).length > 0) answered++;
    }
    expect(answered).toBe(5);
    const lucky = await client('127.0.7.200');
    lucky.send(running.address, `JS:${LOCAL_KEY}:${id}`);
    expect(await lucky.quiet(0)).toEqual([]);
    // Another network still gets its answers
    expect(await (await client('127.0.8.1')).request(running.address, `JS:${LOCAL_KEY}:${guess(0)}`)).toEqual([`BK:${guess(0)}`]);
    // And time refills the budget
    running.clock.now += 120_000;
    expect((await lucky.request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
  });

  it('are budgeted per address', async () => {
    running = await startTestServer({ failedJoinsPerIp: 3, failedJoinsPerNet: 100, failedJoins: 1000 });
    const guesser = await client('127.0.7.1');
    for (let i = 0; i < 3; i++) expect(await guesser.request(running.address, `JS:${LOCAL_KEY}:${guess(i)}`)).toEqual([`BK:${guess(i)}`]);
    guesser.send(running.address, `JS:${LOCAL_KEY}:${guess(3)}`);
    expect(await guesser.quiet(guesser.received.length)).toEqual([]);
  });

  it('are budgeted in total across networks that keep failing', async () => {
    running = await startTestServer({ failedJoinsPerIp: 100, failedJoinsPerNet: 100, failedJoins: 4 });
    let answered = 0;
    for (let i = 0; i < 8; i++) {
      const guesser = await client(`127.0.${20 + (i % 2)}.1`); // two networks, each failing again
      guesser.send(running.address, `JS:${LOCAL_KEY}:${guess(i)}`);
      if ((await guesser.quiet(0, 100)).length > 0) answered++;
    }
    expect(answered).toBe(4);
  });

  it('once the total is spent, a network that failed within the last minute waits out the minute; a quiet one still joins', async () => {
    running = await startTestServer({ failedJoinsPerIp: 100, failedJoinsPerNet: 100, failedJoins: 1 });
    const realHost = await client('127.0.9.1');
    const id = (await realHost.request(running.address, `HS:${LOCAL_KEY}`))[0]!.split(':')[2]!;
    const guesser = await client('127.0.7.1');
    await guesser.request(running.address, `JS:${LOCAL_KEY}:${guess(1)}`);
    // The total is spent (half of it is back after 30 s): the guessing network is not answered
    running.clock.now += 30_000;
    guesser.send(running.address, `JS:${LOCAL_KEY}:${guess(2)}`);
    expect(await guesser.quiet(guesser.received.length)).toEqual([]);
    // A network that never failed still joins
    expect((await (await client('127.0.8.1')).request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
  });
});
