/**
 * Guessing session codes from a /24: 64 addresses, each 20 JS a second (within the
 * per-address limit) with random codes of the default length. Counts what the server evaluated
 * (BK: a guess tried and missed; JR: a hit) and turns the evaluated rate into the time to hit one
 * of 100,000 live sessions with 4-bigram codes.
 */
import { BIGRAMS } from '../../../server/src/generated/protocol.ts';
import type { RunContext } from '../context.ts';
import { bindMany } from '../net.ts';
import { type Attack, attacker, count, list, paced } from './attack.ts';

const ADDRESSES = 64;
const PER_ADDRESS = 20;
const CODES = 256 ** 4;
const LIVE_SESSIONS = 100_000;

export class CodeGuessing implements Attack {
  readonly name = 'code-guessing';
  readonly what = `${ADDRESSES} addresses of a /24 x ${PER_ADDRESS} JS/s with random 4-bigram codes`;
  readonly counters = /guess|budget|failed_join|code="BK"/;
  private readonly answers = new Map<string, number>();
  private sent = 0;
  private legitHits = 0;
  private seconds = 0;

  async run(ctx: RunContext): Promise<void> {
    const peers = await bindMany(ADDRESSES, (i) => attacker(11, i));
    for (const peer of peers) {
      peer.on((a) => {
        if (!a.message) return;
        count(this.answers, a.message.code);
        if (a.message.code === 'JR' && ctx.legitKeys.has(a.message.hostRemoteKey)) this.legitHits++;
      });
    }
    const started = Date.now();
    await paced(ctx, ADDRESSES * PER_ADDRESS, (i) => {
      const peer = peers[i % peers.length]!;
      const suffix = Array.from({ length: 4 }, () => BIGRAMS[Math.floor(Math.random() * 256)]).join('');
      peer.send(ctx.main, { code: 'JS', localKey: peer.key, sessionId: `${ctx.serverKey}${suffix}` });
      this.sent++;
    });
    this.seconds = (Date.now() - started) / 1000;
    for (const peer of peers) peer.close();
  }

  report(): string[] {
    const evaluated = (this.answers.get('BK') ?? 0) + (this.answers.get('JR') ?? 0);
    const perSecond = this.seconds ? evaluated / this.seconds : 0;
    const minutes = perSecond ? CODES / LIVE_SESSIONS / perSecond / 60 : Infinity;
    return [
      `sent ${this.sent}, answered ${list(this.answers)}; legitimate sessions hit ${this.legitHits}`,
      `guesses evaluated ${perSecond.toFixed(0)}/s from the /24: one of ${LIVE_SESSIONS.toLocaleString('en')} live sessions every ${minutes.toFixed(1)} min on average`,
    ];
  }
}
