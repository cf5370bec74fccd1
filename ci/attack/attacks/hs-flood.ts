/**
 * Registrations held without a return path. From real addresses: 8 addresses of a
 * /24 each register 32 sessions from fresh ports and hold them with KA (then probe a 33rd: the
 * address is locked out of hosting). Spoofed: 300 HS a second from random sources in a /16
 * nobody listens on, for the whole run, to fill the total cap (--max-sessions) with sessions
 * whose HR goes nowhere.
 */
import { encodeKey } from '../../../server/src/generated/protocol.ts';
import type { RunContext } from '../context.ts';
import { bindPeer } from '../net.ts';
import { type Attack, attacker, count, hostSession, list, oneOf, paced, spoofed } from './attack.ts';

const ADDRESSES = 8;
const PER_ADDRESS = 32;
const SPOOFED_PER_SECOND = 300;

export class HsFlood implements Attack {
  readonly name = 'hs-flood';
  readonly what = `${ADDRESSES} addresses x ${PER_ADDRESS} sessions held with KA, and ${SPOOFED_PER_SECOND} spoofed HS/s from a /16`;
  readonly counters = /refused|server_full|address_limit|evicted|unconfirmed|code="(HR|RF)"/;
  private readonly outcomes = new Map<string, number>();
  private spoofedSent = 0;

  async run(ctx: RunContext): Promise<void> {
    const real = Promise.all(Array.from({ length: ADDRESSES }, (_, a) => this.hold(ctx, attacker(9, a))));
    const raw = ctx.raw;
    if (!raw) count(this.outcomes, 'spoofed part skipped (needs root)');
    // Spoofing starts after the other attackers registered, so it is not what refuses them.
    const spoof = raw ? new Promise((r) => setTimeout(r, 3000)).then(() => paced(ctx, SPOOFED_PER_SECOND, (i) => {
      const from = { address: spoofed(9, i % 65_000), port: 1024 + (i % 50_000) };
      raw.send(from, ctx.main, `HS:${encodeKey(from)}`);
      this.spoofedSent++;
    })) : Promise.resolve(0);
    await Promise.all([real, spoof]);
  }

  private async hold(ctx: RunContext, address: string): Promise<void> {
    await Promise.all(Array.from({ length: PER_ADDRESS }, async () => {
      const peer = await bindPeer(address);
      count(this.outcomes, (await hostSession(ctx, peer)) ? 'held' : 'refused');
    }));
    const probe = await bindPeer(address);
    const answer = await probe.resend(ctx.main, { code: 'HS', localKey: probe.key }, oneOf('HR', 'RF'), 2000);
    count(this.outcomes, `33rd HS from the address: ${answer?.message?.code ?? 'silence'}`);
    probe.close();
  }

  report(): string[] {
    return [`real: ${list(this.outcomes)}; spoofed HS sent ${this.spoofedSent}`];
  }
}
