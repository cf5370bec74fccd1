/**
 * One burst of ENet connect requests fills a real host's game: the attacker, a player who knows
 * the host's address (every player does), sends 32 CONNECTs with fresh connect ids from one
 * socket at the game port of a host whose game runs with its session open, and 8 more spoofed
 * from a victim (as root), again every 5 s, while a late joiner joins with the code. The late joiner
 * must still get in; the victim's count stays within the bound.
 */
import type { RunContext } from '../context.ts';
import { enetConnect, isVerifyConnect } from '../enet.ts';
import { Peer, sleep } from '../net.ts';
import { secondsBetween, settled } from '../nodes.ts';
import { Victim } from '../victims.ts';
import { type Attack, attacker } from './attack.ts';
import { runningGame } from './node-targets.ts';

const FROM_SOCKET = 32;
const SPOOFED = 8;
const AGAIN_MS = 5000;
/** The late joiner's game connect timeout (HolePunch.game_connect_timeout), shorter than its default 30 s to keep the run short. */
const CONNECT_TIMEOUT_S = 15;

export class EnetFlood implements Attack {
  readonly name = 'enet-flood';
  readonly what = `${FROM_SOCKET} ENet CONNECTs from one socket (+${SPOOFED} spoofed from a victim) every ${AGAIN_MS / 1000} s at a real host's game port, while a late joiner joins`;
  /** The server has no counter of its own for it: the victims' counts tell. */
  readonly counters = /(?!)/;
  private notes: string[] = [];
  private connects = 0;
  private verifies = 0;
  private joined: boolean | null = null;

  async run(ctx: RunContext): Promise<void> {
    const victim = ctx.raw ? await Victim.open(ctx, 'enet-flood victim (spoofed ENet CONNECTs)', 4) : null;
    await ctx.nodes.turn(async () => {
      const game = await runningGame(ctx, 'enet-flood');
      if (typeof game === 'string') {
        this.notes.push(game);
        return;
      }
      const socket = await Peer.bind(attacker(30, 1));
      socket.on((a) => { if (isVerifyConnect(a.data)) this.verifies++; });
      const to = { address: '127.0.0.1', port: game.gamePort };
      let flooding = true;
      const flood = (async () => {
        while (flooding) {
          for (let i = 0; i < FROM_SOCKET; i++) socket.send(enetConnect(), to);
          this.connects += FROM_SOCKET;
          for (let i = 0; victim && i < SPOOFED; i++) ctx.raw!.send(victim.canary.endpoint, to, enetConnect());
          if (victim) victim.spoofs += SPOOFED;
          await sleep(AGAIN_MS);
        }
      })();
      const late = ctx.nodes.start({ role: 'join', alias: 'enet-flood-late', session: game.sessionId, managed: true, gameConnectTimeout: CONNECT_TIMEOUT_S, timeout: CONNECT_TIMEOUT_S + 10 });
      try {
        await sleep(300); // The burst lands before the late joiner's first connect.
        const result = await settled(late, (CONNECT_TIMEOUT_S + 10) * 1000);
        this.joined = result === null;
        const inAfter = secondsBetween(late, 'begin', 'game_connected');
        const failedAfter = secondsBetween(late, 'begin', 'failed');
        this.notes.push(this.joined ? `late joiner got in after ${inAfter!.toFixed(1)} s`
          : `late joiner did NOT get in: ${result ?? 'no game connection'}${failedAfter !== null ? ` after ${failedAfter.toFixed(1)} s` : ''}`);
      } finally {
        flooding = false;
        await flood;
        late.kill();
        game.stop();
        socket.close();
      }
    });
  }

  report(): string[] {
    return [...this.notes, `CONNECTs sent from the attacker's socket ${this.connects}, VERIFY_CONNECTs it got back ${this.verifies}`];
  }

  violations(): string[] {
    return this.joined === false ? ['the late joiner did not get into the flooded game'] : [];
  }
}
