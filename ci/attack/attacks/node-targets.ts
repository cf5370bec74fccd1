/** Real nodes that attacks aim at: a host whose game runs with its session open, and its player. */
import type { Player } from '../../harness/processes.ts';
import type { RunContext } from '../context.ts';

export interface RunningGame {
  readonly host: Player;
  readonly first: Player;
  readonly sessionId: string;
  /** The host's game port on loopback (ENet's server). */
  readonly gamePort: number;
  stop(): void;
}

/**
 * A host with keep_open (waiting for one late joiner) and its first player (which stays, waiting
 * for the late joiner too), once RPCs went both ways: the game runs, holding one of its 32 slots,
 * and the session takes late joiners. A string says why it did not start.
 */
export async function runningGame(ctx: RunContext, alias: string, timeout = 40): Promise<RunningGame | string> {
  const host = ctx.nodes.start({ role: 'host', alias: `${alias}-host`, serverKey: ctx.serverKey, expectPeers: 1, latePeers: 1, timeout });
  let first: Player | null = null;
  const stop = () => {
    host.kill();
    first?.kill();
  };
  try {
    const sessionId = String((await host.waitForEvent('start_session', 20_000)).key);
    first = ctx.nodes.start({ role: 'join', alias: `${alias}-first`, session: sessionId, managed: true, expectOthers: 1, timeout });
    const gamePort = Number((await host.waitForEvent('start_server', 20_000)).port);
    await host.waitForEvent('rpc_pong', 20_000);
    return { host, first, sessionId, gamePort, stop };
  } catch (error) {
    stop();
    return `no running game to attack: ${(error as Error).message.split('\n')[0]}`;
  }
}
