/**
 * Legitimate players, simulated with the protocol codec over real loopback sockets, each on an
 * address of its own /24 (so a per-network limit meets them as it would meet strangers). Every
 * flow resolves with null when it completed, or the reason it did not.
 */
import { type Endpoint, encodeKey, type Message } from '../../server/src/generated/protocol.ts';
import type { RunContext } from './context.ts';
import { type Arrival, bindPeer, loopback, sleep, type UdpClient } from './net.ts';
import { Punch } from './punch.ts';

export type FlowResult = string | null;

export const ANSWER_MS = 5000;
export const PUNCH_WAIT_MS = 8000;
const KEEP_ALIVE_MS = 5000;

/** Legitimate address families, one /16 per kind: 127.<kind>.<n>.<role>. */
export const LEGIT_NET = { hosted: 20, leaked: 21, random: 22, relayed: 23, junked: 24, mistyped: 25 } as const;

export async function legitPeer(ctx: RunContext, kind: keyof typeof LEGIT_NET, n: number, role: number): Promise<UdpClient> {
  const peer = await bindPeer(loopback(LEGIT_NET[kind], n, role));
  ctx.legitKeys.add(peer.key);
  return peer;
}

export const oneOf = (...codes: string[]) => (a: Arrival) => a.message !== null && codes.includes(a.message.code);
/** What the server said instead of the expected answer. */
export function refusal(answer: Arrival | null, expected: string): string {
  if (!answer) return `no ${expected} (silence)`;
  const m = answer.message as Message & { reason?: string };
  return `${m.code}${m.reason ? ` ${m.reason}` : ''} instead of ${expected}`;
}

/**
 * A registered host: keeps its session alive, punches towards every joiner the server introduces.
 * Its first KA goes at once after HR, as the node's does: it confirms the registration (proves the
 * return path) in one round trip.
 */
export class Host {
  readonly punches = new Map<string, Punch>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly off: () => void;

  constructor(private readonly ctx: RunContext, readonly peer: UdpClient, readonly sessionId: string, name: string) {
    this.off = peer.on((a) => {
      if (a.message?.code !== 'NJ' || this.punches.has(a.message.joinerRemoteKey)) return;
      this.punches.set(a.message.joinerRemoteKey, new Punch(ctx, peer, name, a.message.joinerRemoteKey, a.message.joinerLocalKey));
    });
    peer.send(ctx.main, { code: 'KA', sessionId });
    this.keepAlive = setInterval(() => peer.send(ctx.main, { code: 'KA', sessionId }), KEEP_ALIVE_MS);
  }

  static async register(ctx: RunContext, peer: UdpClient, name: string, random = false): Promise<Host | string> {
    const answer = await peer.resend(ctx.main, { code: random ? 'RS' : 'HS', localKey: peer.key }, oneOf('HR', 'RF'), ANSWER_MS);
    if (answer?.message?.code !== 'HR') return refusal(answer, 'HR');
    return new Host(ctx, peer, answer.message.sessionId, name);
  }

  /** True once [joiner] was introduced and its RD came back within [ms]. */
  async heard(joiner: Endpoint, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    const key = encodeKey(joiner);
    while (Date.now() < deadline) {
      const punch = this.punches.get(key);
      if (punch?.heard) return true;
      await sleep(50);
    }
    return false;
  }

  close(): void {
    clearInterval(this.keepAlive);
    this.off();
    for (const p of this.punches.values()) p.stop();
    // Three copies, as the node sends, since it frees its port at once.
    for (let i = 0; i < 3; i++) this.peer.send(this.ctx.main, { code: 'CS', sessionId: this.sessionId });
  }
}

/** A joiner: JS until JR, and on until it hears the host (the server's NJ to the host may be lost). */
async function join(ctx: RunContext, joiner: UdpClient, sessionId: string, name: string): Promise<Punch | string> {
  const js: Message = { code: 'JS', localKey: joiner.key, sessionId };
  const answer = await joiner.resend(ctx.main, js, oneOf('JR', 'BK', 'RF'), ANSWER_MS);
  if (answer?.message?.code !== 'JR') return refusal(answer, 'JR');
  const punch = new Punch(ctx, joiner, name, answer.message.hostRemoteKey, answer.message.hostLocalKey);
  void (async () => {
    for (let i = 0; i < 8 && !punch.heard; i++) {
      await sleep(1000);
      if (!punch.heard) joiner.send(ctx.main, js);
    }
  })();
  return punch;
}

/**
 * A player told BK (the session is full) types the code again every 5 s, for up to 20 s: a slot
 * held by a joiner that went silent must come free within that.
 */
async function joinRetyping(ctx: RunContext, joiner: UdpClient, sessionId: string, name: string): Promise<Punch | string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const punch = await join(ctx, joiner, sessionId, name);
    if (typeof punch !== 'string' || !punch.startsWith('BK') || Date.now() + 5000 > deadline) return punch;
    await sleep(5000);
  }
}

/**
 * Host registers, two joiners join, RD both ways between each joiner and the host, host closes.
 * With [leaked], griefers have the code 1.5 s before the players, and players retype it on BK.
 */
export async function hostedFlow(ctx: RunContext, n: number, leaked: boolean): Promise<FlowResult> {
  const kind = leaked ? 'leaked' : 'hosted';
  const hostPeer = await legitPeer(ctx, kind, n, 0);
  const joiners = [await legitPeer(ctx, kind, n, 1), await legitPeer(ctx, kind, n, 2)];
  const host = await Host.register(ctx, hostPeer, `legit-host-${n}`);
  const punches: Punch[] = [];
  try {
    if (typeof host === 'string') return `host: ${host}`;
    if (leaked) {
      ctx.leaks.post(host.sessionId);
      await sleep(1500); // Griefers have read the code by the time players type it.
    }
    const results = await Promise.all(joiners.map(async (joiner, i): Promise<FlowResult> => {
      const punch = await (leaked ? joinRetyping : join)(ctx, joiner, host.sessionId, `legit-joiner-${n}-${i}`);
      if (typeof punch === 'string') return `joiner: ${punch}`;
      punches.push(punch);
      if (!(await punch.wait(PUNCH_WAIT_MS))) return 'joiner never heard the host';
      if (!(await host.heard(joiner.endpoint, PUNCH_WAIT_MS))) return 'host never heard the joiner';
      return null;
    }));
    return results.find((r) => r !== null) ?? null;
  } finally {
    for (const p of punches) p.stop();
    if (typeof host !== 'string') host.close();
    await sleep(100);
    for (const p of [hostPeer, ...joiners]) p.close();
  }
}

/**
 * The host whose neighbour (the same public IP) sends junk for the whole run: it only registers
 * and keeps alive; [check] at the end is a joiner who must still get in.
 */
export class JunkedHost {
  private constructor(private readonly ctx: RunContext, readonly host: Host) {}

  static address(): string {
    return loopback(LEGIT_NET.junked, 0, 0);
  }

  static async start(ctx: RunContext): Promise<JunkedHost | string> {
    const peer = await legitPeer(ctx, 'junked', 0, 0);
    const host = await Host.register(ctx, peer, 'legit-junked-host');
    if (typeof host === 'string') {
      peer.close();
      return `host: ${host}`;
    }
    return new JunkedHost(ctx, host);
  }

  async check(): Promise<FlowResult> {
    const joiner = await legitPeer(this.ctx, 'junked', 1, 1);
    try {
      const punch = await join(this.ctx, joiner, this.host.sessionId, 'legit-junked-joiner');
      if (typeof punch === 'string') return `joiner after the junk: ${punch}`;
      try {
        if (!(await punch.wait(PUNCH_WAIT_MS))) return 'joiner never heard the host';
        if (!(await this.host.heard(joiner.endpoint, PUNCH_WAIT_MS))) return 'host never heard the joiner';
        return null;
      } finally {
        punch.stop();
      }
    } finally {
      this.host.close();
      await sleep(100);
      this.host.peer.close();
      joiner.close();
    }
  }
}

/**
 * An original client that mistypes a code: it sends a malformed JS once a second and must be
 * told BK (never more bytes than it sent), not left waiting.
 */
export async function mistypedJoinFlow(ctx: RunContext, n: number): Promise<FlowResult> {
  const peer = await legitPeer(ctx, 'mistyped', n, 0);
  try {
    const typo = `JS:${peer.key}:${ctx.serverKey}${n % 2 === 0 ? 'cyahq' : 'cyahcyaz'}`;
    const answer = await new Promise<Arrival | null>((done) => {
      // Read as bytes: a BK that echoes a malformed code does not decode as a valid BK.
      const got = peer.waitFor((a) => a.data.subarray(0, 3).toString('latin1') === 'BK:', 4000).then(done);
      void (async () => {
        for (let i = 0; i < 4; i++) {
          peer.send(ctx.main, typo);
          if (await Promise.race([got.then(() => true), sleep(1000).then(() => false)])) return;
        }
      })();
    });
    if (!answer) return 'no BK for a mistyped code (silence)';
    if (answer.data.length > typo.length) return `BK of ${answer.data.length} bytes for ${typo.length} sent`;
    return null;
  } finally {
    peer.close();
  }
}
