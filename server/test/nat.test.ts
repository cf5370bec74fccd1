/** NAT diagnosis (NP / NA on the rendezvous and probe ports) over real UDP, and NAT types passed to peers. */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, decodeKey, encode, encodeKey, type Endpoint, type Message } from '../src/generated/protocol.ts';
import { NatBook } from '../src/nat/nat-book.ts';
import { Ip6Proof } from '../src/nat/ip6-proof.ts';
import { ip6FromTokens } from '../src/nat/ip6-address.ts';
import { NO_KEY } from '../src/nat/nat-probe.ts';
import { LOCAL_KEY, type Running, startTestServer, withCookie } from './fixtures.ts';
import { counted, relayPorts, until } from './relay-fixtures.ts';

const NONCE = 'abababababababab';
const NONCE2 = 'ahahahahahahahah';

/** A socket that records each datagram with the port it came from. */
class Prober {
  readonly got: Array<{ text: string; from: Endpoint }> = [];
  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (data, from) => this.got.push({ text: data.toString('latin1'), from: { address: from.address, port: from.port } }));
  }

  static async open(): Promise<Prober> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
    return new Prober(socket);
  }

  get key(): string {
    const a = this.socket.address();
    return encodeKey({ address: a.address, port: a.port });
  }

  send(to: Endpoint, text: string): void {
    this.socket.send(Buffer.from(text, 'latin1'), to.port, to.address);
  }

  async next(to: Endpoint, text: string): Promise<{ text: string; from: Endpoint }> {
    const n = this.got.length;
    this.send(to, text);
    await until(() => this.got.length > n, `an answer to ${text}`);
    const answer = this.got[n]!;
    if (!answer.text.startsWith('RC:') || !/^(JS|RS):/.test(text)) return answer;
    this.got.splice(n, 1); // Resent with the cookie, as our node does.
    return this.next(to, withCookie(text, answer.text));
  }

  close(): void {
    this.socket.close();
  }
}

let running: Running | undefined;
const probers: Prober[] = [];
afterEach(async () => {
  for (const p of probers.splice(0)) p.close();
  await running?.server.close();
  running = undefined;
});

async function open(): Promise<Prober> {
  const p = await Prober.open();
  probers.push(p);
  return p;
}

describe('NAT diagnosis', () => {
  it('answers NP on the rendezvous port and on the probe port, each from the port it reached, with the source it saw', async () => {
    // Given a server with relay ports: the first is the probe port.
    running = await startTestServer({ relayPorts: relayPorts(2) });
    const probePort = running.server.relays.boundPorts[0]!;
    const probeKey = encodeKey({ address: '127.0.0.1', port: probePort });
    const node = await open();

    // When the node probes the rendezvous port, it learns its address and the probe port.
    const np = `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`;
    const first = await node.next(running.address, np);
    expect(first.text).toBe(`NA:${node.key}:${probeKey}:${NONCE}`);
    expect(first.from.port).toBe(running.address.port);
    expect(first.text.length).toBe(np.length);

    // Then the probe port answers from itself, with the same fields.
    const second = await node.next({ address: '127.0.0.1', port: probePort }, `NP:${LOCAL_KEY}:${probeKey}:${NONCE2}`);
    expect(second.text).toBe(`NA:${node.key}:${probeKey}:${NONCE2}`);
    expect(second.from.port).toBe(probePort);
    expect(running.server.stats.sent.get('NA')).toBe(2);
  });

  it('names no probe port when relays are off and no probe port is given (servers built without readConfig)', async () => {
    running = await startTestServer();
    const node = await open();
    const answer = await node.next(running.address, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    expect(answer.text).toBe(`NA:${node.key}:${NO_KEY}:${NONCE}`);
  });

  it('with relays off, a probe port of its own answers NP and nothing else', async () => {
    // Given relays off and a probe port of its own (a free one),
    running = await startTestServer({ probePort: 0 });
    const node = await open();
    // when the node probes the rendezvous port, NA names the probe port,
    const first = await node.next(running.address, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    const probeKey = first.text.split(':')[2]!;
    expect(probeKey).not.toBe(NO_KEY);
    const probe = decodeKey(probeKey)!;
    expect(probe.address).toBe('127.0.0.1');
    // and the probe port answers from itself, as long as the probe;
    const second = await node.next(probe, `NP:${LOCAL_KEY}:${probeKey}:${NONCE2}`);
    expect(second.text).toBe(`NA:${node.key}:${probeKey}:${NONCE2}`);
    expect(second.from.port).toBe(probe.port);
    // anything else there is dropped and counted.
    for (const junk of [`HS:${LOCAL_KEY}`, 'hello']) {
      const before = counted(running);
      node.send(probe, junk);
      await until(() => counted(running!) > before, `the server to count ${junk}`);
    }
    expect(running.server.stats.dropped.get('not_a_probe')).toBe(2);
    expect(node.got.length).toBe(2);
  });

  it('names no probe port when it is off, relays or not', async () => {
    running = await startTestServer({ relayPorts: relayPorts(2), probePort: null });
    const node = await open();
    expect((await node.next(running.address, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`)).text).toBe(`NA:${node.key}:${NO_KEY}:${NONCE}`);
    // and the first relay port no longer answers NP (it counts a stranger's datagram).
    const before = counted(running);
    node.send({ address: '127.0.0.1', port: running.server.relays.boundPorts[0]! }, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    await until(() => counted(running!) > before, 'the relay to count it');
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
        await until(() => counted(running!) > before, `the server to count ${bad}`);
      }
    }
    // HS on the rendezvous port is the only one answered (HR).
    await new Promise((r) => setTimeout(r, 50));
    expect(node.got.map((g) => g.text.slice(0, 2))).toEqual(['HR']);
    expect(running.server.stats.sent.get('NA')).toBeUndefined();
  });

  it('keeps NP within the per-address rate limit on the probe port too', async () => {
    // Given a burst of 10 and a clock that stands still, when one address sends 30 probes to the probe port,
    running = await startTestServer({ relayPorts: relayPorts(1), burst: 10, rate: 1 });
    const probe = { address: '127.0.0.1', port: running.server.relays.boundPorts[0]! };
    const node = await open();
    for (let i = 0; i < 30; i++) node.send(probe, `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`);
    await until(() => (running!.server.stats.dropped.get('rate_limited') ?? 0) >= 20, 'the limiter');
    await new Promise((r) => setTimeout(r, 50));
    // then only the burst is answered, each answer as long as its probe.
    expect(node.got.length).toBe(10);
    expect(node.got.every((g) => g.text.length === `NP:${LOCAL_KEY}:${NO_KEY}:${NONCE}`.length)).toBe(true);
  });
});

describe('NAT types passed to peers', () => {
  const hostKey = encodeKey({ address: '198.51.100.2', port: 5000 });
  const joinerKey = encodeKey({ address: '203.0.113.2', port: 6000 });
  const SECRET = 'mwmwmwmwmwmwmwmw';
  const IP6A = 'jcjcjcjcjcjcjcjc';
  const IP6B = 'dudududududududu';

  it('adds the other side\'s report to JR and NJ of a pair with a secret (its IPv6 address with a proof), and round-trips on the wire', () => {
    const proof = new Ip6Proof(() => 0);
    const book = new NatBook(10, proof);
    book.record({ code: 'HS', localKey: LOCAL_KEY, nonce: NONCE, nat: 'port_preserving' }, hostKey);
    const ip6Proof = proof.mint(ip6FromTokens(IP6A, IP6B), 4000, NONCE2); // LOCAL_KEY's port
    expect(book.record({ code: 'JS', localKey: LOCAL_KEY, sessionId: `${hostKey}abab`, nonce: NONCE2, nat: 'port_randomising', ip6Prefix: IP6A, ip6Host: IP6B, ip6Proof }, joinerKey))
      .toBe('proven');
    const jr = book.decorate({ code: 'JR', joinerRemoteKey: joinerKey, hostRemoteKey: hostKey, hostLocalKey: LOCAL_KEY, nonce: NONCE2, secret: SECRET });
    expect(encode(jr)).toBe(`JR:${joinerKey}:${hostKey}:${LOCAL_KEY}:${NONCE2}:${SECRET}:port_preserving`);
    const nj = book.decorate({ code: 'NJ', joinerRemoteKey: joinerKey, joinerLocalKey: LOCAL_KEY, nonce: NONCE, secret: SECRET });
    const text = encode(nj);
    expect(text).toBe(`NJ:${joinerKey}:${LOCAL_KEY}:${NONCE}:${SECRET}:port_randomising:${IP6A}:${IP6B}`);
    expect(decode(Buffer.from(text)).ok).toBe(true);
  });

  it('adds nothing without a secret (an original peer in the pair) or without a report', () => {
    const book = new NatBook(10, null);
    book.record({ code: 'HS', localKey: LOCAL_KEY, nonce: NONCE, nat: 'open' }, hostKey);
    const jr: Message = { code: 'JR', joinerRemoteKey: joinerKey, hostRemoteKey: hostKey, hostLocalKey: LOCAL_KEY, nonce: NONCE2 };
    expect(book.decorate(jr)).toEqual(jr);
    const nj: Message = { code: 'NJ', joinerRemoteKey: joinerKey, joinerLocalKey: LOCAL_KEY, nonce: NONCE, secret: SECRET };
    expect(book.decorate(nj)).toEqual(nj);
  });

  it('stays within its bound, the newest reports kept', () => {
    const book = new NatBook(3, null);
    for (let i = 0; i < 10; i++) book.record({ code: 'RS', localKey: LOCAL_KEY, nonce: NONCE, nat: 'open' }, encodeKey({ address: '203.0.113.9', port: 1000 + i }));
    expect(book.size).toBe(3);
    book.record({ code: 'HS', localKey: LOCAL_KEY, nonce: NONCE, nat: 'open' }, hostKey);
    expect(book.decorate({ code: 'JR', joinerRemoteKey: joinerKey, hostRemoteKey: hostKey, hostLocalKey: LOCAL_KEY, nonce: NONCE, secret: SECRET }))
      .toMatchObject({ hostNat: 'open' });
  });

  it('over real UDP: a pair of ours learns each other\'s NAT type in JR and NJ, and never an IPv6 address it claimed without a proof', async () => {
    running = await startTestServer();
    const host = await open();
    const joiner = await open();
    const hr = await host.next(running.address, `HS:${LOCAL_KEY}:${NONCE}:port_preserving`);
    const id = hr.text.split(':')[2]!;
    const nj = host.got.length;
    const jr = await joiner.next(running.address, `JS:${LOCAL_KEY}:${id}:${NONCE2}:port_randomising:${IP6A}:${IP6B}`);
    expect(jr.text).toMatch(new RegExp(`^JR:${joiner.key}:${host.key}:${LOCAL_KEY}:${NONCE2}:[a-z]{16}:port_preserving$`));
    await until(() => host.got.length > nj, 'NJ');
    expect(host.got[nj]!.text).toMatch(new RegExp(`^NJ:${joiner.key}:${LOCAL_KEY}:${NONCE}:[a-z]{16}:port_randomising$`));
    expect(running.server.stats.ip6Claims.get('unproven')).toBe(1);
  });

  it('original clients interoperate: a JS with no extensions gets the JR it always did, over real UDP', async () => {
    running = await startTestServer();
    const host = await open();
    const joiner = await open();
    const hr = await host.next(running.address, `HS:${LOCAL_KEY}`);
    const id = hr.text.split(':')[2]!;
    const jr = await joiner.next(running.address, `JS:${LOCAL_KEY}:${id}`);
    expect(jr.text).toBe(`JR:${joiner.key}:${host.key}:${LOCAL_KEY}`);
  });
});
