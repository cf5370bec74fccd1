/**
 * A dead host's session kept alive by datagrams from its address: a host of ours (with a nonce)
 * registers, confirms with one KA and goes silent. Every 5 s an HS without its nonce arrives
 * from its exact address, as a spoofer who learned the address would send it (sent here from
 * the host's own socket: the server cannot tell the difference). 30 s later (past --expiry) a
 * join tells whether the session still lives.
 */
import type { RunContext } from '../context.ts';
import { bindPeer, sleep } from '../net.ts';
import { type Attack, attacker, oneOf } from './attack.ts';

const NONCE = 'cyahjcdumwwhrvyq';
const DEAD_FOR_MS = 30_000;

export class SpoofedRefresh implements Attack {
  readonly name = 'spoofed-refresh';
  readonly what = 'HS without the host\'s nonce from a silent host\'s address every 5 s, to keep its session alive';
  readonly counters = /sessions_expired/;
  private outcome = 'not checked (the run ended first)';
  private alive = false;
  private resends = 0;

  async run(ctx: RunContext): Promise<void> {
    const host = await bindPeer(attacker(13, 1));
    const checker = await bindPeer(attacker(13, 2));
    try {
      const hr = await host.resend(ctx.main, { code: 'HS', localKey: host.key, nonce: NONCE }, oneOf('HR'), 3000);
      if (hr?.message?.code !== 'HR') {
        this.outcome = 'no session to keep';
        return;
      }
      const sessionId = hr.message.sessionId;
      host.send(ctx.main, { code: 'KA', sessionId, nonce: NONCE });
      const until = ctx.elapsed() + DEAD_FOR_MS;
      while (ctx.running() && ctx.elapsed() < until) {
        host.send(ctx.main, { code: 'HS', localKey: host.key });
        this.resends++;
        await sleep(5000);
      }
      if (!ctx.running()) return;
      const answer = await checker.resend(ctx.main, { code: 'JS', localKey: checker.key, sessionId }, oneOf('JR', 'BK'), 3000);
      this.alive = answer?.message?.code === 'JR';
      this.outcome = this.alive ? 'alive (a join was answered JR)' : answer ? 'expired (a join was answered BK)' : 'no answer to the join';
    } finally {
      host.close();
      checker.close();
    }
  }

  report(): string[] {
    return [`HS without the nonce sent ${this.resends}; the silent host's session after ${DEAD_FOR_MS / 1000} s: ${this.outcome}`];
  }

  violations(): string[] {
    return this.alive ? ['a silent host\'s session outlived --expiry on resends without its nonce'] : [];
  }
}
