/**
 * The table of one-sided relay requests filled from 10 addresses. Each address
 * hosts 32 sessions; each session gets 32 joiners (spoofed JS from addresses nobody listens on,
 * so they cost the attacker one datagram each); each host then asks a relay towards every
 * joiner, within the rate limit (40 RQ a second per address), cycling so no request goes stale.
 */
import { encodeKey, type Endpoint } from '../../../server/src/generated/protocol.ts';
import type { RunContext } from '../context.ts';
import { bindMany, sleep, type UdpClient } from '../net.ts';
import { type Attack, attacker, count, hostSession, list, paced, spoofed } from './attack.ts';

const ADDRESSES = 10;
const SESSIONS = 32;
const JOINERS = 32;
const RQ_PER_SECOND = 40;

export class PendingRelays implements Attack {
  readonly name = 'pending-relays';
  readonly what = `${ADDRESSES} addresses x ${SESSIONS} sessions x ${JOINERS} spoofed joiners, one RQ per pair at ${RQ_PER_SECOND}/s per address`;
  readonly counters = /pending|not_in_session/;
  private readonly outcomes = new Map<string, number>();
  private rqSent = 0;
  private note = '';

  async run(ctx: RunContext): Promise<void> {
    if (!ctx.raw) {
      this.note = 'skipped: spoofed joins need root';
      return;
    }
    const raw = ctx.raw;
    await Promise.all(Array.from({ length: ADDRESSES }, async (_, a) => {
      const hosts = await bindMany(SESSIONS, () => attacker(3, a));
      const sessions: Array<{ host: UdpClient; id: string; joiners: Endpoint[] }> = [];
      for (const host of hosts) {
        const id = await hostSession(ctx, host);
        if (!id) {
          count(this.outcomes, 'session refused');
          continue;
        }
        // Eight joiners per spoofed address, each address used once: no source nears its rate limit.
        const block = (a * SESSIONS + sessions.length) * (JOINERS / 8);
        const joiners = Array.from({ length: JOINERS }, (_, j) => ({ address: spoofed(3, block + (j >> 3)), port: 10_000 + j }));
        for (const joiner of joiners) raw.send(joiner, ctx.main, `JS:${encodeKey(joiner)}:${id}`);
        sessions.push({ host, id, joiners });
        count(this.outcomes, 'session with spoofed joiners');
        await sleep(30); // Spoofed joins at about a thousand a second in all.
      }
      const pairs = sessions.flatMap((s) => s.joiners.map((j) => ({ host: s.host, id: s.id, peerKey: encodeKey(j) })));
      if (pairs.length === 0) return;
      await paced(ctx, RQ_PER_SECOND, (i) => {
        const pair = pairs[i % pairs.length]!;
        pair.host.send(ctx.main, { code: 'RQ', sessionId: pair.id, peerKey: pair.peerKey });
        this.rqSent++;
      });
    }));
  }

  report(): string[] {
    return [this.note || `${list(this.outcomes)}; RQ sent ${this.rqSent}`];
  }
}
