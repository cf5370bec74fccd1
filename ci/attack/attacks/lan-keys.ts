/**
 * LAN keys that point at third parties. Griefers join every leaked session, and ask
 * for random matches, claiming as their LAN address a canary on loopback that nobody uses, or a
 * public address (198.51.100.7:53, documentation range). The joiners never answer, so a host keeps
 * pinging both claimed paths; the random ones answer RD like players, so the match itself is no
 * loss to the stranger and only the claim does harm. Legitimate peers ping whatever LAN address the
 * server passes on: the canary counts what arrives, and pings to the public address are counted,
 * not sent.
 */
import { encodeKey } from '../../../server/src/generated/protocol.ts';
import type { RunContext } from '../context.ts';
import { bindPeer, sleep, type UdpClient } from '../net.ts';
import { type Attack, attacker, count, every, joinSession, list, oneOf } from './attack.ts';

/** Answers every RD with one, as a player's node does. */
function answerPings(peer: UdpClient): void {
  peer.on((a) => { if (a.message?.code === 'RD') peer.send(a.from, { code: 'RD', names: ['griefer'] }); });
}

const PUBLIC_VICTIM = encodeKey({ address: '198.51.100.7', port: 53 });

export class LanKeys implements Attack {
  readonly name = 'lan-keys';
  readonly what = 'JS to every leaked code and an RS every 3 s, claiming a canary (or 198.51.100.7:53) as LAN address';
  readonly counters = /lan|local/;
  private readonly answers = new Map<string, number>();
  private n = 0;

  async run(ctx: RunContext): Promise<void> {
    ctx.leaks.subscribe((code) => void this.join(ctx, code));
    await every(ctx, 3000, async () => {
      const peer = await bindPeer(attacker(5, 200));
      answerPings(peer);
      const claim = this.n++ % 2 === 0 ? ctx.lanCanary.key : PUBLIC_VICTIM;
      const answer = await peer.resend(ctx.main, { code: 'RS', localKey: claim }, oneOf('HR', 'JR', 'RF'), 2000);
      count(this.answers, `RS answered ${answer?.message?.code ?? 'nothing'}`);
      setTimeout(() => peer.close(), 10_000); // Stay matched while the stranger pings.
    });
  }

  private async join(ctx: RunContext, code: string): Promise<void> {
    const peer = await bindPeer(attacker(5, this.n % 100));
    const claim = this.n++ % 2 === 0 ? ctx.lanCanary.key : PUBLIC_VICTIM;
    const answer = await joinSession(ctx, peer, code, claim);
    count(this.answers, `JS answered ${answer?.code ?? 'nothing'}`);
    await sleep(10_000);
    peer.close();
  }

  report(): string[] {
    return [list(this.answers)];
  }
}
