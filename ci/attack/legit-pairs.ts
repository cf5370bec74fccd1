/**
 * Legitimate pairs: two strangers matched at random, and a pair that punches through nothing and
 * carries its data through the relay. Each flow resolves with null when it completed, or the
 * reason it did not.
 */
import { decodeKey, type Endpoint, type Message } from '../../server/src/generated/protocol.ts';
import type { RunContext } from './context.ts';
import { ANSWER_MS, type FlowResult, Host, legitPeer, oneOf, PUNCH_WAIT_MS, refusal } from './legit.ts';
import { sleep, type UdpClient } from './net.ts';
import { Punch } from './punch.ts';

/**
 * Both players of a pair keep punching until both are done, as nodes keep a punched path open:
 * one that stopped at its first RD would leave a peer whose first pings went unheard.
 */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((done) => { open = done; });
  return () => {
    if (++arrived >= parties) open();
    return opened;
  };
}

/** One stranger asking for a random match: connected when RD comes back from a legitimate player. */
async function randomPlayer(ctx: RunContext, peer: UdpClient, name: string, together: () => Promise<void>): Promise<FlowResult> {
  let result: FlowResult = null;
  try {
    result = await matchAndPunch(ctx, peer, name, together);
    return result;
  } finally {
    if (result !== null) void together();
  }
}

async function matchAndPunch(ctx: RunContext, peer: UdpClient, name: string, together: () => Promise<void>): Promise<FlowResult> {
  const rs: Message = { code: 'RS', localKey: peer.key };
  const answer = await peer.resend(ctx.main, rs, oneOf('HR', 'JR', 'RF'), ANSWER_MS);
  const message = answer?.message;
  if (message?.code === 'JR') {
    const punch = new Punch(ctx, peer, name, message.hostRemoteKey, message.hostLocalKey);
    try {
      if (await punch.wait(PUNCH_WAIT_MS)) {
        await together();
        return null;
      }
      return ctx.legitKeys.has(message.hostRemoteKey) ? 'matched player never answered' : 'matched with an attacker';
    } finally {
      punch.stop();
    }
  }
  if (message?.code !== 'HR') return refusal(answer, 'HR or JR');
  // Waiting as the random host until a stranger is introduced.
  const host = new Host(ctx, peer, message.sessionId, name);
  try {
    const deadline = Date.now() + PUNCH_WAIT_MS;
    while (Date.now() < deadline) {
      for (const [key, punch] of host.punches) {
        if (punch.heard) {
          await together();
          return null;
        }
        if (!ctx.legitKeys.has(key) && Date.now() + 100 > deadline) return 'matched with an attacker';
      }
      await sleep(50);
    }
    const strangers = [...host.punches.keys()];
    if (strangers.length === 0) return 'never matched';
    return strangers.every((k) => !ctx.legitKeys.has(k)) ? 'matched with an attacker' : 'matched player never answered';
  } finally {
    host.close();
  }
}

/** Two strangers ask for a random match 100 ms apart; both must connect to a legitimate player. */
export async function randomPairFlow(ctx: RunContext, n: number): Promise<FlowResult> {
  const a = await legitPeer(ctx, 'random', n, 0);
  const b = await legitPeer(ctx, 'random', n, 1);
  const together = barrier(2);
  try {
    const [ra, rb] = await Promise.all([
      randomPlayer(ctx, a, `legit-random-${n}-a`, together),
      sleep(100).then(() => randomPlayer(ctx, b, `legit-random-${n}-b`, together)),
    ]);
    return ra ?? rb;
  } finally {
    await sleep(100);
    a.close();
    b.close();
  }
}

/**
 * Relayed bytes a side pushes: paced, each datagram numbered so the far side counts what arrived.
 * 2 KB/s each way: the run's relay bandwidth is scaled down 8 times (512 KB/s in all), and this
 * stays below a fair share even when every relay the attackers may hold is busy.
 */
const PUSH = { datagrams: 48, bytes: 250, perSecond: 8 } as const;
const DELIVERED_SHARE = 0.95;

/** Asks for a relay (RQ until RG), binds (RB until RA); the relay's endpoint, or why not. */
async function relayFor(ctx: RunContext, side: UdpClient, sessionId: string, peerKey: string): Promise<Endpoint | string> {
  const granted = await side.resend(ctx.main, { code: 'RQ', sessionId, peerKey }, oneOf('RG', 'RF'), ANSWER_MS);
  if (granted?.message?.code !== 'RG') return `relay request: ${refusal(granted, 'RG')}`;
  const relay = decodeKey(granted.message.relayKey)!;
  const token = granted.message.token;
  const bound = await side.resend(relay, { code: 'RB', token }, (a) => a.message?.code === 'RA' && a.message.token === token, ANSWER_MS);
  if (!bound) return 'relay bind: no RA (silence)';
  return relay;
}

/**
 * A host and a joiner that could not punch (as behind port-randomising NATs): both ask for a
 * relay, bind to it and push paced data both ways; complete when 95% arrived each way.
 */
export async function relayedPairFlow(ctx: RunContext, n: number): Promise<FlowResult> {
  const hostPeer = await legitPeer(ctx, 'relayed', n, 0);
  const joiner = await legitPeer(ctx, 'relayed', n, 1);
  const host = await Host.register(ctx, hostPeer, `legit-relayed-host-${n}`);
  try {
    if (typeof host === 'string') return `host: ${host}`;
    const jr = await joiner.resend(ctx.main, { code: 'JS', localKey: joiner.key, sessionId: host.sessionId }, oneOf('JR', 'BK', 'RF'), ANSWER_MS);
    if (jr?.message?.code !== 'JR') return `joiner: ${refusal(jr, 'JR')}`;
    const [hostRelay, joinerRelay] = await Promise.all([
      relayFor(ctx, hostPeer, host.sessionId, jr.message.joinerRemoteKey),
      relayFor(ctx, joiner, host.sessionId, jr.message.hostRemoteKey),
    ]);
    if (typeof hostRelay === 'string') return `host ${hostRelay}`;
    if (typeof joinerRelay === 'string') return `joiner ${joinerRelay}`;
    const [toJoiner, toHost] = await Promise.all([push(hostPeer, hostRelay, joiner), push(joiner, joinerRelay, hostPeer)]);
    const worst = Math.min(toJoiner, toHost);
    return worst >= DELIVERED_SHARE ? null : `relay delivered ${Math.round(toJoiner * 100)}% to the joiner, ${Math.round(toHost * 100)}% to the host`;
  } finally {
    if (typeof host !== 'string') host.close();
    await sleep(100);
    hostPeer.close();
    joiner.close();
  }
}

/** Pushes PUSH.datagrams from [from] through [relay]; the share [to] received. */
async function push(from: UdpClient, relay: Endpoint, to: UdpClient): Promise<number> {
  const seen = new Set<number>();
  const off = to.on((a) => {
    if (a.data.length === PUSH.bytes && a.data[0] === 0) seen.add(a.data.readUInt32BE(1));
  });
  for (let i = 0; i < PUSH.datagrams; i++) {
    const data = Buffer.alloc(PUSH.bytes, 0x55);
    data[0] = 0; // Like an ENet header: never a protocol message.
    data.writeUInt32BE(i, 1);
    from.send(relay, data);
    await sleep(1000 / PUSH.perSecond);
  }
  await sleep(300);
  off();
  return seen.size / PUSH.datagrams;
}
