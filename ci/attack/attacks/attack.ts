/** What every attack provides, and the moves several attacks share. */
import { decodeKey, type Endpoint, type Message } from '../../../server/src/generated/protocol.ts';
import type { RunContext } from '../context.ts';
import { type Arrival, bindPeer, loopback, sleep, type UdpClient } from '../net.ts';

export interface Attack {
  /** Short name, as `--skip` takes it. */
  readonly name: string;
  /** One line: who does what. */
  readonly what: string;
  /** Server counters (metric names with labels) that tell about this attack. */
  readonly counters: RegExp;
  /** Runs until the run winds down (ctx.running() turns false), then releases its sockets. */
  run(ctx: RunContext): Promise<void>;
  /** What the attacker itself saw, one line per figure. */
  report(): string[];
  /** What makes the run fail besides legitimate flows: harm the attacker did to third parties. */
  violations?(): string[];
}

/** Attackers live in 127.66.<attack>.x; spoofed sources in 127.<67 + attack>.0.0/16 (nobody listens there). */
export const attacker = (attack: number, host: number) => loopback(66, attack, host);
export const spoofed = (attack: number, n: number) => loopback(67 + attack, n >> 8, n & 255);

export const oneOf = (...codes: string[]) => (a: Arrival) => a.message !== null && codes.includes(a.message.code);

/** Calls [tick] every [ms] until the run winds down. */
export async function every(ctx: RunContext, ms: number, tick: () => void | Promise<void>): Promise<void> {
  while (ctx.running()) {
    await tick();
    await sleep(ms);
  }
}

/** Sends about [perSecond] evenly spread datagrams via [send(i)] until the run winds down. */
export async function paced(ctx: RunContext, perSecond: number, send: (i: number) => void): Promise<number> {
  const started = performance.now();
  let sent = 0;
  while (ctx.running()) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) send(sent);
    await sleep(5);
  }
  return sent;
}

/** An attacker's own session: registered with HS, kept alive with KA as long as the run lasts. */
export async function hostSession(ctx: RunContext, host: UdpClient, localKey = host.key): Promise<string | null> {
  const answer = await host.resend(ctx.main, { code: 'HS', localKey }, oneOf('HR', 'RF'), 3000);
  if (answer?.message?.code !== 'HR') return null;
  const sessionId = answer.message.sessionId;
  void every(ctx, 5000, () => host.send(ctx.main, { code: 'KA', sessionId }));
  return sessionId;
}

export async function joinSession(ctx: RunContext, joiner: UdpClient, sessionId: string, localKey = joiner.key): Promise<Message | null> {
  const answer = await joiner.resend(ctx.main, { code: 'JS', localKey, sessionId }, oneOf('JR', 'BK', 'RF'), 3000);
  return answer?.message ?? null;
}

/** One side of a relay the attacker was granted. */
export interface RelaySide {
  readonly peer: UdpClient;
  readonly relay: Endpoint;
  readonly token: string;
}

/** Both sides of a pair ask for a relay (RQ until RG); the grants, or null when refused. */
export async function relayGrant(ctx: RunContext, sessionId: string, a: UdpClient, b: UdpClient): Promise<[RelaySide, RelaySide] | null> {
  const ask = async (side: UdpClient, peerKey: string): Promise<RelaySide | null> => {
    // A host relayed to several joiners tells its grants apart by the peer each names.
    const answer = await side.resend(ctx.main, { code: 'RQ', sessionId, peerKey },
      (a) => (a.message?.code === 'RG' && a.message.peerKey === peerKey) || oneOf('RF')(a), 4000);
    if (answer?.message?.code !== 'RG') return null;
    return { peer: side, relay: decodeKey(answer.message.relayKey)!, token: answer.message.token };
  };
  const [x, y] = await Promise.all([ask(a, b.key), ask(b, a.key)]);
  return x && y ? [x, y] : null;
}

/** RB until RA: true when bound. */
export async function bindRelay(side: RelaySide): Promise<boolean> {
  const answer = await side.peer.resend(side.relay, { code: 'RB', token: side.token },
    (a) => a.message?.code === 'RA' && a.message.token === side.token, 3000);
  return answer !== null;
}

/** A pair of attacker sockets with a session and a granted relay, not yet bound. */
export async function attackerRelay(ctx: RunContext, hostAddress: string, joinerAddress: string): Promise<[RelaySide, RelaySide] | null> {
  const host = await bindPeer(hostAddress);
  const joiner = await bindPeer(joinerAddress);
  const sessionId = await hostSession(ctx, host);
  if (!sessionId || (await joinSession(ctx, joiner, sessionId))?.code !== 'JR') return null;
  return relayGrant(ctx, sessionId, host, joiner);
}

export function count(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

export function list(map: Map<string, number>): string {
  return [...map].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}
