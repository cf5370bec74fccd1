/**
 * The benchmark's minimal rendezvous (bench/minimal-rendezvous.ts) as its process runs, on real
 * UDP on loopback: it answers what the load generator's clients send, so the floor the benchmark
 * quotes is that of a working rendezvous.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startMinimal, stop } from '../../bench/bench-targets.ts';
import { decode, decodeKey, encodeKey, type Message } from '../../server/src/generated/protocol.ts';

const LOCAL = encodeKey({ address: '10.0.0.2', port: 4000 });
const NONCE = 'cyahjcdumwwhrvyq';
const JOINER_NONCE = 'yyqzsrsstgcvgxia';
const NO_IP6 = 'cy'.repeat(8);

let target: Started;
const sockets: dgram.Socket[] = [];

beforeAll(async () => {
  target = await startMinimal();
}, 20_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await stop(target.child);
});

async function open(): Promise<{ socket: dgram.Socket; key: string; next: (port?: number) => Promise<Message> }> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  const queue: Buffer[] = [];
  const waiting: Array<(d: Buffer) => void> = [];
  socket.on('message', (d) => (waiting.length > 0 ? waiting.shift()!(d) : queue.push(d)));
  const next = async () => {
    const d = queue.shift() ?? await new Promise<Buffer>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('no answer')), 2_000);
      waiting.push((datagram) => { clearTimeout(timer); done(datagram); });
    });
    const result = decode(d);
    if (!result.ok) throw new Error(`undecodable answer ${d.toString('latin1')}`);
    return result.message;
  };
  return { socket, key: encodeKey({ address: '127.0.0.1', port: socket.address().port }), next };
}

const send = (socket: dgram.Socket, text: string, port = target.port) => socket.send(text, port, '127.0.0.1');

describe('minimal rendezvous', () => {
  it('answers HS with HR and an unknown code with BK', async () => {
    const host = await open();
    send(host.socket, `HS:${LOCAL}:${NONCE}:port_preserving`);
    const hr = await host.next();
    expect(hr).toMatchObject({ code: 'HR', remoteKey: host.key, nonce: NONCE });
    expect(hr.code === 'HR' && hr.sessionId.startsWith(target.key)).toBe(true);
    const unknown = `${target.key}cyahcyah`;
    send(host.socket, `JS:${LOCAL}:${unknown}:${JOINER_NONCE}:port_preserving:${NO_IP6}:${NO_IP6}:${NO_IP6}:${NO_IP6}`);
    expect(await host.next()).toEqual({ code: 'BK', sessionId: unknown, nonce: JOINER_NONCE });
  });

  it('introduces a joiner with JR and NJ, and relays the pair', async () => {
    const host = await open();
    const joiner = await open();
    send(host.socket, `HS:${LOCAL}:${NONCE}:port_preserving`);
    const hr = await host.next();
    const id = hr.code === 'HR' ? hr.sessionId : '';
    send(joiner.socket, `JS:${LOCAL}:${id}:${JOINER_NONCE}:port_preserving:${NO_IP6}:${NO_IP6}:${NO_IP6}`);
    expect(await joiner.next()).toMatchObject({ code: 'RC', nonce: JOINER_NONCE });
    send(joiner.socket, `JS:${LOCAL}:${id}:${JOINER_NONCE}:port_preserving:${NO_IP6}:${NO_IP6}:${NO_IP6}:${NO_IP6}`);
    expect(await joiner.next()).toMatchObject({ code: 'JR', joinerRemoteKey: joiner.key, hostRemoteKey: host.key, nonce: JOINER_NONCE, hostNat: 'port_preserving' });
    expect(await host.next()).toMatchObject({ code: 'NJ', joinerRemoteKey: joiner.key, nonce: NONCE, joinerNat: 'port_preserving' });
    send(host.socket, `RQ:${id}:${joiner.key}`);
    send(joiner.socket, `RQ:${id}:${host.key}`);
    const grants = [await host.next(), await joiner.next()];
    const relayPort = grants[0]!.code === 'RG' ? decodeKey(grants[0]!.relayKey)!.port : 0;
    for (const [i, side] of [host, joiner].entries()) {
      const grant = grants[i]!;
      expect(grant.code).toBe('RG');
      send(side.socket, `RB:${grant.code === 'RG' ? grant.token : ''}`, relayPort);
      expect(await side.next()).toMatchObject({ code: 'RA' });
    }
    send(host.socket, 'KA:through the relay', relayPort);
    send(host.socket, `KA:${id}:${NONCE}`); // Never answered: the next datagram the joiner gets is the relayed one.
    const relayed = await new Promise<string>((done) => joiner.socket.once('message', (d) => done(d.toString('latin1'))));
    expect(relayed).toBe('KA:through the relay');
  });
});
