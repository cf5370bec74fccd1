/**
 * A claimed LAN key is passed on only when it is a private, link-local or shared
 * (CGNAT) address, or the sender's own public IP; otherwise the peer hears "no LAN path"
 * (the key of 0.0.0.0:0), so one request cannot turn every player into a reflector.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeKey } from '../src/generated/protocol.ts';
import { closeAfterEach, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

const NO_LAN = 'cycycycycycy';
const key = (address: string, port = 4000) => encodeKey({ address, port });

closeAfterEach();
let running: Running;
const client = (address?: string): Promise<UdpClient> => UdpClient.open(address);

beforeEach(async () => {
  running = await startTestServer();
});

/** The host's LAN key as a joiner hears it in JR, and the joiner's as the host hears it in NJ. */
async function exchange(hostLocal: string, joinerLocal: string): Promise<{ jrHostLocal: string; njJoinerLocal: string }> {
  const host = await client();
  const joiner = await client();
  const [hr] = await host.request(running.address, `HS:${hostLocal}`);
  const id = hr!.split(':')[2]!;
  const [jr] = await joiner.request(running.address, `JS:${joinerLocal}:${id}`);
  const [nj] = await host.next(1);
  return { jrHostLocal: jr!.split(':')[3]!, njJoinerLocal: nj!.split(':')[2]! };
}

describe('claimed LAN keys', () => {
  for (const address of ['10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.20', '169.254.3.4', '100.64.0.1', '100.127.255.1']) {
    it(`passes on ${address}, a private, link-local or shared address`, async () => {
      const { jrHostLocal, njJoinerLocal } = await exchange(key(address), key(address, 4001));
      expect(jrHostLocal).toBe(key(address));
      expect(njJoinerLocal).toBe(key(address, 4001));
    });
  }

  it('passes on the sender\'s own public IP (a host with a public address)', async () => {
    const { jrHostLocal, njJoinerLocal } = await exchange(key('127.0.0.1', 5000), key('127.0.0.1', 5001));
    expect(jrHostLocal).toBe(key('127.0.0.1', 5000));
    expect(njJoinerLocal).toBe(key('127.0.0.1', 5001));
  });

  for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '127.0.0.2', '224.0.0.1', '0.0.0.0']) {
    it(`replaces ${address} by the key of 0.0.0.0:0 in HS and JS`, async () => {
      const { jrHostLocal, njJoinerLocal } = await exchange(key(address, 53), key(address, 53));
      expect(jrHostLocal).toBe(NO_LAN);
      expect(njJoinerLocal).toBe(NO_LAN);
    });
  }

  it('replaces a public LAN key in RS, both ways', async () => {
    const first = await client();
    const second = await client();
    await first.request(running.address, `RS:${key('8.8.8.8', 53)}`);
    const [jr] = await second.request(running.address, `RS:${key('8.8.4.4', 53)}`);
    const [nj] = await first.next(1);
    expect(jr!.split(':')[3]).toBe(NO_LAN);
    expect(nj!.split(':')[2]).toBe(NO_LAN);
  });

  it('replaces a LAN key with port 0, which no peer can ping', async () => {
    const { jrHostLocal } = await exchange(key('10.0.0.2', 0), key('10.0.0.3'));
    expect(jrHostLocal).toBe(NO_LAN);
  });

  it('keeps a confirmed host\'s LAN key: an HS forged from its address cannot change what joiners hear', async () => {
    const host = await client();
    const [hr] = await host.request(running.address, `HS:${key('192.168.1.2')}`);
    const id = hr!.split(':')[2]!;
    await settle(running, host, `KA:${id}`);
    await host.request(running.address, `HS:${key('192.168.1.99')}`); // as a joiner would forge it
    const [jr] = await (await client()).request(running.address, `JS:${key('10.0.0.3')}:${id}`);
    expect(jr!.split(':')[3]).toBe(key('192.168.1.2'));
  });
});
