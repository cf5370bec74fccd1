/**
 * A stranger floods a running game's port with ENet connect requests: a real headless Godot host
 * whose node owns ENet and keeps its session open, a player in its game, and a player who joins
 * the running game while one socket sends 40 new connections a second to the game's port (ENet's
 * server has 32 slots, each held up to 30 s by a handshake nobody answers). Counts what the host
 * sends the stranger.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enetConnectRequest } from '../../../ci/harness/enet.ts';
import { type Player, startPlayer } from '../../../ci/harness/processes.ts';
import type { RunContext } from '../context.ts';
import { sleep } from '../net.ts';
import { type Attack, attacker, every } from './attack.ts';

const BURST = 40;
/** A late joiner comes in within this many seconds of its handover, as without the flood. */
const WITHIN_S = 5;

export class EnetFlood implements Attack {
  readonly name = 'enet-flood';
  readonly what = `${BURST} ENet connect requests a second from one socket at a running game's port (real Godot nodes) while a player joins late`;
  readonly counters = /^$/;
  private sent = 0;
  private answers = 0;
  private outcome = 'not run';
  private joined: number | null = null;
  private closed = false;

  async run(ctx: RunContext): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'shp-attack-enet-'));
    const players: Player[] = [];
    const stranger = createSocket('udp4');
    try {
      const sessionFile = join(dir, 'session');
      const host = startPlayer({ role: 'host', alias: 'hana', serverKey: ctx.serverKey, expectPeers: 1, latePeers: 1, timeout: 50 });
      const first = startPlayer({ role: 'join', alias: 'jo', sessionFile, managed: true, timeout: 50 });
      players.push(host, first);
      const code = String((await host.waitForEvent('start_session', 20_000)).key);
      writeFileSync(sessionFile, code);
      await host.waitForEvent('rpc_pong', 20_000);
      const gamePort = Number(host.eventsNamed('start_server')[0]!.port);
      await new Promise<void>((resolve) => stranger.bind(0, attacker(15, 1), resolve));
      stranger.on('message', () => this.answers++);
      void every(ctx, 1000, () => this.burst(stranger, gamePort));
      await sleep(1500); // The host has read the first bursts.
      const late = startPlayer({ role: 'join', alias: 'kim', session: code, managed: true, timeout: 40 });
      players.push(late);
      const exits = await Promise.all(players.map((p) => p.exited));
      const handover = late.eventsNamed('start_client')[0]?.wall;
      const connected = late.eventsNamed('game_connected')[0]?.wall;
      if (handover !== undefined && connected !== undefined) this.joined = connected - handover;
      this.outcome = exits.every((c) => c === 0) ? 'every player done' : `exit codes ${exits.join(',')}; late joiner:\n${late.tail(8)}`;
    } catch (error) {
      this.outcome = `threw: ${(error as Error).message}`;
    } finally {
      for (const p of players) p.kill();
      while (ctx.running()) await sleep(200); // The flood lasts the run.
      this.closed = true;
      stranger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private burst(stranger: Socket, port: number): void {
    if (this.closed) return;
    for (let i = 0; i < BURST; i++) stranger.send(enetConnectRequest(0x5000 + this.sent++), port, '127.0.0.1');
  }

  report(): string[] {
    const joined = this.joined === null ? 'never' : `${(this.joined * 1000).toFixed(0)} ms after its handover`;
    return [`connect requests sent ${this.sent}; datagrams the host sent the stranger ${this.answers}; late joiner in the game: ${joined}; ${this.outcome}`];
  }

  violations(): string[] {
    const out: string[] = [];
    if (this.answers > 0) out.push(`a running game's host sent ${this.answers} datagrams to a stranger who flooded its port`);
    if (this.joined === null || this.joined > WITHIN_S) out.push(`a late joiner under an ENet connect flood: ${this.joined === null ? 'never in' : `${this.joined.toFixed(1)} s`} (${this.outcome})`);
    return out;
  }
}
