/** Running the real server and headless Godot players inside a lab, and timing a session. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { godotPath, ROOT } from '../harness/godot.ts';
import { Player, type PlayerOptions, playerArgs, Watched } from '../harness/processes.ts';
import { SERVER_BUNDLE } from '../harness/server-build.ts';
import { type Lab, SERVER_IP, SERVER_IP6 } from './lab.ts';

/** The lab server's UDP port, at SERVER_IP: a game's `server` setting is `${SERVER_IP}:${SERVER_PORT}`. */
export const SERVER_PORT = 7788;

export interface LabServer {
  readonly key: string;
  readonly process: Watched;
}

export async function startLabServer(lab: Lab, extraArgs: readonly string[] = []): Promise<LabServer> {
  // In a dual-stack lab the server has an IPv6 address, where players prove theirs.
  const ip6 = lab.dualStack ? ['--public-ip6', SERVER_IP6] : [];
  const child = lab.spawn('server', process.execPath, [SERVER_BUNDLE, '--port', String(SERVER_PORT), '--bind', SERVER_IP, '--public-ip', SERVER_IP, ...ip6, ...extraArgs], { cwd: ROOT });
  const watched = new Watched(child, 'server');
  const match = await watched.waitForLine(/server key: ([a-z]{12})/, 20_000);
  return { key: match[1]!, process: watched };
}

/** Stops the server and reads its closing summary: datagrams received and sent. */
export async function stopLabServer(server: LabServer): Promise<{ received: number; sent: number }> {
  server.process.child.kill('SIGTERM');
  const match = await server.process.waitForLine(/stopped on \w+: received (\d+) .*, sent (\d+) /, 10_000);
  return { received: Number(match[1]), sent: Number(match[2]) };
}

export function startLabPlayer(lab: Lab, node: string, options: Omit<PlayerOptions, 'lanIp'>): Player {
  const args = playerArgs({ ...options, lanIp: lab.address(node) });
  const child = lab.spawn(node, godotPath(), ['--headless', '--path', resolve(ROOT, 'godot-demo'), '--', ...args]);
  return new Player(child, `${options.alias}@${node}`);
}

/**
 * The tiny rejoin game (`godot-demo/snippets/rejoin_game.gd`: rejoin_grace 10 s, game_timeout 1 s)
 * on [node], as `host SERVER_KEY` or `join CODE NAME` ([args]).
 */
export function startRejoinGame(lab: Lab, node: string, args: string[], env: Record<string, string> = {}): Watched {
  return new Watched(lab.spawn(node, godotPath(), ['--headless', '--path', resolve(ROOT, 'godot-demo'), 'res://snippets/rejoin_game.tscn', '--', ...args],
    { env: { ...process.env, ...env } }), `${args[0]}@${node}`);
}

export interface SessionRun {
  readonly host: Player;
  readonly clients: Player[];
  readonly codes: Array<number | null>;
  /** Seconds from host_session to the last ENet connection; null when not all connected. */
  readonly secondsToConnect: number | null;
}

/**
 * Starts the host and clients, lets them all begin together, passes the code through a file,
 * and waits for every process to end.
 */
export async function runSession(lab: Lab, serverKey: string, hostNode: string, clientNodes: readonly string[], extra: Partial<PlayerOptions> = {}): Promise<SessionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'shp-lab-'));
  try {
    const goFile = join(dir, 'go');
    const sessionFile = join(dir, 'session');
    const timeout = extra.timeout ?? 20;
    const host = startLabPlayer(lab, hostNode, { role: 'host', alias: 'host', serverKey, expectPeers: clientNodes.length, goFile, timeout, ...extra });
    const clients = clientNodes.map((node, i) => startLabPlayer(lab, node, { role: 'join', alias: `client${i + 1}`, sessionFile, timeout, ...extra }));
    const all = [host, ...clients];
    await Promise.all(all.map((p) => p.waitForEvent('ready', 30_000)));
    writeFileSync(goFile, 'go');
    host.waitForEvent('start_session', timeout * 1000).then((e) => writeFileSync(sessionFile, String(e.key)), () => {});
    let codes: Array<number | null>;
    if (extra.until === 'connected') {
      // Clients end once the host's first RPC arrived; the host, connected to them all by then,
      // is stopped here, and counts as a success when it saw every client connect.
      const clientCodes = await Promise.all(clients.map((c) => c.exited));
      host.kill();
      await host.exited;
      const hostOk = host.eventsNamed('enet_connected').length >= clientNodes.length && host.eventsNamed('timeout').length === 0;
      codes = [hostOk ? 0 : host.child.exitCode ?? 1, ...clientCodes];
    } else {
      codes = await Promise.all(all.map((p) => p.exited));
    }
    const begin = host.eventsNamed('begin')[0]?.wall;
    // A client that restarted its connect has several connections; the last is the one that held.
    const connected = all.map((p) => p.eventsNamed('enet_connected').map((e) => e.wall));
    const complete = begin !== undefined && host.eventsNamed('enet_connected').length >= clientNodes.length
      && clients.every((c) => c.eventsNamed('enet_connected').length >= 1);
    return { host, clients, codes, secondsToConnect: complete ? Math.max(...connected.flat()) - begin : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Two strangers pair at random: both start together, and whichever the server makes the host
 * serves. Resolves once both processes ended.
 */
export async function runRandom(lab: Lab, serverKey: string, nodes: readonly [string, string], extra: Partial<PlayerOptions> = {}): Promise<SessionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'shp-lab-'));
  try {
    const goFile = join(dir, 'go');
    const timeout = extra.timeout ?? 20;
    const players = nodes.map((node, i) => startLabPlayer(lab, node, { role: 'random', alias: `stranger${i + 1}`, serverKey, goFile, timeout, ...extra }));
    await Promise.all(players.map((p) => p.waitForEvent('ready', 30_000)));
    writeFileSync(goFile, 'go');
    const codes = await Promise.all(players.map((p) => p.exited));
    const hostIndex = players.findIndex((p) => p.eventsNamed('start_server').length > 0);
    const host = players[hostIndex === -1 ? 0 : hostIndex]!;
    const clients = players.filter((p) => p !== host);
    const begin = Math.min(...players.flatMap((p) => p.eventsNamed('begin').map((e) => e.wall)));
    const connected = players.map((p) => p.eventsNamed('enet_connected').map((e) => e.wall));
    const complete = connected.every((c) => c.length >= 1);
    return { host, clients, codes: [codes[players.indexOf(host)]!, ...clients.map((c) => codes[players.indexOf(c)]!)], secondsToConnect: complete ? Math.max(...connected.flat()) - begin : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
