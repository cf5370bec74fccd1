/**
 * Punching as the node does it, over real sockets: ping a peer's LAN and public address with RD
 * every 50 ms until an RD comes back, then keep the heard path open every 250 ms. Only peers the
 * server introduced are pinged, and only on loopback: a claimed LAN address elsewhere is counted
 * as a ping the node would have sent to a third party, and not sent.
 */
import { decodeKey, type Endpoint } from '../../server/src/generated/protocol.ts';
import type { RunContext } from './context.ts';
import type { Arrival, UdpClient } from './net.ts';

const PUNCH_MS = 50;
const KEEP_OPEN_MS = 250;

const same = (a: Endpoint, b: Endpoint) => a.address === b.address && a.port === b.port;

/** Ping targets for an introduced peer: its public address, and its LAN address when usable. */
function targets(ctx: RunContext, publicKey: string, lanKey: string): Endpoint[] {
  const out: Endpoint[] = [];
  const pub = decodeKey(publicKey);
  if (pub) out.push(pub);
  const lan = decodeKey(lanKey);
  if (lan && lan.port !== 0 && lan.address !== '0.0.0.0' && !(pub && same(lan, pub))) out.push(lan);
  return out;
}

/** One introduced peer being punched towards from [self]. */
export class Punch {
  /** The RD names heard from this peer, once heard. */
  heard: readonly string[] | null = null;
  private readonly paths: Endpoint[];
  private timer: NodeJS.Timeout;
  private readonly off: () => void;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly ctx: RunContext, private readonly self: UdpClient, private readonly name: string, publicKey: string, lanKey: string) {
    this.paths = targets(ctx, publicKey, lanKey);
    this.off = self.on((arrival) => this.receive(arrival));
    this.timer = setInterval(() => this.ping(), PUNCH_MS);
    this.ping();
  }

  private receive(arrival: Arrival): void {
    if (arrival.message?.code !== 'RD' || !this.paths.some((p) => same(p, arrival.from))) return;
    if (this.heard === null) {
      // A path is chosen: stop probing the others, keep this one open.
      this.paths.splice(0, this.paths.length, arrival.from);
      clearInterval(this.timer);
      this.timer = setInterval(() => this.ping(), KEEP_OPEN_MS);
    }
    this.heard = arrival.message.names;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private ping(): void {
    for (const path of this.paths) {
      if (!path.address.startsWith('127.')) {
        this.ctx.thirdPartyPings++;
        continue;
      }
      this.self.send(path, { code: 'RD', names: [this.name] });
    }
  }

  /** True once an RD came back within [ms]. */
  async wait(ms: number): Promise<boolean> {
    if (this.heard) return true;
    await new Promise<void>((wake) => {
      const timer = setTimeout(wake, ms);
      this.waiters.push(() => { clearTimeout(timer); wake(); });
    });
    return this.heard !== null;
  }

  stop(): void {
    clearInterval(this.timer);
    this.off();
  }
}
