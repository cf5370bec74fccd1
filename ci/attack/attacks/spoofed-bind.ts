/**
 * The attacker's own relay, one side bound by a spoofed RB whose source is a victim
 * (a canary address), then the other side pushes 200-byte datagrams at 50 a second: the relay,
 * at the server's address, would send them all to the victim. The spoofed RB is repeated every
 * 2 s. What reaches the victim is counted by the run (relay victim canary).
 */
import type { RunContext } from '../context.ts';
import { sleep } from '../net.ts';
import { type Attack, attacker, attackerRelay, bindRelay, every, paced } from './attack.ts';

export class SpoofedBind implements Attack {
  readonly name = 'spoofed-rb';
  readonly what = 'a spoofed RB binds one side of the attacker\'s relay to a victim; the other side pushes 50 x 200 B/s';
  readonly counters = /spoofed|wrong_ip|bind|peer_unbound/;
  private note = '';
  private pushed = 0;
  private spoofs = 0;

  async run(ctx: RunContext): Promise<void> {
    if (!ctx.raw) {
      this.note = 'skipped: raw sockets need root';
      return;
    }
    const raw = ctx.raw;
    const pair = await attackerRelay(ctx, attacker(4, 1), attacker(4, 2));
    if (!pair || !(await bindRelay(pair[1]))) {
      this.note = 'no relay granted to the attacker';
      return;
    }
    const [victimSide, pusher] = pair;
    const spoof = every(ctx, 2000, () => {
      raw.send(ctx.relayVictim.endpoint, victimSide.relay, `RB:${victimSide.token}`);
      this.spoofs++;
    });
    await sleep(200);
    const payload = Buffer.alloc(200, 0x41);
    payload[0] = 0;
    const push = paced(ctx, 50, () => {
      pusher.peer.send(pusher.relay, payload);
      this.pushed++;
    });
    await Promise.all([spoof, push]);
  }

  report(): string[] {
    return [this.note || `spoofed RB sent ${this.spoofs}, datagrams pushed towards the victim ${this.pushed}`];
  }
}
