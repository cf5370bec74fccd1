/**
 * JS with malformed codes (too short, too long, letters that are no bigram, up to
 * 480 bytes) from 6 addresses at about 7 a second each, each address with one kind of code so
 * that every answer is measured against the request it answers. An original client that
 * mistypes must get BK; no answer may be larger than its request, or the server reflects.
 */
import type { RunContext } from '../context.ts';
import { bindMany } from '../net.ts';
import { type Attack, attacker, count, list, paced } from './attack.ts';

const PER_SECOND = 40;

export class MalformedCodes implements Attack {
  readonly name = 'malformed-codes';
  readonly what = `${PER_SECOND} JS/s from 6 addresses with malformed codes of 1 to 480 letters`;
  readonly counters = /bad_field|field_count|code="BK"/;
  private readonly answers = new Map<string, number>();
  private bytesIn = 0;
  private bytesOut = 0;
  private worst = 0;

  async run(ctx: RunContext): Promise<void> {
    const codes = [
      `${ctx.serverKey}cyahq`, 'q', `${ctx.serverKey}${'zz'.repeat(4)}`, 'cy'.repeat(240), `${ctx.serverKey}cy`, `${ctx.serverKey}CYAH`,
    ];
    const peers = await bindMany(codes.length, (i) => attacker(12, i));
    const datagrams = peers.map((peer, i) => `JS:${peer.key}:${codes[i]}`);
    peers.forEach((peer, i) => {
      peer.on((a) => {
        // By the first bytes: a BK echoing a malformed code is no valid BK to the decoder.
        count(this.answers, a.data.subarray(0, 2).toString('latin1'));
        this.bytesIn += a.data.length;
        this.worst = Math.max(this.worst, a.data.length / datagrams[i]!.length);
      });
    });
    await paced(ctx, PER_SECOND, (i) => {
      const k = i % peers.length;
      this.bytesOut += datagrams[k]!.length;
      peers[k]!.send(ctx.main, datagrams[k]!);
    });
    for (const peer of peers) peer.close();
  }

  violations(): string[] {
    return this.worst > 1 ? [`an answer ${this.worst.toFixed(2)} times as large as its malformed JS`] : [];
  }

  report(): string[] {
    return [`answers ${list(this.answers)}; bytes answered ${this.bytesIn} for ${this.bytesOut} sent, largest answer/request ${this.worst.toFixed(2)}`];
  }
}
