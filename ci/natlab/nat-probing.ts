/**
 * Birthday probing from a port-randomising host: a random session in which that side is made the
 * host, and its router's connection tracking as the witness of which socket its game uses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PlayerOptions, Watched } from '../harness/processes.ts';
import { expect } from './expectations.ts';
import { type Lab, SERVER_IP } from './lab.ts';
import { type SessionRun, startLabPlayer } from './sessions.ts';

/**
 * Two strangers pair at random, [hostNode] first: the server makes it the host once it is
 * registered (its HR seen in its trace), and only then does [clientNode] ask. Timed from the
 * second stranger's request, when the pairing can happen. Resolves once both processes ended
 * (with `until: 'connected'`, once the client is done; the host is then stopped).
 */
export async function runRandomHardHost(lab: Lab, serverKey: string, hostNode: string, clientNode: string, extra: Partial<PlayerOptions> = {}): Promise<SessionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'shp-lab-'));
  try {
    const [goHost, goClient] = [join(dir, 'go-host'), join(dir, 'go-client')];
    const timeout = extra.timeout ?? 20;
    const host = startLabPlayer(lab, hostNode, { role: 'random', alias: 'stranger1', serverKey, goFile: goHost, timeout, trace: true, ...extra });
    const client = startLabPlayer(lab, clientNode, { role: 'random', alias: 'stranger2', serverKey, goFile: goClient, timeout, ...extra });
    await Promise.all([host, client].map((p) => p.waitForEvent('ready', 30_000)));
    writeFileSync(goHost, 'go');
    await host.waitForLine(/^HolePunch \d+ < HR:/, 10_000);
    writeFileSync(goClient, 'go');
    let codes: Array<number | null>;
    if (extra.until === 'connected') {
      // The client ends once the host's first RPC arrived; the host, which never ends by itself
      // then, is stopped here and counts as a success when it saw the client connect.
      const clientCode = await client.exited;
      host.kill();
      await host.exited;
      codes = [host.eventsNamed('enet_connected').length >= 1 ? 0 : host.child.exitCode ?? 1, clientCode];
    } else {
      codes = await Promise.all([host.exited, client.exited]);
    }
    expect(host.eventsNamed('start_server').length === 1, `the first stranger did not end up host:\n${host.tail(12)}`);
    const begin = client.eventsNamed('begin')[0]?.wall;
    const connected = [host, client].map((p) => p.eventsNamed('enet_connected').map((e) => e.wall));
    const complete = begin !== undefined && connected.every((c) => c.length >= 1);
    return { host, clients: [client], codes, secondsToConnect: complete ? Math.max(...connected.flat()) - begin : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Tracked { readonly src: string; readonly dst: string; readonly sport: number; readonly dport: number; readonly mappedPort: number }

/** The UDP connections [router] tracks: the original direction, and the port its NAT mapped the source to. */
async function conntrack(lab: Lab, router: string): Promise<Tracked[]> {
  const reader = new Watched(lab.spawn(router, 'cat', ['/proc/net/nf_conntrack']), `conntrack@${router}`);
  await reader.exited;
  return reader.lines.filter((l) => / udp /.test(l)).map((line) => {
    const field = (name: string, nth: number): string => [...line.matchAll(new RegExp(`\\b${name}=(\\S+)`, 'g'))][nth]?.[1] ?? '';
    return { src: field('src', 0), dst: field('dst', 0), sport: Number(field('sport', 0)), dport: Number(field('dport', 0)), mappedPort: Number(field('dport', 1)) };
  });
}

/**
 * The host's game runs on the socket that won the probing: the mapping its router made for the
 * port of start_server leads to the client, at the public port the client's ENet connected to,
 * and the host's registered socket (which the server saw) is another one.
 */
export async function expectGameOnWinner(lab: Lab, run: SessionRun, hostNode: string, hostRouter: string, clientRouter: string): Promise<void> {
  const gamePort = Number(run.host.eventsNamed('start_server')[0]?.port);
  const connectedTo = Number(run.clients[0]!.eventsNamed('start_client')[0]?.port);
  const tracked = (await conntrack(lab, hostRouter)).filter((t) => t.src === lab.address(hostNode));
  const toClient = tracked.find((t) => t.dst === lab.wan(clientRouter) && t.mappedPort === connectedTo);
  expect(toClient?.sport === gamePort, `the client connected to ${lab.wan(hostRouter)}:${connectedTo}, which the host's router maps to port ${toClient?.sport}, but the game server started on ${gamePort}`);
  const registered = tracked.filter((t) => t.dst === SERVER_IP && t.dport === 7788).map((t) => t.sport);
  expect(registered.length > 0 && !registered.includes(gamePort), `the host spoke to the server from ${registered.join(', ')}; its game runs on ${gamePort}`);
}
