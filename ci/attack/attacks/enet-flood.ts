/**
 * A stranger floods a running game's port with ENet connect requests: a real host of ours whose
 * node owns ENet and keeps its session open, a player in its game, and a player who joins the
 * running game while one socket sends 40 new connections a second to the game's port (ENet's
 * server has 32 slots, each held up to 30 s by a handshake nobody answers; every player knows the
 * host's address), and 8 more a second spoofed from a victim (as root). The late joiner must get
 * in, as soon as without the flood; the host must send the stranger nothing, and the victim's
 * count stays within the bound.
 */
import { enetConnectRequest } from '../../harness/enet.ts';
import type { RunContext } from '../context.ts';
import { bindPeer, sleep } from '../net.ts';
import { secondsBetween, settled } from '../nodes.ts';
import { Victim } from '../victims.ts';
import { type Attack, attacker } from './attack.ts';
import { runningGame } from './node-targets.ts';

const BURST = 40;
const SPOOFED = 8;
/** A late joiner comes in within this many seconds of its handover, as without the flood. */
const WITHIN_S = 5;
/** The late joiner's game connect timeout (HolePunch.game_connect_timeout), shorter than its default 30 s to keep the run short. */
const CONNECT_TIMEOUT_S = 15;

export class EnetFlood implements Attack {
  readonly name = 'enet-flood';
  readonly what = `${BURST} ENet connect requests a second from one socket (+${SPOOFED} spoofed from a victim) at a running game's port (real nodes) while a player joins late`;
  /** The server has no counter of its own for it: the host's answers and the victims' counts tell. */
  readonly counters = /(?!)/;
  private readonly notes: string[] = [];
  private sent = 0;
  private answers = 0;
  /** Seconds from the late joiner's handover to its game connection; null when it never got in. */
  private joined: number | null = null;
  private ran = false;

  async run(ctx: RunContext): Promise<void> {
    const victim = ctx.raw ? await Victim.open(ctx, 'enet-flood victim (spoofed ENet connects)', 4) : null;
    await ctx.nodes.turn(async () => {
      const game = await runningGame(ctx, 'enet-flood');
      if (typeof game === 'string') {
        this.notes.push(game);
        return;
      }
      this.ran = true;
      const stranger = await bindPeer(attacker(30, 1));
      stranger.on(() => this.answers++);
      const to = { address: '127.0.0.1', port: game.gamePort };
      let flooding = true;
      const flood = (async () => {
        while (flooding) {
          for (let i = 0; i < BURST; i++) stranger.send(to, enetConnectRequest(0x5000 + this.sent++));
          for (let i = 0; victim && i < SPOOFED; i++) ctx.raw!.send(victim.canary.endpoint, to, enetConnectRequest(0x9000 + victim.spoofs++));
          await sleep(1000);
        }
      })();
      await sleep(1500); // The host has read the first bursts.
      const late = ctx.nodes.start({ role: 'join', alias: 'enet-flood-late', session: game.sessionId, managed: true, gameConnectTimeout: CONNECT_TIMEOUT_S, timeout: CONNECT_TIMEOUT_S + 10 });
      try {
        const result = await settled(late, (CONNECT_TIMEOUT_S + 10) * 1000);
        this.joined = result === null ? secondsBetween(late, 'start_client', 'game_connected') : null;
        const failedAfter = secondsBetween(late, 'begin', 'failed');
        this.notes.push(this.joined !== null ? `late joiner in the game ${(this.joined * 1000).toFixed(0)} ms after its handover`
          : `late joiner did NOT get in: ${result ?? 'no game connection'}${failedAfter !== null ? ` after ${failedAfter.toFixed(1)} s` : ''}`);
      } finally {
        flooding = false;
        await flood;
        late.kill();
        game.stop();
        stranger.close();
      }
    });
  }

  report(): string[] {
    return [...this.notes, `connect requests sent from the stranger's socket ${this.sent}; datagrams the host sent the stranger ${this.answers}`];
  }

  violations(): string[] {
    if (!this.ran) return [];
    const out: string[] = [];
    if (this.answers > 0) out.push(`a running game's host sent ${this.answers} datagrams to a stranger who flooded its port`);
    if (this.joined === null || this.joined > WITHIN_S) {
      out.push(`a late joiner under an ENet connect flood: ${this.joined === null ? 'never in' : `${this.joined.toFixed(1)} s after its handover`}`);
    }
    return out;
  }
}
