/**
 * Legitimate flows of our real nodes (headless Godot, the demo's scenario, the node starting ENet
 * itself): a hosted game, a late joiner into a running game, and a game whose pair can only meet
 * through the relay. Each resolves with null when every node of it completed (RPCs both ways), or
 * the reason it did not.
 */
import type { Player } from '../harness/processes.ts';
import type { RunContext } from './context.ts';
import type { FlowResult } from './legit.ts';
import { outcome, secondsBetween } from './nodes.ts';

async function all(players: readonly Player[]): Promise<FlowResult> {
  const results = await Promise.all(players.map(outcome));
  return results.find((r) => r !== null) ?? null;
}

async function hostCode(host: Player): Promise<string> {
  return String((await host.waitForEvent('start_session', 25_000)).key);
}

/** A host and a joiner, both with manage_game_peer: names, handover, ENet, RPCs both ways. */
export async function nodeGameFlow(ctx: RunContext, n: number, relayed = false): Promise<FlowResult> {
  const kind = relayed ? 'relayed' : 'game';
  const host = ctx.nodes.start({ role: 'host', alias: `${kind}-host-${n}`, serverKey: ctx.serverKey, expectPeers: 1, managed: true }, relayed);
  const players = [host];
  try {
    const session = await hostCode(host);
    players.push(ctx.nodes.start({ role: 'join', alias: `${kind}-joiner-${n}`, session, managed: true }, relayed));
    const result = await all(players);
    if (result !== null || !relayed) return result;
    return players.every((p) => p.eventsNamed('peer_path').some((e) => e.path === 'relay')) ? null : 'completed, but not through the relay';
  } catch (error) {
    return `threw: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    for (const p of players) p.kill();
  }
}

/**
 * A host keeping its session open (keep_open) starts its game with one player; a third joins the
 * running game with the same code and exchanges RPCs with both. The late joiner's time from its
 * first request to its game connection goes to [lateJoinSeconds].
 */
export async function lateJoinFlow(ctx: RunContext, n: number, lateJoinSeconds: number[]): Promise<FlowResult> {
  const host = ctx.nodes.start({ role: 'host', alias: `late-host-${n}`, serverKey: ctx.serverKey, expectPeers: 1, latePeers: 1 });
  const players = [host];
  try {
    const session = await hostCode(host);
    players.push(ctx.nodes.start({ role: 'join', alias: `first-${n}`, session, managed: true, expectOthers: 1 }));
    await host.waitForEvent('rpc_pong', 25_000);
    const late = ctx.nodes.start({ role: 'join', alias: `late-${n}`, session, managed: true, expectOthers: 1 });
    players.push(late);
    const result = await all(players);
    const seconds = secondsBetween(late, 'begin', 'game_connected');
    if (seconds !== null) lateJoinSeconds.push(seconds);
    return result;
  } catch (error) {
    return `threw: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    for (const p of players) p.kill();
  }
}
