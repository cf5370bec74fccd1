/** NAT diagnosis (NP / NA on the rendezvous and probe ports) over real UDP, and NAT types passed to peers. */
import { afterEach, describe, expect, it } from 'vitest';
import { decode, decodeKey, encode, encodeKey, type Endpoint, type Message } from '../src/generated/protocol.ts';
import { hostNatFields, joinerNatFields, NatBook } from '../src/nat/nat-book.ts';
import { Ip6Proof } from '../src/nat/ip6-proof.ts';
import { ip6FromTokens } from '../src/nat/ip6-address.ts';
import { NO_KEY } from '../src/nat/nat-probe.ts';
import type { Arrival } from '../../ci/harness/udp-client.ts';
import { LOCAL_KEY, type Running, startTestServer, UdpClient, waitUntil } from './fixtures.ts';
import { counted, relayPorts } from './relay-fixtures.ts';

const NONCE = 'abababababababab';
const NONCE2 = 'ahahahahahahahah';

/** Sends [text] and resolves with the answer, with its source (a JS or RS answered with RC is resent with the cookie). */
async function exchange(node: UdpClient, to: Endpoint, text: string): Promise<Arrival> {
  const at = node.arrivals.length;
  await node.request(to, text);
  return node.arrivals[at]!;
}

let running: Running | undefined;
afterEach(async () => {
  UdpClient.closeAll();
  await running?.server.close();
  running = undefined;
});

const open = (address?: string): Promise<UdpClient> => UdpClient.open(address);

describe('NAT diagnosis', () => {
  it('answers NP on the rendezvous port and on the probe port, each from the port it reached, with the source it saw', async () => {
    // Given a server with relay ports: the first is the probe port.
    running = await startTestServer({ relayPorts: relayPorts(2) });
    const probePort = running.server.relays.boundPorts[0]!;
    const probeKey = encodeKey({ address: '127.0.0.1', port: probePort });
    const node = await open();

    // When the node probes the rendezvous port, it learns its address and the probe port.
    const np = `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`;
    const first = await exchange(node, running.address, np);
    expect(first.text).toBe(`NA:${node.key}:${probeKey}:${NONCE}`);
    expect(first.from.port).toBe(running.address.port);
    expect(first.text.length).toBe(np.length);

    // Then the probe port answers from itself, with the same fields.
    const second = await exchange(node, { address: '127.0.0.1', port: probePort }, `NP:${LOCAL_KEY}:${probeKey}:${NONCE2}`);
    expect(second.text).toBe(`NA:${node.key}:${probeKey}:${NONCE2}`);
    expect(second.from.port).toBe(probePort);
    expect(running.server.stats.sent.get('NA')).toBe(2);
  });

  it('names no probe port when relays are off and no probe port is given (servers built without readConfig)', async () => {
    running = await startTestServer();
    const node = await open();
    const answer = await exchange(node, running.address, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    expect(answer.text).toBe(`NA:${node.key}:${NO_KEY}:${NONCE}`);
  });

  it('with relays off, a probe port of its own answers NP and nothing else', async () => {
    // Given relays off and a probe port of its own (a free one),
    running = await startTestServer({ probePort: 0 });
    const node = await open();
    // when the node probes the rendezvous port, NA names the probe port,
    const first = await exchange(node, running.address, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    const probeKey = first.text.split(':')[2]!;
    expect(probeKey).not.toBe(NO_KEY);
    const probe = decodeKey(probeKey)!;
    expect(probe.address).toBe('127.0.0.1');
    // and the probe port answers from itself, as long as the probe;
    const second = await exchange(node, probe, `NP:${LOCAL_KEY}:${probeKey}:${NONCE2}`);
    expect(second.text).toBe(`NA:${node.key}:${probeKey}:${NONCE2}`);
    expect(second.from.port).toBe(probe.port);
    // anything else there is dropped and counted.
    for (const junk of [`HS:${LOCAL_KEY}`, 'hello']) {
      const before = counted(running);
      node.send(probe, junk);
      await waitUntil(() => counted(running!) > before, `the server to count ${junk}`);
    }
    expect(running.server.stats.dropped.get('not_a_probe')).toBe(2);
    expect(node.arrivals.length).toBe(2);
  });

  it('names no probe port when it is off, relays or not', async () => {
    running = await startTestServer({ relayPorts: relayPorts(2), probePort: null });
    const node = await open();
    expect((await exchange(node, running.address, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`)).text).toBe(`NA:${node.key}:${NO_KEY}:${NONCE}`);
    // and the first relay port no longer answers NP (it counts a stranger's datagram).
    const before = counted(running);
    node.send({ address: '127.0.0.1', port: running.server.relays.boundPorts[0]! }, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    await waitUntil(() => counted(running!) > before, 'the relay to count it');
    expect(running.server.stats.relayDropped.get('stranger')).toBe(1);
  });

  it('drops malformed probes on either port, and anything but NP on the probe port from a stranger', async () => {
    running = await startTestServer({ relayPorts: relayPorts(2) });
    const probe = { address: '127.0.0.1', port: running.server.relays.boundPorts[0]! };
    const node = await open();
    for (const bad of [`NP:${LOCAL_KEY}:${NO_KEY}`, `NP:${LOCAL_KEY}:${NO_KEY}:short`, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}:extra`, 'NP:', `HS:${LOCAL_KEY}`]) {
      for (const to of [running.address, probe]) {
        const before = counted(running);
        node.send(to, bad);
        await waitUntil(() => counted(running!) > before, `the server to count ${bad}`);
      }
    }
    // HS on the rendezvous port is the only one answered (HR).
    await new Promise((r) => setTimeout(r, 50));
    expect(node.arrivals.map((g) => g.text.slice(0, 2))).toEqual(['HR']);
    expect(running.server.stats.sent.get('NA')).toBeUndefined();
  });

  it('keeps NP within the per-address rate limit on the probe port too', async () => {
    // Given a burst of 10 and a clock that stands still, when one address sends 30 probes to the probe port,
    running = await startTestServer({ relayPorts: relayPorts(1), burst: 10, rate: 1 });
    const probe = { address: '127.0.0.1', port: running.server.relays.boundPorts[0]! };
    const node = await open();
    for (let i = 0; i < 30; i++) node.send(probe, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    await waitUntil(() => (running!.server.stats.dropped.get('rate_limited') ?? 0) >= 20, 'the limiter');
    await new Promise((r) => setTimeout(r, 50));
    // then only the burst is answered, each answer as long as its probe.
    expect(node.arrivals.length).toBe(10);
    expect(node.arrivals.every((g) => g.text.length === `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`.length)).toBe(true);
  });
});

describe('NAT types passed to peers', () => {
  const hostKey = encodeKey({ address: '198.51.100.2', port: 5000 });
  const joinerKey = encodeKey({ address: '203.0.113.2', port: 6000 });
  const SECRET = 'mwmwmwmwmwmwmwmw';
  const IP6A = 'jcjcjcjcjcjcjcjc';
  const IP6B = 'dudududududududu';

  it('reads a report (its IPv6 address only with a proof); JR and NJ of a pair with a secret carry it, and round-trip on the wire', () => {
    const proof = new Ip6Proof(() => 0);
    const book = new NatBook(proof);
    const host = book.read({ code: 'HS', localKey: LOCAL_KEY, nonce: NONCE, nat: 'port_preserving' });
    const ip6Proof = proof.mint(ip6FromTokens(IP6A, IP6B), 4000, NONCE2); // LOCAL_KEY's port
    const joiner = book.read({ code: 'JS', localKey: LOCAL_KEY, sessionId: `${hostKey}abab`, nonce: NONCE2, nat: 'port_randomising', ip6Prefix: IP6A, ip6Host: IP6B, ip6Proof });
    expect(joiner.verdict).toBe('proven');
    const jr: Message = { code: 'JR', joinerRemoteKey: joinerKey, hostRemoteKey: hostKey, hostLocalKey: LOCAL_KEY, nonce: NONCE2, secret: SECRET, ...hostNatFields(host.report, SECRET) };
    expect(encode(jr)).toBe(`JR:${joinerKey}:${hostKey}:${LOCAL_KEY}:${NONCE2}:${SECRET}:port_preserving`);
    const nj: Message = { code: 'NJ', joinerRemoteKey: joinerKey, joinerLocalKey: LOCAL_KEY, nonce: NONCE, secret: SECRET, ...joinerNatFields(joiner.report, SECRET) };
    const text = encode(nj);
    expect(text).toBe(`NJ:${joinerKey}:${LOCAL_KEY}:${NONCE}:${SECRET}:port_randomising:${IP6A}:${IP6B}`);
    expect(decode(Buffer.from(text)).ok).toBe(true);
    const unproven = book.read({ code: 'RS', localKey: LOCAL_KEY, nonce: NONCE, nat: 'open', ip6Prefix: IP6A, ip6Host: IP6B, ip6Proof });
    expect(unproven).toEqual({ verdict: 'unproven', report: { nat: 'open', ip6Prefix: undefined, ip6Host: undefined } });
  });

  it('adds nothing without a secret (an original peer in the pair) or without a report', () => {
    const { report } = new NatBook(null).read({ code: 'HS', localKey: LOCAL_KEY, nonce: NONCE, nat: 'open' });
    expect(hostNatFields(report, undefined)).toEqual({});
    expect(joinerNatFields(undefined, SECRET)).toEqual({});
  });

  it('over real UDP: joins from many ports of one /24 (to unknown codes or the session) never erase the host\'s NAT type from join answers', async () => {
    running = await startTestServer({ maxTracked: 50 });
    const host = await open();
    const hr = await exchange(host, running.address, `HS:${LOCAL_KEY}:${NONCE}:port_preserving`);
    const id = hr.text.split(':')[2]!;
    host.send(running.address, `KA:${id}:${NONCE}`);
    // Griefers on 60 ports of one /24 (more than --max-tracked) join with NAT claims: the session and unknown codes.
    const unknown = `${running.server.serverKey}cyahcyahcyahcyah`;
    const griefers = await Promise.all(Array.from({ length: 60 }, (_, i) => open(`127.7.7.${1 + (i % 6)}`)));
    const before = counted(running);
    for (const g of griefers) {
      g.send(running.address, `JS:${LOCAL_KEY}:${id}:${NONCE2}:open`);
      g.send(running.address, `JS:${LOCAL_KEY}:${unknown}:${NONCE2}:open`);
    }
    await waitUntil(() => counted(running!) >= before + 120, 'the griefers\' joins');
    const joiner = await open('127.9.9.9');
    const jr = await exchange(joiner, running.address, `JS:${LOCAL_KEY}:${id}:${NONCE2}:port_randomising`);
    expect(jr.text).toMatch(new RegExp(`^JR:${joiner.key}:${host.key}:${LOCAL_KEY}:${NONCE2}:[a-z]{16}:port_preserving$`));
  });

  it('over real UDP: a pair of ours learns each other\'s NAT type in JR and NJ, and never an IPv6 address it claimed without a proof', async () => {
    running = await startTestServer();
    const host = await open();
    const joiner = await open();
    const hr = await exchange(host, running.address, `HS:${LOCAL_KEY}:${NONCE}:port_preserving`);
    const id = hr.text.split(':')[2]!;
    const nj = host.arrivals.length;
    const jr = await exchange(joiner, running.address, `JS:${LOCAL_KEY}:${id}:${NONCE2}:port_randomising:${IP6A}:${IP6B}`);
    expect(jr.text).toMatch(new RegExp(`^JR:${joiner.key}:${host.key}:${LOCAL_KEY}:${NONCE2}:[a-z]{16}:port_preserving$`));
    await waitUntil(() => host.arrivals.length > nj, 'NJ');
    expect(host.arrivals[nj]!.text).toMatch(new RegExp(`^NJ:${joiner.key}:${LOCAL_KEY}:${NONCE}:[a-z]{16}:port_randomising$`));
    expect(running.server.stats.ip6Claims.get('unproven')).toBe(1);
  });

  it('original clients interoperate: a JS with no extensions gets the JR it always did, over real UDP', async () => {
    running = await startTestServer();
    const host = await open();
    const joiner = await open();
    const hr = await exchange(host, running.address, `HS:${LOCAL_KEY}`);
    const id = hr.text.split(':')[2]!;
    const jr = await exchange(joiner, running.address, `JS:${LOCAL_KEY}:${id}`);
    expect(jr.text).toBe(`JR:${joiner.key}:${host.key}:${LOCAL_KEY}`);
  });
});
