/**
 * The floor of a rendezvous in Node: what any server must do to answer the benchmark's clients,
 * and nothing more. The echo's socket (same options and buffers); every datagram decoded with the
 * protocol's codec; sessions in Maps by id, by host address and by random joiner, with fresh
 * random codes and pair secrets; HS → HR, KA and CS from the host (address and nonce), JS → JR +
 * NJ (BK when unknown), RS → HR or JR + NJ, RQ → RG on a relay port that forwards between the
 * bound sides; silent sessions expire. No rate limits, no cookie checks (a JS or RS without a
 * cookie gets a constant RC, so that clients that ask for one go on), no answer budgets, no fair
 * shares, no statistics: what the server's safeguards cost is what it spends beyond this.
 * A datagram "?" is answered with the count of datagrams received, as the echo does.
 * Usage: node --import tsx bench/minimal-rendezvous.ts  (prints "... listening on ADDRESS:PORT, server key: KEY")
 */
import type dgram from 'node:dgram';
import { decode, encode, encodeKey, type Endpoint, type Message, NO_TOKEN, type RandomSession } from '../server/src/generated/protocol.ts';
import { newSessionId } from '../server/src/sessions/session-codes.ts';
import { newToken } from '../server/src/sessions/tokens.ts';
import { RENDEZVOUS_BUFFER_BYTES, udpSocket } from '../server/src/udp-socket.ts';

type Nat = RandomSession['nat'];
interface Peer { readonly key: string; readonly to: Endpoint; local: string; secret?: string; nat: Nat }
interface Session {
  readonly id: string; readonly hostKey: string; readonly host: Endpoint; readonly local: string; readonly nonce?: string;
  readonly nat: Nat; readonly random: boolean; readonly peers: Map<string, Peer>; seenAt: number; readonly relays: Side[];
}
interface Side { readonly key: string; readonly to: Endpoint; readonly token: string; readonly nonce?: string; bound?: Endpoint; other?: Side }

const EXPIRY_MS = 60_000;
const ADDRESS = '127.0.0.1';
const byId = new Map<string, Session>();
const byHost = new Map<string, Session>();
const byJoiner = new Map<string, Session>();
/** Random hosts with no stranger yet, oldest first. */
const waiting = new Map<string, Session>();
/** Relay requests by pair until both sides asked; then each side by its token, and by its bound source. */
const asked = new Map<string, Side>();
const byToken = new Map<string, Side>();
const bound = new Map<string, Side>();
let received = 0;
let serverKey = '';
let relayKey = '';

const socket = udpSocket('udp4', RENDEZVOUS_BUFFER_BYTES);
const relay: dgram.Socket = udpSocket('udp4', 1 << 20);
const send = (to: Endpoint, message: Message) => socket.send(Buffer.from(encode(message), 'latin1'), to.port, to.address);
const copy = (e: Endpoint): Endpoint => ({ address: e.address, port: e.port });

function create(from: Endpoint, key: string, local: string, nonce: string | undefined, nat: Nat, random: boolean): Session {
  const id = newSessionId(serverKey, 4, (candidate) => byId.has(candidate))!;
  const session: Session = { id, hostKey: key, host: copy(from), local, nonce, nat, random, peers: new Map(), seenAt: performance.now(), relays: [] };
  byId.set(id, session);
  byHost.set(key, session);
  if (random) waiting.set(key, session);
  return session;
}

function remove(session: Session): void {
  byId.delete(session.id);
  byHost.delete(session.hostKey);
  waiting.delete(session.hostKey);
  for (const key of session.peers.keys()) if (byJoiner.get(key) === session) byJoiner.delete(key);
  for (const side of session.relays) {
    byToken.delete(side.token);
    if (side.bound) bound.delete(`${side.bound.address}:${side.bound.port}`);
  }
}

/** The host's own KA or CS: from its address, with its nonce. */
function own(id: string, key: string, nonce: string | undefined): Session | undefined {
  const session = byId.get(id);
  return session && session.hostKey === key && session.nonce === nonce ? session : undefined;
}

const newJoiner = (session: Session, peer: Peer): Message => ({
  code: 'NJ', joinerRemoteKey: peer.key, joinerLocalKey: peer.local, nonce: session.nonce, secret: peer.secret, joinerNat: peer.secret ? peer.nat : undefined,
});

/** Adds or refreshes joiner [key], then NJ to the host and JR to the joiner. */
function introduce(session: Session, from: Endpoint, key: string, local: string, nonce: string | undefined, nat: Nat): void {
  let peer = session.peers.get(key);
  if (peer) peer.local = local;
  else session.peers.set(key, peer = { key, to: copy(from), local, secret: nonce && session.nonce ? newToken() : undefined, nat });
  send(session.host, newJoiner(session, peer));
  send(from, {
    code: 'JR', joinerRemoteKey: key, hostRemoteKey: session.hostKey, hostLocalKey: session.local, nonce, secret: peer.secret,
    hostNat: peer.secret ? session.nat : undefined,
  });
}

function handle(data: Buffer, from: Endpoint): void {
  const result = decode(data);
  if (!result.ok) return;
  const m = result.message;
  const key = encodeKey(from);
  switch (m.code) {
    case 'HS': {
      const existing = byHost.get(key);
      if (existing?.random) return;
      const session = existing ?? create(from, key, m.localKey, m.nonce, m.nat, false);
      send(from, { code: 'HR', remoteKey: key, sessionId: session.id, nonce: m.nonce });
      return;
    }
    case 'KA': {
      const session = own(m.sessionId, key, m.nonce);
      if (session) session.seenAt = performance.now();
      return;
    }
    case 'CS': {
      const session = own(m.sessionId, key, m.nonce);
      if (session) remove(session);
      return;
    }
    case 'JS': {
      if (m.nonce !== undefined && m.cookie === undefined) return send(from, { code: 'RC', cookie: NO_TOKEN, nonce: m.nonce });
      const session = byId.get(m.sessionId);
      if (!session || session.random || session.hostKey === key) return send(from, { code: 'BK', sessionId: m.sessionId, nonce: m.nonce });
      return introduce(session, from, key, m.localKey, m.nonce, m.nat);
    }
    case 'RS': {
      if (m.nonce !== undefined && m.cookie === undefined) return send(from, { code: 'RC', cookie: NO_TOKEN, nonce: m.nonce });
      const hosted = byHost.get(key);
      if (hosted && !hosted.random) return;
      if (hosted) {
        const peer = hosted.peers.values().next().value;
        if (!peer) return send(from, { code: 'HR', remoteKey: key, sessionId: hosted.id, nonce: m.nonce });
        return send(from, newJoiner(hosted, peer));
      }
      const match = byJoiner.get(key) ?? waiting.values().next().value;
      if (!match) {
        const session = create(from, key, m.localKey, m.nonce, m.nat, true);
        return send(from, { code: 'HR', remoteKey: key, sessionId: session.id, nonce: m.nonce });
      }
      waiting.delete(match.hostKey);
      byJoiner.set(key, match);
      return introduce(match, from, key, m.localKey, m.nonce, m.nat);
    }
    case 'RQ': return relayRequest(m.sessionId, key, m.peerKey, from, m.nonce);
  }
}

/** RQ from a member of the session towards another: once both sides asked, RG to each. */
function relayRequest(id: string, key: string, peerKey: string, from: Endpoint, nonce: string | undefined): void {
  const session = byId.get(id);
  const members = session && [session.hostKey, ...session.peers.keys()];
  if (!session || !members!.includes(key) || !members!.includes(peerKey) || key === peerKey) return;
  const pair = `${id}|${[key, peerKey].sort().join('|')}`;
  const first = asked.get(pair);
  if (!first) return void asked.set(pair, { key, to: copy(from), token: newToken(), nonce });
  if (first.key === key) return;
  asked.delete(pair);
  const second: Side = { key, to: copy(from), token: newToken(), nonce, other: first };
  first.other = second;
  for (const side of [first, second]) {
    byToken.set(side.token, side);
    session.relays.push(side);
    send(side.to, { code: 'RG', peerKey: side.other!.key, relayKey, token: side.token, nonce: side.nonce });
  }
}

/** On the relay port: a bound side's datagram goes to the other side byte for byte; RB binds a side. */
function onRelay(data: Buffer, from: Endpoint): void {
  const source = `${from.address}:${from.port}`;
  const side = bound.get(source);
  if (side && !(data[0] === 0x52 && data[1] === 0x42 && data[2] === 0x3a)) {
    const other = side.other!;
    if (other.bound) relay.send(data, other.bound.port, other.bound.address);
    return;
  }
  const result = decode(data);
  if (!result.ok || result.message.code !== 'RB') return;
  const claimed = byToken.get(result.message.token);
  if (!claimed || claimed.to.address !== from.address || (claimed.bound && claimed.bound.port !== from.port)) return;
  claimed.bound ??= copy(from);
  bound.set(source, claimed);
  relay.send(Buffer.from(encode({ code: 'RA', token: claimed.token }), 'latin1'), from.port, from.address);
}

socket.on('message', (data, from) => {
  received++;
  if (data.length === 1 && data[0] === 0x3f) return void socket.send(String(received), from.port, from.address);
  try { handle(data, from); } catch { /* A send to an unusable address: the next datagram goes on. */ }
});
relay.on('message', (data, from) => {
  try { onRelay(data, from); } catch { /* As above. */ }
});
for (const s of [socket, relay]) s.on('error', () => {});

// Silent hosts' sessions end, as a rendezvous's must, or its tables only grow.
setInterval(() => {
  const cutoff = performance.now() - EXPIRY_MS;
  for (const session of byId.values()) if (session.seenAt < cutoff) remove(session);
}, 5_000).unref();

await new Promise<void>((done) => socket.bind(0, ADDRESS, done));
await new Promise<void>((done) => relay.bind(0, ADDRESS, done));
serverKey = encodeKey({ address: ADDRESS, port: socket.address().port });
relayKey = encodeKey({ address: ADDRESS, port: relay.address().port });
console.log(`minimal rendezvous listening on ${ADDRESS}:${socket.address().port}, server key: ${serverKey}`);
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
