/**
 * The total relay bandwidth taken by many small, evenly paced datagrams: 8 attacker
 * relays, both sides bound, each side sending 400-byte datagrams at 100 a second (640 KB/s in
 * all, above the run's --relay-total-bandwidth of 512 KB/s), while legitimate relayed pairs push
 * 250-byte datagrams at 2 KB/s each way.
 */
import type { RunContext } from '../context.ts';
import { sleep } from '../net.ts';
import { type Attack, attacker, attackerRelay, bindRelay, count, list, paced, type RelaySide } from './attack.ts';

const RELAYS = 8;
const PER_SECOND = 100;
const BYTES = 400;

export class RelayBandwidth implements Attack {
  readonly name = 'relay-bandwidth';
  readonly what = `${RELAYS} attacker relays, each side ${PER_SECOND} x ${BYTES} B/s evenly paced`;
  readonly counters = /bandwidth|relayed/;
  private readonly outcomes = new Map<string, number>();
  private sent = 0;
  private delivered = 0;

  async run(ctx: RunContext): Promise<void> {
    const sides: RelaySide[] = [];
    await Promise.all(Array.from({ length: RELAYS }, async (_, i) => {
      const pair = await attackerRelay(ctx, attacker(10, 2 * i), attacker(10, 2 * i + 1));
      if (!pair || !(await bindRelay(pair[0])) || !(await bindRelay(pair[1]))) return count(this.outcomes, 'relay refused');
      count(this.outcomes, 'relay bound');
      for (const side of pair) {
        side.peer.on((a) => { if (a.data.length === BYTES) this.delivered++; });
        sides.push(side);
      }
    }));
    if (sides.length === 0) return;
    await sleep(500);
    const payload = Buffer.alloc(BYTES, 0x42);
    payload[0] = 0;
    await paced(ctx, PER_SECOND * sides.length, (i) => {
      const side = sides[i % sides.length]!;
      side.peer.send(side.relay, payload);
      this.sent++;
    });
  }

  report(): string[] {
    return [`${list(this.outcomes)}; sent ${this.sent}, delivered ${this.delivered} (${this.sent ? Math.round((this.delivered / this.sent) * 100) : 0}%)`];
  }
}
