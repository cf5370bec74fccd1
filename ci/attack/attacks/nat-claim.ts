/**
 * Our nodes as a port-scan amplifier: a spoofed request whose source is a victim claims that the
 * victim's NAT randomises ports, and carries a nonce (as our nodes' requests do, so that the
 * server gives the pair a secret and the node believes the claim). A real node hosting a session
 * whose code the attacker knows (one spoofed JS), and a real node waiting for a random match (a
 * spoofed RS, which needs no code), would then birthday-probe random ports of the victim. What
 * reaches the victim's address is counted; per spoofed request it must stay within the bound.
 */
import type { Player } from '../../harness/processes.ts';
import { encode, type Message } from '../../../server/src/generated/protocol.ts';
import { newToken } from '../../../server/src/sessions/tokens.ts';
import type { RunContext } from '../context.ts';
import { sleep } from '../net.ts';
import { SCALED_OPTIONS } from '../server.ts';
import { Victim } from '../victims.ts';
import type { Attack } from './attack.ts';

/** Seconds a target is watched after the spoofed request (the host probed for 8 s). */
const WATCH_MS = 8000;

export class NatClaim implements Attack {
  readonly name = 'nat-claim';
  readonly what = 'a spoofed JS (to a real host whose code is known) and RS (to a real random host) from a victim, claiming port_randomising, with a nonce';
  /** The server has no counter of its own for it: the victims' counts tell. */
  readonly counters = /(?!)/;
  private readonly notes: string[] = [];

  async run(ctx: RunContext): Promise<void> {
    if (!ctx.raw) {
      this.notes.push('skipped: raw sockets need root');
      return;
    }
    const hosted = await Victim.open(ctx, 'nat-claim victim of a hosted node (spoofed JS)', 1);
    const random = await Victim.open(ctx, 'nat-claim victim of a random node (spoofed RS)', 2);
    await ctx.nodes.turn(async () => {
      await this.hosted(ctx, hosted);
      if (!ctx.running()) return;
      // The random node takes its turn among the scripted random pairs, which it would otherwise
      // match with; the node lane is free again once its attempts end.
      await new Promise<void>((attemptsDone) => void ctx.randomTurns.take(async () => {
        let waited = false;
        // Other attacks' random requests may match the node at once: a few attempts to find it waiting.
        for (let attempt = 0; attempt < 3 && ctx.running() && random.spoofs === 0; attempt++) waited = (await this.random(ctx, random)) || waited;
        attemptsDone();
        // A node that waited as a random host is killed, not closed: its session stays at the server
        // until the server's expiry, and a scripted stranger would be matched with it meanwhile.
        if (waited) await sleep(Number.parseInt(SCALED_OPTIONS.expiry, 10) * 1000);
      }));
    });
  }

  private spoof(ctx: RunContext, victim: Victim, message: Message): void {
    ctx.raw!.send(victim.canary.endpoint, ctx.main, encode(message));
    victim.spoofs++;
  }

  private async hosted(ctx: RunContext, victim: Victim): Promise<void> {
    const host = ctx.nodes.start({ role: 'host', alias: 'nat-claim-host', serverKey: ctx.serverKey, expectPeers: 1, managed: true, timeout: 25 });
    try {
      const sessionId = String((await host.waitForEvent('start_session', 20_000)).key);
      this.spoof(ctx, victim, { code: 'JS', localKey: victim.canary.key, sessionId, nonce: newToken(), nat: 'port_randomising' });
      await sleep(WATCH_MS);
      this.notes.push(`hosted node: ${this.heard(host)}`);
    } catch (error) {
      this.notes.push(`hosted node: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      host.kill();
    }
  }

  /**
   * The random node may be matched with a stranger (or another attack's socket) before the spoofed
   * RS comes: the RS is resent once a second while nothing reached the victim, three times at most.
   * True when the node was waiting.
   */
  private async random(ctx: RunContext, victim: Victim): Promise<boolean> {
    // Traced: a node waiting for a match shows it only by the server's HR it received.
    const node = ctx.nodes.start({ role: 'random', alias: 'nat-claim-random', serverKey: ctx.serverKey, timeout: 25, trace: true });
    let waiting = false;
    try {
      const answer = await node.waitForLine(/^HolePunch \d+ < (HR|JR):/, 20_000);
      waiting = answer[1] === 'HR';
      for (let i = 0; waiting && i < 3; i++) {
        this.spoof(ctx, victim, { code: 'RS', localKey: victim.canary.key, nonce: newToken(), nat: 'port_randomising' });
        await sleep(1000);
        if (victim.sent(ctx).nodes.datagrams > 0) break;
      }
      if (waiting) await sleep(WATCH_MS);
      this.notes.push(`random node: ${waiting ? this.heard(node) : 'matched at once with a waiting stranger (no spoofed RS sent)'}`);
    } catch (error) {
      this.notes.push(`random node: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      node.kill();
    }
    return waiting;
  }

  /** Who the node was introduced to, from its events. */
  private heard(node: Player): string {
    const names = node.eventsNamed('new_name').map((e) => String(e.name));
    const lost = node.eventsNamed('player_left').length;
    return `names heard ${names.length ? names.join(', ') : 'none'}, players lost ${lost}`;
  }

  report(): string[] {
    return this.notes;
  }
}
