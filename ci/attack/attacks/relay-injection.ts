/**
 * Traffic injected into a relay: the attacker's own relayed pair pushes 20 numbered datagrams
 * a second one way, while a raw socket sends 400 datagrams of 200 bytes a second to the relay
 * port from that side's exact address and port (what a spoofer who knows both addresses can
 * do to anyone's relay). Counts what reaches the other side: the spoofed datagrams forwarded as
 * the side's own, and the share of the pair's real ones delivered. The relay cannot tell them
 * apart (README, The relay); this measures what that costs, and is no violation.
 */
import type { RunContext } from '../context.ts';
import { sleep } from '../net.ts';
import { type Attack, attacker, attackerRelay, bindRelay, paced } from './attack.ts';

const REAL_PER_SECOND = 20;
const SPOOFED_PER_SECOND = 400;

export class RelayInjection implements Attack {
  readonly name = 'relay-injection';
  readonly what = `${SPOOFED_PER_SECOND} x 200 B/s spoofed from a bound side's exact address into its relay, beside ${REAL_PER_SECOND} real datagrams/s`;
  readonly counters = /relayed_datagrams|reason=bandwidth/;
  private note = '';
  private real = { sent: 0, got: 0 };
  private spoofed = { sent: 0, got: 0 };

  async run(ctx: RunContext): Promise<void> {
    if (!ctx.raw) {
      this.note = 'skipped: raw sockets need root';
      return;
    }
    const raw = ctx.raw;
    const pair = await attackerRelay(ctx, attacker(14, 1), attacker(14, 2));
    if (!pair || !(await bindRelay(pair[0])) || !(await bindRelay(pair[1]))) {
      this.note = 'no relay granted';
      return;
    }
    const [sender, receiver] = pair;
    receiver.peer.on((a) => {
      if (a.data[0] === 0x01) this.real.got++;
      else if (a.data[0] === 0x02) this.spoofed.got++;
    });
    await sleep(200);
    const forged = Buffer.alloc(200, 0x02);
    const realData = Buffer.alloc(200, 0x01);
    await Promise.all([
      paced(ctx, REAL_PER_SECOND, () => {
        sender.peer.send(sender.relay, realData);
        this.real.sent++;
      }),
      paced(ctx, SPOOFED_PER_SECOND, () => {
        raw.send(sender.peer.endpoint, sender.relay, forged);
        this.spoofed.sent++;
      }),
    ]);
    await sleep(300);
    sender.peer.close();
    receiver.peer.close();
  }

  report(): string[] {
    if (this.note) return [this.note];
    return [`spoofed datagrams forwarded as the side's own ${this.spoofed.got} of ${this.spoofed.sent}; the pair's real ones delivered ${this.real.got} of ${this.real.sent}`];
  }
}
