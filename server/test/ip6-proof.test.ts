/**
 * IPv6 addresses passed to peers only with a proof, over real UDP on loopback (IPv4 and ::1): the
 * server answers NP arriving over IPv6 with IA (the address it saw and a MAC of it, the port and
 * the nonce), never longer than the NP, and keeps a claimed address in HS, JS or RS only with a
 * valid proof for it. A node that claims another's address (a victim's) gets no peer to punch it.
 */
import { describe, expect, it } from 'vitest';
import { encodeKey, type Endpoint } from '../src/generated/protocol.ts';
import { ip6Bytes, ip6FromTokens, ip6Tokens, isUsableIp6, network64 } from '../src/nat/ip6-address.ts';
import { PROOF_WINDOW_MS } from '../src/nat/ip6-proof.ts';
import { NO_KEY } from '../src/nat/nat-probe.ts';
import { type Running, startTestServer, UdpClient, waitUntil } from './fixtures.ts';
import { relayPerTest, settle } from './relay-fixtures.ts';

const NONCE = 'abababababababab';
const HOST_NONCE = 'ahahahahahahahah';
const ZEROS = 'cycycycycycycycy';
const [LOOP_PREFIX, LOOP_HOST] = ip6Tokens(ip6Bytes('::1')!);
/** A victim's address: documentation space, never sent to. */
const [VICTIM_PREFIX, VICTIM_HOST] = ip6Tokens(ip6Bytes('2001:db8:7::99')!);
relayPerTest();

const serverWithIp6 = () => startTestServer({ publicIp6: '::1' });
const at6 = (running: Running): Endpoint => ({ address: '::1', port: running.address.port });
const lanKey = (port: number) => encodeKey({ address: '10.0.0.2', port });
/** NP with room for an answer that names the server's IPv6 address (or carries a proof). */
const paddedNp = (nonce: string) => `NP:${NO_KEY}:${NO_KEY}:${nonce}:${ZEROS}:${ZEROS}`;

/** The proof the server gives [node] (on ::1) for [nonce]: IA's fields. */
async function prove(running: Running, node: UdpClient, nonce: string): Promise<{ prefix: string; host: string; proof: string }> {
  const np = paddedNp(nonce);
  const ia = await node.ask(at6(running), np);
  const [code, prefix, host, proof, echoed] = ia.split(':');
  expect(code).toBe('IA');
  expect(echoed).toBe(nonce);
  expect(ia.length).toBeLessThanOrEqual(np.length);
  return { prefix: prefix!, host: host!, proof: proof! };
}

/**
 * A host (claiming [claim] in its HS, its LAN key naming [port]) and a joiner of ours: resolves
 * with the JR the joiner gets, whose last fields carry the host's IPv6 address when it was passed on.
 */
async function hostClaiming(running: Running, claim: string, port: number): Promise<string> {
  const host = await UdpClient.open();
  const joiner = await UdpClient.open();
  const hr = await host.ask(running.address, `HS:${lanKey(port)}:${HOST_NONCE}:port_randomising:${claim}`);
  const id = hr.split(':')[2]!;
  return joiner.ask(running.address, `JS:${lanKey(4000)}:${id}:${NONCE}:port_randomising`);
}

describe('IPv6 addresses are passed on only with a proof', () => {
  it('a valid round trip: IA over IPv6 proves the address, and the peer gets it in JR', async () => {
    // Given a server with an IPv6 address, and a node's dual-stack socket on ::1,
    const running = await serverWithIp6();
    const node = await UdpClient.open('::1');
    // when the node proves its address and port with its session's nonce and claims it in HS,
    const { prefix, host, proof } = await prove(running, node, HOST_NONCE);
    expect([prefix, host]).toEqual([LOOP_PREFIX, LOOP_HOST]);
    const jr = await hostClaiming(running, `${prefix}:${host}:${proof}`, node.port);
    // then the joiner hears it, and the server counted one proven claim.
    expect(jr).toMatch(new RegExp(`:port_randomising:${LOOP_PREFIX}:${LOOP_HOST}$`));
    expect(running.server.stats.ip6Claims.get('proven')).toBe(1);
  });

  it('a claimed address without a valid proof (a victim\'s) is not passed on, and is counted', async () => {
    const running = await serverWithIp6();
    for (const claim of [`${VICTIM_PREFIX}:${VICTIM_HOST}`, `${VICTIM_PREFIX}:${VICTIM_HOST}:${ZEROS}`]) {
      const jr = await hostClaiming(running, claim, 5000);
      expect(jr).toMatch(/:port_randomising$/);
    }
    expect(running.server.stats.ip6Claims.get('unproven')).toBe(2);
  });

  it('a proof holds only for its own address, port and nonce', async () => {
    const running = await serverWithIp6();
    const node = await UdpClient.open('::1');
    const { proof } = await prove(running, node, HOST_NONCE);
    // Another address with this proof, this address for another port, and this proof under another nonce:
    expect(await hostClaiming(running, `${VICTIM_PREFIX}:${VICTIM_HOST}:${proof}`, node.port)).toMatch(/:port_randomising$/);
    expect(await hostClaiming(running, `${LOOP_PREFIX}:${LOOP_HOST}:${proof}`, node.port === 65535 ? 1 : node.port + 1)).toMatch(/:port_randomising$/);
    const other = await prove(running, node, NONCE); // minted for NONCE, claimed in an HS with HOST_NONCE
    expect(await hostClaiming(running, `${LOOP_PREFIX}:${LOOP_HOST}:${other.proof}`, node.port)).toMatch(/:port_randomising$/);
    expect(running.server.stats.ip6Claims.get('unproven')).toBe(3);
    expect(running.server.stats.ip6Claims.get('proven')).toBeUndefined();
  });

  it('a proof expires: minted in one window, good in the next, not after', async () => {
    const running = await serverWithIp6();
    const node = await UdpClient.open('::1');
    const { prefix, host, proof } = await prove(running, node, HOST_NONCE);
    running.clock.now += PROOF_WINDOW_MS;
    expect(await hostClaiming(running, `${prefix}:${host}:${proof}`, node.port)).toMatch(new RegExp(`${LOOP_HOST}$`));
    running.clock.now += PROOF_WINDOW_MS;
    expect(await hostClaiming(running, `${prefix}:${host}:${proof}`, node.port)).toMatch(/:port_randomising$/);
  });

  it('a server without --public-ip6 proves nothing and passes no IPv6 address on, whatever is claimed', async () => {
    const running = await startTestServer();
    expect(await hostClaiming(running, `${LOOP_PREFIX}:${LOOP_HOST}:${ZEROS}`, 5000)).toMatch(/:port_randomising$/);
    // and NA does not name an IPv6 address, even to an NP with room for one.
    const node = await UdpClient.open();
    expect(await node.ask(running.address, paddedNp(NONCE))).toBe(`NA:${node.key}:${NO_KEY}:${NONCE}`);
  });
});

describe('NP and the server\'s IPv6 address', () => {
  it('NA names the server\'s IPv6 address only to an NP with room for it, and is never longer than the NP', async () => {
    const running = await serverWithIp6();
    const node = await UdpClient.open();
    const plain = `NP:${NO_KEY}:${NO_KEY}:${NONCE}`;
    expect(await node.ask(running.address, plain)).toBe(`NA:${node.key}:${NO_KEY}:${NONCE}`);
    const padded = paddedNp(NONCE);
    const na = await node.ask(running.address, padded);
    expect(na).toBe(`NA:${node.key}:${NO_KEY}:${NONCE}:${LOOP_PREFIX}:${LOOP_HOST}`);
    expect(na.length).toBe(padded.length);
  });

  it('NP over IPv6 is answered only when it is no shorter than IA; anything else there is dropped', async () => {
    const running = await serverWithIp6();
    const node = await UdpClient.open('::1');
    const to = at6(running);
    // Given NP without the padding (shorter than IA), a JS and junk over IPv6,
    await settle(running, node, to, `NP:${NO_KEY}:${NO_KEY}:${NONCE}`);
    await settle(running, node, to, `JS:${lanKey(4000)}:${encodeKey(running.address)}abababab`);
    await settle(running, node, to, 'hello');
    // then none is answered; each is counted by why.
    await new Promise((r) => setTimeout(r, 50));
    expect(node.received).toEqual([]);
    expect(running.server.stats.dropped.get('amplification')).toBe(1);
    expect(running.server.stats.dropped.get('not_a_probe')).toBe(2);
    // When the NP has its padding, IA comes back, shorter than it.
    const ia = await node.ask(to, paddedNp(NONCE));
    expect(ia).toMatch(/^IA:[a-z]{16}:[a-z]{16}:[a-z]{16}:abababababababab$/);
    expect(ia.length).toBeLessThan(paddedNp(NONCE).length);
  });

  it('NP over IPv6 stays within the rate limit of its /64', async () => {
    const running = await startTestServer({ publicIp6: '::1', burst: 10, rate: 1 });
    const node = await UdpClient.open('::1');
    for (let i = 0; i < 30; i++) node.send(at6(running), paddedNp(NONCE));
    await waitUntil(() => (running.server.stats.dropped.get('rate_limited') ?? 0) >= 20, 'the limiter');
    await new Promise((r) => setTimeout(r, 50));
    expect(node.received.length).toBe(10);
  });
});

describe('IPv6 addresses', () => {
  it('parses every spelling to the same 16 bytes, and nothing else', () => {
    const full = ip6Bytes('2001:db8:0:0:0:0:0:10')!;
    for (const spelling of ['2001:db8::10', '2001:DB8::0:10', '2001:0db8:0000::0010']) expect(ip6Bytes(spelling)).toEqual(full);
    for (const bad of ['2001:db8::1::2', '2001:db8:zz::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::ffff:1.2.3.4', 'fe80::1%eth0', '', '12345::1']) {
      expect(ip6Bytes(bad)).toBeNull();
    }
    expect(ip6FromTokens(...ip6Tokens(full))).toEqual(full);
  });

  it('answers one host\'s address only: not unspecified, multicast, link-local or IPv4-mapped', () => {
    for (const ok of ['2001:db8::10', '::1', 'fd00::2']) expect(isUsableIp6(ip6Bytes(ok)!)).toBe(true);
    for (const no of ['::', 'ff02::1', 'fe80::1', 'febf::1', '::ffff:102:304', '::102:304']) expect(isUsableIp6(ip6Bytes(no)!)).toBe(false);
  });

  it('counts a /64 as one', () => {
    expect(network64(ip6Bytes('2001:db8:1:2:aaaa::1')!)).toBe('2001:db8:1:2::/64');
    expect(network64(ip6Bytes('2001:db8:1:2:bbbb::9')!)).toBe(network64(ip6Bytes('2001:db8:1:2::')!));
  });
});
