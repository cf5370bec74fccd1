/**
 * A real host keeping its session open for late joiners (keep_open) runs its game with one
 * player; the attacker, who knows the code, sends one spoofed JS whose source (and LAN address)
 * is a victim. The host would punch the victim as a late joiner. What reaches the victim's address
 * is counted; per spoofed request it must stay within the bound.
 */
import { encode } from '../../../server/src/generated/protocol.ts';
import { newToken } from '../../../server/src/sessions/tokens.ts';
import type { RunContext } from '../context.ts';
import { sleep } from '../net.ts';
import { Victim } from '../victims.ts';
import type { Attack } from './attack.ts';
import { runningGame } from './node-targets.ts';

/** The issue's host punched a spoofed late joiner for 11 s. */
const WATCH_MS = 11_000;

export class LateJoinSpoof implements Attack {
  readonly name = 'late-join-spoof';
  readonly what = 'one spoofed JS from a victim to a real host whose game runs with its session open (late join)';
  /** The server has no counter of its own for it: the victims' counts tell. */
  readonly counters = /(?!)/;
  private note = '';

  async run(ctx: RunContext): Promise<void> {
    if (!ctx.raw) {
      this.note = 'skipped: raw sockets need root';
      return;
    }
    const victim = await Victim.open(ctx, 'late-join-spoof victim (spoofed late JS)', 3);
    await ctx.nodes.turn(async () => {
      const game = await runningGame(ctx, 'late-spoof');
      try {
        if (typeof game === 'string') {
          this.note = game;
          return;
        }
        ctx.raw!.send(victim.canary.endpoint, ctx.main, encode({ code: 'JS', localKey: victim.canary.key, sessionId: game.sessionId, nonce: newToken() }));
        victim.spoofs++;
        await sleep(WATCH_MS);
        this.note = `host's game kept running: ${game.host.child.exitCode === null ? 'yes' : `no (exit ${game.host.child.exitCode})`}`;
      } finally {
        if (typeof game !== 'string') game.stop();
      }
    });
  }

  report(): string[] {
    return [this.note];
  }
}
