/**
 * Issue 10 #8: peer slots filled with one-datagram joins. For every leaked code, 32 sockets on 32
 * addresses of the attacker's /24 each send a single JS (and never punch); the legitimate
 * players who type the code 1.5 s later must still get in.
 */
import type { RunContext } from '../context.ts';
import { Peer, sleep } from '../net.ts';
import { type Attack, attacker, count, list } from './attack.ts';

const JOINS = 32;

export class SlotFilling implements Attack {
  readonly name = 'slot-filling';
  readonly what = `${JOINS} one-datagram JS from ${JOINS} addresses of a /24 to every leaked code`;
  readonly counters = /session_full|slots reclaimed/;
  private readonly answers = new Map<string, number>();
  private codes = 0;

  async run(ctx: RunContext): Promise<void> {
    ctx.leaks.subscribe((code) => void this.fill(ctx, code));
    while (ctx.running()) await sleep(200);
  }

  private async fill(ctx: RunContext, code: string): Promise<void> {
    this.codes++;
    const peers = await Promise.all(Array.from({ length: JOINS }, (_, i) => Peer.bind(attacker(8, i))));
    for (const peer of peers) {
      peer.on((a) => { if (a.message) count(this.answers, a.message.code); });
      peer.send({ code: 'JS', localKey: peer.key, sessionId: code }, ctx.main);
    }
    await sleep(2000);
    for (const peer of peers) peer.close();
  }

  report(): string[] {
    return [`codes filled ${this.codes}; answers ${list(this.answers)}`];
  }
}
