/**
 * Issue 10 #6: one address takes the random matches: 20 RS a second, each from a fresh port on
 * the same IP, each socket kept 8 s to hear who it was matched with; it never answers a peer.
 */
import type { RunContext } from '../context.ts';
import { Peer, sleep } from '../net.ts';
import { type Attack, attacker, count, list, paced } from './attack.ts';

export class RandomHogging implements Attack {
  readonly name = 'random-hogging';
  readonly what = 'one IP, 20 RS/s from fresh ports, never answering the stranger';
  readonly counters = /match|random/;
  private readonly answers = new Map<string, number>();
  private legitMatched = 0;

  async run(ctx: RunContext): Promise<void> {
    await paced(ctx, 20, () => void this.one(ctx));
  }

  private async one(ctx: RunContext): Promise<void> {
    const peer = await Peer.bind(attacker(6, 1));
    peer.on((a) => {
      const m = a.message;
      if (!m) return;
      count(this.answers, m.code);
      const stranger = m.code === 'JR' ? m.hostRemoteKey : m.code === 'NJ' ? m.joinerRemoteKey : null;
      if (stranger && ctx.legitKeys.has(stranger)) this.legitMatched++;
    });
    peer.send({ code: 'RS', localKey: peer.key }, ctx.main);
    await sleep(8000);
    peer.close();
  }

  report(): string[] {
    return [`answers ${list(this.answers)}; matched with a legitimate stranger ${this.legitMatched} times`];
  }
}
