/**
 * Peer slots filled with one-datagram joins. For every leaked code, 32 sockets on 32
 * addresses of the attacker's /24 each send a single JS (and never punch); the legitimate
 * players who type the code 1.5 s later must still get in (they retype it on BK).
 * The extra variant (slot-holding, `--extra`) goes further: its joiners resend JS
 * every 5 s for 30 s, as a joiner that has not heard its host does, so no slot ever looks silent.
 */
import type { RunContext } from '../context.ts';
import { bindPeer, sleep } from '../net.ts';
import { type Attack, attacker, count, list } from './attack.ts';

const JOINS = 32;
const HOLD_MS = 30_000;
const RESEND_MS = 5000;

export class SlotFilling implements Attack {
  readonly name: string;
  readonly what: string;
  readonly counters = /session_full|slots reclaimed/;
  private readonly answers = new Map<string, number>();
  private codes = 0;

  /** [holding]: resend each join every 5 s instead of sending it once. */
  constructor(private readonly holding = false) {
    this.name = holding ? 'slot-holding' : 'slot-filling';
    this.what = holding
      ? `${JOINS} JS from ${JOINS} addresses of a /24 to every leaked code, each resent every ${RESEND_MS / 1000} s for ${HOLD_MS / 1000} s`
      : `${JOINS} one-datagram JS from ${JOINS} addresses of a /24 to every leaked code`;
  }

  async run(ctx: RunContext): Promise<void> {
    ctx.leaks.subscribe((code) => void this.fill(ctx, code));
    while (ctx.running()) await sleep(200);
  }

  private async fill(ctx: RunContext, code: string): Promise<void> {
    this.codes++;
    // Each variant on addresses of its own, so both can run at once.
    const peers = await Promise.all(Array.from({ length: JOINS }, (_, i) => bindPeer(attacker(8, (this.holding ? 100 : 0) + i))));
    for (const peer of peers) peer.on((a) => { if (a.message) count(this.answers, a.message.code); });
    const until = Date.now() + (this.holding ? HOLD_MS : 0);
    do {
      for (const peer of peers) peer.send(ctx.main, { code: 'JS', localKey: peer.key, sessionId: code });
      await sleep(this.holding ? RESEND_MS : 2000);
    } while (Date.now() < until && ctx.running());
    for (const peer of peers) peer.close();
  }

  report(): string[] {
    return [`codes filled ${this.codes}; answers ${list(this.answers)}`];
  }
}
