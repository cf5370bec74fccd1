/**
 * Junk from a legitimate host's own IP (a neighbour behind the same carrier NAT, or
 * a spoofed source): about 900 evenly paced malformed datagrams a second for the whole run,
 * while that host sends its keep-alives every 5 s. The host's flow checks at the end that its
 * session still takes a joiner.
 */
import type { RunContext } from '../context.ts';
import { JunkedHost } from '../legit.ts';
import { bindPeer } from '../net.ts';
import { type Attack, paced } from './attack.ts';

const JUNK = ['\x00\x01\x02', 'HS:short', 'XX:not a message', 'JS:qqqqqqqqqqqq:qqqq', `KA:${'z'.repeat(40)}`];

export class JunkNeighbour implements Attack {
  readonly name = 'junk-neighbour';
  readonly what = 'about 900 malformed datagrams/s, evenly paced, from the IP of a legitimate host that sends KA every 5 s';
  readonly counters = /rate_limited|not_ascii|no_separator|unknown_code|field_count|bad_field|too_long/;
  private sent = 0;

  async run(ctx: RunContext): Promise<void> {
    const neighbour = await bindPeer(JunkedHost.address());
    this.sent = await paced(ctx, 900, (i) => neighbour.send(ctx.main, JUNK[i % JUNK.length]!));
    neighbour.close();
  }

  report(): string[] {
    return [`junk sent ${this.sent}`];
  }
}
