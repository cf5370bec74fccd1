/**
 * Third parties that attacks aim our nodes at: a socket on an address of its own that counts what
 * reaches its port, and the node watch's count of everything our nodes and the server sent to that
 * address, any port (birthday probes go to random ports).
 */
import type { RunContext } from './context.ts';
import { Canary } from './net.ts';
import { type Sent, sum } from './node-watch.ts';

/**
 * Datagrams a victim may get per spoofed request naming it, from the server and our nodes
 * together: the server's one answer to the request (today the answer itself, with a return-path
 * cookie the challenge), and one more for a resend. Our nodes should send it nothing.
 */
export const PER_SPOOFED_REQUEST = 2;

export class Victim {
  /** Spoofed requests (or ENet connects) that named this victim. */
  spoofs = 0;

  private constructor(readonly label: string, readonly canary: Canary) {}

  /** A victim on 127.99.1.[n], registered for the run's report. */
  static async open(ctx: RunContext, label: string, n: number): Promise<Victim> {
    const victim = new Victim(label, await Canary.open(`127.99.1.${n}`));
    ctx.victims.push(victim);
    return victim;
  }

  get address(): string {
    return this.canary.endpoint.address;
  }

  /** What our nodes and the server sent to this victim's address (zeros when uncounted). */
  sent(ctx: RunContext): { nodes: Sent; server: Sent } {
    const at = (a: string) => a === this.address;
    return { nodes: sum(ctx.watch?.nodeSent() ?? new Map(), at), server: sum(ctx.watch?.serverSent() ?? new Map(), at) };
  }

  line(ctx: RunContext): string {
    const { nodes, server } = this.sent(ctx);
    const counted = ctx.watch ? `our nodes sent it ${nodes.datagrams} datagrams (${nodes.bytes} bytes), the server ${server.datagrams} (${server.bytes} bytes); `
      : '(uncounted without root) ';
    return `${this.label} (${this.address}, ${this.spoofs} spoofed requests): ${counted}its socket received ${this.canary.received} (${this.canary.bytes} bytes)`;
  }

  /** Why this victim fails the run, or null: more than PER_SPOOFED_REQUEST datagrams per request. */
  violation(ctx: RunContext): string | null {
    const { nodes, server } = this.sent(ctx);
    const got = Math.max(nodes.datagrams + server.datagrams, this.canary.received);
    const bound = PER_SPOOFED_REQUEST * this.spoofs;
    return got > bound ? `${got} datagrams reached ${this.label} (bound ${bound}: ${PER_SPOOFED_REQUEST} per spoofed request)` : null;
  }
}
