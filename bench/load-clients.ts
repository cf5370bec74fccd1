/**
 * The load generator's clients (bench/load.ts): each a socket (two for a pair) on its own address,
 * brought to the state its request type needs (registered hosts, cookies, relays) before the loops.
 */
import dgram from 'node:dgram';
import { BIGRAMS, encodeKey } from '../server/src/generated/protocol.ts';
import type { Kind, Target } from './load-commands.ts';

export const LOCAL = encodeKey({ address: '10.0.0.2', port: 4000 });
export const NO_IP6 = 'cy'.repeat(8);

export function token(seed: number): string {
  let text = '';
  for (let i = 0; i < 8; i++) text += BIGRAMS[(seed * 2654435761 + i * 40503) % 256 >>> 0]!;
  return text;
}

export interface Client {
  readonly kind: Kind;
  readonly socket: dgram.Socket;
  /** The relay pair's receiving side; the host of a join. */
  readonly other?: dgram.Socket;
  readonly nonce: string;
  request: Buffer;
  /** Send time of the request awaiting its answer, or -1. */
  pending: number;
  /** Not ready for a new request (a random host waiting for its stranger). */
  busy: boolean;
  sessionId: string;
  cookie: string;
  /** The relay's port (relay clients). */
  relayPort: number;
  /** Answers so far (the echo's random clients close every second one, as hosts do). */
  turns: number;
}

export async function bound(address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
  await new Promise<void>((done) => socket.bind(0, address, done));
  return socket;
}

const keyOf = (s: dgram.Socket) => encodeKey({ address: s.address().address, port: s.address().port });

/** Sends [text] to [port] until a datagram [accept] takes arrives (five tries); its text. */
async function ask(socket: dgram.Socket, text: string, accept: (reply: string) => boolean, port: number): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const reply = await new Promise<string | null>((done) => {
      const timer = setTimeout(() => { socket.off('message', on); done(null); }, 300);
      const on = (d: Buffer) => {
        const t = d.toString('latin1');
        if (!accept(t)) return;
        clearTimeout(timer);
        socket.off('message', on);
        done(t);
      };
      socket.on('message', on);
      socket.send(text, port, '127.0.0.1');
    });
    if (reply !== null) return reply;
  }
  throw new Error(`no answer to ${text.slice(0, 2)}`);
}

/** A session id of the target's key: a real one's length. */
export const fakeId = (target: Target, seed: number) => `${target.serverKey}${token(seed).slice(0, 8)}`;

/** Brings [c] to the state its requests need against [target], and builds its request. */
export async function prepare(c: Client, target: Target): Promise<void> {
  const { nonce } = c;
  const full = (head: string) => `${head}:${nonce}:port_preserving:${NO_IP6}:${NO_IP6}:${NO_IP6}`;
  const cookie = async (head: string) => {
    if (target.echo) return NO_IP6;
    return (await ask(c.socket, full(head), (t) => t.startsWith('RC:'), target.port)).split(':')[1]!;
  };
  switch (c.kind) {
    case 'register':
      c.request = Buffer.from(`HS:${LOCAL}:${nonce}:port_preserving`, 'latin1');
      return;
    case 'keepalive':
    case 'join': {
      const host = c.kind === 'join' ? c.other! : c.socket;
      if (!target.echo) {
        c.sessionId = (await ask(host, `HS:${LOCAL}:${nonce}:port_preserving`, (t) => t.startsWith('HR:'), target.port)).split(':')[2]!;
        host.send(`KA:${c.sessionId}:${nonce}`, target.port, '127.0.0.1');
      }
      c.turns = 1;
      if (c.kind === 'keepalive') {
        c.request = Buffer.from(`KA:${c.sessionId}:${nonce}`, 'latin1');
        return;
      }
      const head = `JS:${LOCAL}:${c.sessionId}`;
      c.cookie = await cookie(head);
      c.request = Buffer.from(`${full(head)}:${c.cookie}`, 'latin1');
      if (!target.echo) await ask(c.socket, c.request.toString('latin1'), (t) => t.startsWith('JR:'), target.port);
      return;
    }
    case 'badcode': {
      const head = `JS:${LOCAL}:${target.serverKey}${token(7).slice(0, 8)}`;
      c.cookie = await cookie(head);
      c.request = Buffer.from(`${full(head)}:${c.cookie}`, 'latin1');
      return;
    }
    case 'random': {
      const head = `RS:${LOCAL}`;
      c.cookie = await cookie(head);
      c.request = Buffer.from(`${full(head)}:${c.cookie}`, 'latin1');
      return;
    }
    case 'relay': {
      c.request = Buffer.alloc(100, 0x67);
      if (target.echo) return;
      const host = c.socket;
      const joiner = c.other!;
      const id = (await ask(host, `HS:${LOCAL}`, (t) => t.startsWith('HR:'), target.port)).split(':')[2]!;
      await ask(joiner, `JS:${LOCAL}:${id}`, (t) => t.startsWith('JR:'), target.port);
      host.send(`RQ:${id}:${keyOf(joiner)}`, target.port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 20));
      const hostGrant = new Promise<string>((done) => host.once('message', (d) => done(d.toString('latin1'))));
      const grant = await ask(joiner, `RQ:${id}:${keyOf(host)}`, (t) => t.startsWith('RG:'), target.port);
      const [, , relayKey, hostToken] = (await hostGrant).split(':');
      c.relayPort = Number(/:(\d+)$/.exec(relayPort(relayKey!))![1]);
      await ask(host, `RB:${hostToken}`, (t) => t.startsWith('RA:'), c.relayPort);
      await ask(joiner, `RB:${grant.split(':')[3]}`, (t) => t.startsWith('RA:'), c.relayPort);
    }
  }
}

/** "address:port" of a key. */
function relayPort(key: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < 12; i += 2) bytes.push(BIGRAMS.indexOf(key.slice(i, i + 2) as (typeof BIGRAMS)[number]));
  return `${bytes.slice(0, 4).join('.')}:${bytes[4]! * 256 + bytes[5]!}`;
}
