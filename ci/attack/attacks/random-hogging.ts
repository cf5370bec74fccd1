/**
 * One address takes the random matches: 20 RS a second, each from a fresh port on
 * the same IP, each socket kept 8 s to hear who it was matched with; it never answers a peer.
 * The extra variant (random-hogging-24, `--extra`) spreads the same over 8 addresses of a /24,
 * 20 RS a second each, so that every address stays within a per-address budget.
 */
import type { RunContext } from '../context.ts';
import { bindPeer, sleep } from '../net.ts';
import { type Attack, attacker, count, list, paced } from './attack.ts';

const PER_ADDRESS = 20;

export class RandomHogging implements Attack {
  readonly name: string;
  readonly what: string;
  readonly counters = /match|random/;
  private readonly answers = new Map<string, number>();
  private legitMatched = 0;

  constructor(private readonly addresses = 1) {
    this.name = addresses === 1 ? 'random-hogging' : 'random-hogging-24';
    this.what = addresses === 1
      ? `one IP, ${PER_ADDRESS} RS/s from fresh ports, never answering the stranger`
      : `${addresses} IPs of a /24, ${PER_ADDRESS} RS/s each from fresh ports, never answering the stranger`;
  }

  async run(ctx: RunContext): Promise<void> {
    // The /24 variant on addresses of its own, so both can run at once.
    const first = this.addresses === 1 ? 1 : 10;
    await paced(ctx, PER_ADDRESS * this.addresses, (i) => void this.one(ctx, attacker(6, first + (i % this.addresses))));
  }

  private async one(ctx: RunContext, address: string): Promise<void> {
    const peer = await bindPeer(address);
    peer.on((a) => {
      const m = a.message;
      if (!m) return;
      count(this.answers, m.code);
      const stranger = m.code === 'JR' ? m.hostRemoteKey : m.code === 'NJ' ? m.joinerRemoteKey : null;
      if (stranger && ctx.legitKeys.has(stranger)) this.legitMatched++;
    });
    peer.send(ctx.main, { code: 'RS', localKey: peer.key });
    await sleep(8000);
    peer.close();
  }

  report(): string[] {
    return [`answers ${list(this.answers)}; matched with a legitimate stranger ${this.legitMatched} times`];
  }
}
