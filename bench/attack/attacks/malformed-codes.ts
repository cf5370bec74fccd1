/**
 * Issue 10 #12: JS with malformed codes (too short, too long, letters that are no bigram, up to
 * 480 bytes) from 4 addresses at 10 a second each. An original client that mistypes must get BK;
 * no answer may be larger than its request, or the server reflects.
 */
import type { RunContext } from '../context.ts';
import { bindMany } from '../net.ts';
import { type Attack, attacker, count, list, paced } from './attack.ts';

const ADDRESSES = 4;

export class MalformedCodes implements Attack {
  readonly name = 'malformed-codes';
  readonly what = `${ADDRESSES} addresses x 10 JS/s with malformed codes of 1 to 480 letters`;
  readonly counters = /bad_field|field_count|code="BK"/;
  private readonly answers = new Map<string, number>();
  private bytesIn = 0;
  private bytesOut = 0;
  private worst = 0;

  async run(ctx: RunContext): Promise<void> {
    const peers = await bindMany(ADDRESSES, (i) => attacker(12, i));
    const lastSent = new Map<string, number>();
    for (const peer of peers) {
      peer.on((a) => {
        // By the first bytes: a BK echoing a malformed code is no valid BK to the decoder.
        count(this.answers, a.data.subarray(0, 2).toString('latin1'));
        this.bytesIn += a.data.length;
        this.worst = Math.max(this.worst, a.data.length / (lastSent.get(peer.key) ?? 1));
      });
    }
    const codes = (i: number) => [
      `${ctx.serverKey}cyahq`, 'q', `${ctx.serverKey}${'zz'.repeat(4)}`, 'cy'.repeat(240), `${ctx.serverKey}cy`, `${ctx.serverKey}CYAH`,
    ][i % 6]!;
    await paced(ctx, ADDRESSES * 10, (i) => {
      const peer = peers[i % peers.length]!;
      const datagram = `JS:${peer.key}:${codes(i)}`;
      lastSent.set(peer.key, datagram.length);
      this.bytesOut += datagram.length;
      peer.send(datagram, ctx.main);
    });
    for (const peer of peers) peer.close();
  }

  report(): string[] {
    return [`answers ${list(this.answers)}; bytes answered ${this.bytesIn} for ${this.bytesOut} sent, largest answer/request ${this.worst.toFixed(2)}`];
  }
}
