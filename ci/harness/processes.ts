/** Real processes for end-to-end tests: the server and headless Godot players, read line by line. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { godotPath, ROOT } from './godot.ts';
import { SERVER_BUNDLE } from './server-build.ts';

export interface PlayerEvent {
  readonly event: string;
  readonly wall: number;
  readonly [field: string]: unknown;
}

/** A child process whose stdout lines are kept and can be awaited. */
export class Watched {
  readonly lines: string[] = [];
  /** When each of [lines] arrived (ms since the epoch). */
  readonly times: number[] = [];
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];
  /** Its output was read to the end. */
  private ended = false;
  private exitedAt: number | undefined;

  constructor(readonly child: ChildProcess, readonly label: string) {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      this.lines.push(line);
      this.times.push(Date.now());
      for (const wake of this.waiters.splice(0)) wake();
    });
    lines.on('close', () => {
      this.ended = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr?.on('data', (chunk: Buffer) => { this.lines.push(`[stderr] ${chunk.toString().trimEnd()}`); this.times.push(Date.now()); });
    this.exited = new Promise((done) => child.on('exit', (code) => {
      this.exitedAt = Date.now();
      for (const wake of this.waiters.splice(0)) wake();
      done(code);
    }));
  }

  /** Resolves with the first line matching [pattern]; rejects after [ms] or when the process exits without it. */
  async waitForLine(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    let seen = 0;
    for (;;) {
      for (; seen < this.lines.length; seen++) {
        const match = this.lines[seen]!.match(pattern);
        if (match) return match;
      }
      // The last lines may still be on their way when the process exits (a child may hold its
      // output open: a second at most).
      const exited = this.child.exitCode !== null || this.child.signalCode !== null;
      if (exited && (this.ended || (this.exitedAt !== undefined && Date.now() - this.exitedAt > 1000))) {
        throw new Error(`${this.label} exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.tail()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: no ${pattern} within ${ms} ms:\n${this.tail()}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, exited ? Math.min(left, 50) : left);
        this.waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
  }

  /** The last lines of output, for failure messages. */
  tail(count = 30): string {
    return this.lines.slice(-count).join('\n');
  }

  /** Kills the process, and its whole group when it was spawned detached (a wrapper such as xvfb-run would leave its child running). */
  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL'); // Not a group leader: only the process itself.
    }
  }
}

/** A headless Godot player running the demo's scenario. */
export class Player extends Watched {
  get events(): PlayerEvent[] {
    return this.lines.filter((l) => l.startsWith('SHP_EVENT ')).map((l) => JSON.parse(l.slice(10)) as PlayerEvent);
  }

  async waitForEvent(event: string, ms: number): Promise<PlayerEvent> {
    const match = await this.waitForLine(new RegExp(`^SHP_EVENT \\{"event":"${event}"`), ms);
    return JSON.parse(match.input!.slice(10)) as PlayerEvent;
  }

  eventsNamed(event: string): PlayerEvent[] {
    return this.events.filter((e) => e.event === event);
  }
}

export interface PlayerOptions {
  readonly role: 'host' | 'join' | 'random' | 'list';
  readonly alias: string;
  readonly serverKey?: string;
  /** The server by name or address and port (the node's `server` setting): then no key is needed, and a short code joins. */
  readonly server?: string;
  readonly session?: string;
  /** Host: list the session publicly with this name (and [mode]). */
  readonly publish?: string;
  /** The mode a host publishes, or a lister (role `list`) looks for. */
  readonly mode?: string;
  /** A file the player polls for the session code, so it can start before the host has one. */
  readonly sessionFile?: string;
  /** A file the player waits for before acting, so several players start together. */
  readonly goFile?: string;
  readonly expectPeers?: number;
  readonly timeout?: number;
  readonly serverTimeout?: number;
  readonly punchTimeout?: number;
  /** LAN address to advertise; loopback tests keep every packet on 127.0.0.1. */
  readonly lanIp?: string;
  /** Print every datagram the player's HolePunch sends and receives. */
  readonly trace?: boolean;
  /** Punch over IPv6 even when this Godot's ENet cannot connect over it (the lab's Debian build cannot). */
  readonly ipv6WithoutEnet?: boolean;
  /** No NAT diagnosis: the player punches, then asks for a relay, as before NAT traversal (and as against an older server). */
  readonly noNatDiagnosis?: boolean;
  /**
   * `rpc` (the default): done once RPCs went both ways. `connected`: a client is done once the
   * host's first RPC arrived, which proves both ENet peers connected and data flowing; the host
   * then never ends by itself, and the harness stops it.
   */
  readonly until?: 'rpc' | 'connected';
  /** Let the HolePunch node start ENet itself (manage_game_peer), as the README's first snippet does. */
  readonly managed?: boolean;
  /** Host: keep the session open while the game runs, for this many late joiners (implies managed). */
  readonly latePeers?: number;
  /** Client: other clients to exchange RPCs with, through the host. */
  readonly expectOthers?: number;
  /** Client: stay in the game once done, until the host leaves (HOST_LEFT ends it with exit 0). */
  readonly stay?: boolean;
  /** Host: leave once it has its code, or once done. */
  readonly leaveOn?: 'start_session' | 'done';
  /** Host: how it leaves: the game quits (default), the node is freed, or leave() is called. */
  readonly leaveHow?: 'quit' | 'free' | 'leave';
  /** The session's password (HolePunch.password), on a host or a joiner. */
  readonly password?: string;
  /** Joiner: HolePunch.join_payload. */
  readonly payload?: string;
  /** Joiner: HolePunch.game_connect_timeout, in seconds. */
  readonly gameConnectTimeout?: number;
  /**
   * The player's frame rate, kept exactly (without it, the scenario's Engine.max_fps of 250, which
   * headless Godot caps at about 145 fps: it sleeps at least 6.9 ms a frame).
   */
  readonly maxFps?: number;
}

export function playerArgs(o: PlayerOptions): string[] {
  const args = [`--role=${o.role}`, `--alias=${o.alias}`, `--lan-ip=${o.lanIp ?? '127.0.0.1'}`];
  if (o.serverKey) args.push(`--server-key=${o.serverKey}`);
  if (o.server) args.push(`--server=${o.server}`);
  if (o.publish) args.push(`--publish=${o.publish}`);
  if (o.mode) args.push(`--mode=${o.mode}`);
  if (o.session) args.push(`--session=${o.session}`);
  if (o.sessionFile) args.push(`--session-file=${o.sessionFile}`);
  if (o.goFile) args.push(`--go-file=${o.goFile}`);
  if (o.expectPeers) args.push(`--expect-peers=${o.expectPeers}`);
  if (o.timeout) args.push(`--timeout=${o.timeout}`);
  if (o.serverTimeout) args.push(`--server-timeout=${o.serverTimeout}`);
  if (o.punchTimeout) args.push(`--punch-timeout=${o.punchTimeout}`);
  if (o.trace) args.push('--trace');
  if (o.ipv6WithoutEnet) args.push('--ipv6-without-enet');
  if (o.noNatDiagnosis) args.push('--no-nat-diagnosis');
  if (o.until) args.push(`--until=${o.until}`);
  if (o.managed || o.latePeers) args.push('--managed');
  if (o.latePeers) args.push('--keep-open', `--late-peers=${o.latePeers}`);
  if (o.expectOthers) args.push(`--expect-others=${o.expectOthers}`);
  if (o.stay) args.push('--stay');
  if (o.leaveOn) args.push(`--leave-on=${o.leaveOn}`);
  if (o.leaveHow) args.push(`--leave-how=${o.leaveHow}`);
  if (o.password) args.push(`--password=${o.password}`);
  if (o.payload) args.push(`--payload=${o.payload}`);
  if (o.gameConnectTimeout) args.push(`--game-connect-timeout=${o.gameConnectTimeout}`);
  if (o.maxFps) args.push(`--max-fps=${o.maxFps}`);
  return args;
}

export function startPlayer(o: PlayerOptions, spawnOptions: SpawnOptions = {}): Player {
  const child = spawn(godotPath(), ['--headless', '--path', resolve(ROOT, 'godot-demo'), '--', ...playerArgs(o)], {
    stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions,
  });
  return new Player(child, `player ${o.alias}`);
}

export interface RunningServer {
  readonly key: string;
  /** The port the server is bound to (its key may name another: --public-port). */
  readonly port: number;
  readonly process: Watched;
}

export interface ServerStart {
  /** Another build of the server, run as it is (default: this tree's bundle, built by the global set-up or prepareServer). */
  readonly bundle?: string;
  /** Run it in this group (so that nftables can count what it sends). */
  readonly gid?: number;
}

/**
 * Starts the real server on a free loopback port, with [extraArgs] after the harness's own, and
 * reads its key; rejects when it exits first or says nothing within 20 s.
 */
export async function startServer(extraArgs: readonly string[] = [], start: ServerStart = {}): Promise<RunningServer> {
  const args = [start.bundle ?? SERVER_BUNDLE, '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', ...extraArgs];
  const child = spawn(process.execPath, args, {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...(start.gid === undefined ? {} : { gid: start.gid }),
  });
  const watched = new Watched(child, 'server');
  // No comma required after the address: older builds (--bundle) word the line a little differently.
  const match = await watched.waitForLine(/listening on [\d.]+:(\d+).*server key: ([a-z]{12})/, 20_000);
  return { key: match[2]!, port: Number(match[1]), process: watched };
}
