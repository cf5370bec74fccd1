/**
 * Joins and random requests of ours spoofed from a victim (a canary): a host of ours punches whoever
 * the server introduces, and probes it on a NAT claim. The attacker knows a session's code (its
 * host stands in for a host of ours) and sends 20 spoofed JS a second from the victim, with a
 * nonce and "port_randomising", and 5 spoofed RS a second likewise, which would match the victim
 * with a waiting stranger or leave it waiting as a random host for the next. Counted: NJ naming
 * the victim at the host, and what reached the victim from the server by code: HR, JR or NJ mean
 * it was registered or introduced (a real stranger would punch it); RC alone is the proof asked of
 * it, never longer than the request.
 */
import { encodeKey, type Message } from '../../../server/src/generated/protocol.ts';
import { newToken } from '../../../server/src/sessions/tokens.ts';
import type { RunContext } from '../context.ts';
import { bindPeer, Canary, type UdpClient } from '../net.ts';
import { type Attack, attacker, every, oneOf, paced } from './attack.ts';

export class SpoofedJoin implements Attack {
  readonly name = 'spoofed-join';
  readonly what = 'JS (20/s) and RS (5/s) of ours spoofed from a victim, NAT claim "port_randomising", at a hosted and a random host';
  readonly counters = /bad_cookie|amplification|"RC"|"NJ"/;
  private note = '';
  private spoofed = 0;
  private spoofedBytes = 0;
  private introduced = 0;
  private victim: Canary | null = null;
  private readonly atVictim = new Map<string, number>();

  async run(ctx: RunContext): Promise<void> {
    if (!ctx.raw) {
      this.note = 'skipped: raw sockets need root';
      return;
    }
    const raw = ctx.raw;
    const victim = this.victim = await Canary.open('127.99.0.3');
    victim.peer.on((a) => {
      const code = a.message?.code ?? 'junk';
      this.atVictim.set(code, (this.atVictim.get(code) ?? 0) + 1);
    });
    const hosted = await bindPeer(attacker(15, 1));
    try {
      const sessionId = await this.register(ctx, hosted, { code: 'HS', localKey: hosted.key, nonce: newToken() });
      if (!sessionId) {
        this.note = 'the host could not register';
        return;
      }
      const victimKey = encodeKey(victim.endpoint);
      hosted.on((a) => { if (a.message?.code === 'NJ' && a.message.joinerRemoteKey === victimKey) this.introduced++; });
      const spoof = (text: string) => {
        raw.send(victim.endpoint, ctx.main, text);
        this.spoofed++;
        this.spoofedBytes += text.length;
      };
      await Promise.all([
        paced(ctx, 20, () => spoof(`JS:${victimKey}:${sessionId}:${newToken()}:port_randomising`)),
        paced(ctx, 5, () => spoof(`RS:${victimKey}:${newToken()}:port_randomising`)),
      ]);
    } finally {
      hosted.close();
    }
  }

  /** Registers [host] with [request] and keeps it alive; its session id, or null. */
  private async register(ctx: RunContext, host: UdpClient, request: Extract<Message, { code: 'HS' }>): Promise<string | null> {
    const answer = await host.resend(ctx.main, request, oneOf('HR', 'RF'), 3000);
    if (answer?.message?.code !== 'HR') return null;
    const { sessionId } = answer.message;
    void every(ctx, 5000, () => host.send(ctx.main, { code: 'KA', sessionId, nonce: request.nonce }));
    return sessionId;
  }

  report(): string[] {
    if (this.note) return [this.note];
    const v = this.victim!;
    const codes = [...this.atVictim].map(([code, n]) => `${code} ${n}`).join(', ') || 'nothing';
    return [`spoofed requests ${this.spoofed} (${this.spoofedBytes} B); NJ naming the victim at the host ${this.introduced}; at the victim ${v.received} datagrams, ${v.bytes} B (${codes})`];
  }

  violations(): string[] {
    const v = this.victim;
    const out: string[] = [];
    if (this.introduced > 0) out.push(`${this.introduced} NJ introduced a spoofed joiner to a host`);
    const registered = ['HR', 'JR', 'NJ'].reduce((n, code) => n + (this.atVictim.get(code) ?? 0), 0);
    if (registered > 0) out.push(`the victim was registered or introduced ${registered} times (HR, JR, NJ)`);
    if (v && v.bytes > this.spoofedBytes) out.push(`the victim got ${v.bytes} B for ${this.spoofedBytes} B of spoofed requests`);
    return out;
  }
}
