/** What attacks and legitimate flows share during one run. */
import type { Endpoint } from '../../server/src/generated/protocol.ts';
import type { Canary } from './net.ts';
import type { NodeWatch } from './node-watch.ts';
import type { Nodes, Turns } from './nodes.ts';
import type { Victim } from './victims.ts';
import type { RawSender } from './raw.ts';
import type { RunningServer } from './server.ts';

/**
 * Session codes that legitimate hosts made public (a lobby list, a stream): griefers read them.
 * Only the "hosted, code known to griefers" flows post here.
 */
export class LeakBoard {
  private readonly readers = new Set<(code: string) => void>();

  post(code: string): void {
    for (const read of this.readers) read(code);
  }

  subscribe(read: (code: string) => void): void {
    this.readers.add(read);
  }
}

export interface RunContext {
  readonly server: RunningServer;
  readonly main: Endpoint;
  readonly serverKey: string;
  /** Null without root: spoofing attacks then say they were skipped. */
  readonly raw: RawSender | null;
  /** Claimed as a LAN address by griefers; legitimate peers and the server must never send there. */
  readonly lanCanary: Canary;
  /** Named by spoofed relay binds; the relay must never send there. */
  readonly relayVictim: Canary;
  readonly leaks: LeakBoard;
  /** Our real nodes (headless Godot), started as the run's node watch counts them. */
  readonly nodes: Nodes;
  /** What our nodes and the server sent, by destination; null without root (uncounted). */
  readonly watch: NodeWatch | null;
  /**
   * Random requests of a node of ours and the scripted random pairs take turns: a random node that
   * took one of a pair's strangers would leave the other waiting alone.
   */
  readonly randomTurns: Turns;
  /** Third parties attacks aimed our nodes at, each counting what reached it. */
  readonly victims: Victim[];
  /** Keys (public addresses) of every legitimate socket, to tell a match with a stranger from one with an attacker. */
  readonly legitKeys: Set<string>;
  /** Pings a legitimate peer would have sent outside loopback (to a claimed public LAN address); sent nowhere, counted. */
  thirdPartyPings: number;
  /** Milliseconds since the run began. */
  elapsed(): number;
  /** False once the run is winding down: loops stop starting new work. */
  running(): boolean;
}
