/**
 * 25 addresses of one /24 take the relay capacity: each hosts 4 sessions, joins
 * each from 4 more sockets on the same address (a host's relayed clients may each need a relay
 * port of their own, and the set of ports is small), asks a relay for every pair, and keeps every
 * relay it gets with an RB per side every 10 s and a byte of traffic every second (and its
 * sessions with KA). The byte keeps a relay from idling out, and counts it as busy when the
 * total bandwidth is shared.
 */
import type { RunContext } from '../context.ts';
import { bindPeer, sleep } from '../net.ts';
import { type Attack, attacker, bindRelay, count, every, hostSession, joinSession, list, paced, type RelaySide, relayGrant } from './attack.ts';

const ADDRESSES = 25;
const SESSIONS_PER_ADDRESS = 4;
const JOINERS_PER_SESSION = 4;
const RELAYS_PER_ADDRESS = SESSIONS_PER_ADDRESS * JOINERS_PER_SESSION;

export class RelayHolding implements Attack {
  readonly name = 'relay-holding';
  readonly what = `${ADDRESSES} addresses of a /24 ask ${RELAYS_PER_ADDRESS} relays each, kept with RB every 10 s and 1 byte/s of traffic`;
  readonly counters = /no_free_port|per_ip|relays_(opened|active)|capacity|relay_full|server_full/;
  private readonly held: Array<[RelaySide, RelaySide]> = [];
  private readonly outcomes = new Map<string, number>();
  private maxHeld = 0;
  private stillBound = 0;

  async run(ctx: RunContext): Promise<void> {
    // The other relay attacks take theirs first; this one then takes every relay that is left.
    await sleep(3000);
    await Promise.all(Array.from({ length: ADDRESSES }, (_, i) => this.fromAddress(ctx, attacker(2, i))));
    this.maxHeld = this.held.length;
    const traffic = paced(ctx, this.held.length, (i) => {
      const side = this.held[i % this.held.length]![i % 2]!;
      side.peer.send(side.relay, Buffer.from([0]));
    });
    await every(ctx, 10_000, async () => {
      const answers = await Promise.all(this.held.flatMap((pair) => pair.map(bindRelay)));
      this.stillBound = answers.filter(Boolean).length / 2;
    });
    await traffic;
  }

  private async fromAddress(ctx: RunContext, address: string): Promise<void> {
    await Promise.all(Array.from({ length: SESSIONS_PER_ADDRESS }, () => this.session(ctx, address)));
  }

  private async session(ctx: RunContext, address: string): Promise<void> {
    const host = await bindPeer(address);
    const sessionId = await hostSession(ctx, host);
    if (!sessionId) return count(this.outcomes, 'no session');
    await Promise.all(Array.from({ length: JOINERS_PER_SESSION }, async () => {
      const joiner = await bindPeer(address);
      if ((await joinSession(ctx, joiner, sessionId))?.code !== 'JR') return count(this.outcomes, 'join refused');
      const pair = await relayGrant(ctx, sessionId, host, joiner);
      if (!pair) return count(this.outcomes, 'relay refused');
      if (!(await bindRelay(pair[0])) || !(await bindRelay(pair[1]))) return count(this.outcomes, 'bind unanswered');
      this.held.push(pair);
      count(this.outcomes, 'relay held');
    }));
  }

  report(): string[] {
    return [
      `relays granted and bound: ${this.maxHeld} of ${ADDRESSES * RELAYS_PER_ADDRESS} asked (${list(this.outcomes)})`,
      `still answering RB at the last refresh: ${this.stillBound}`,
    ];
  }
}
