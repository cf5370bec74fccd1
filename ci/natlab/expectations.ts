/** What a lab case is, and what it asserts about a session: connected, which paths, which NAT types, how fast. */
import type { Impairment, Lab, LabSpec } from './lab.ts';
import { SERVER_IP } from './lab.ts';
import type { SessionRun } from './sessions.ts';

/** The impairment of the lab's lossy cases, on every router's WAN link, both directions. */
export const IMPAIRED: Impairment = { loss: 0.2, duplicate: 0.05, delayMs: 30, jitterMs: 10 };
/**
 * The bound an impaired session must connect within, in seconds. A peer-to-peer packet crosses
 * two impaired links (36% loss), and ENet backs off exponentially when its handshake packets are
 * lost; with the demo's fresh attempts the slowest of 40 measured sessions took 12 s.
 */
export const IMPAIRED_BOUND = 25;

export interface Case {
  readonly name: string;
  readonly spec: LabSpec;
  /** Extra server options. */
  readonly server?: readonly string[];
  /** What runs before the server starts (processes it spawns in the lab end with it). */
  readonly before?: (lab: Lab) => Promise<void>;
  readonly run: (lab: Lab, serverKey: string) => Promise<void>;
}

export function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

export function describeRun(run: SessionRun): string {
  return [run.host, ...run.clients].map((p) => `${p.label} exit ${p.child.exitCode}:\n${p.tail(12)}`).join('\n');
}

/** Every player exited 0 after ENet connected and RPCs went both ways. */
export function expectConnected(run: SessionRun): void {
  expect(run.codes.every((c) => c === 0), `not every player connected:\n${describeRun(run)}`);
  expect(run.host.eventsNamed('rpc_pong').length === run.clients.length, 'the host missed a pong');
  for (const c of run.clients) expect(c.eventsNamed('rpc_pong').length === 1, `${c.label} missed its pong`);
}

/**
 * Impaired runs: every client heard the host's first RPC, so both ENet peers connected and data
 * flowed. Past that, ENet's own resends on a path that loses 36% of packets can take tens of
 * seconds to deliver one reliable packet, which says nothing about this project.
 */
export function expectConnectedThroughLoss(run: SessionRun): void {
  expect(run.codes.every((c) => c === 0), `not every player connected:\n${describeRun(run)}`);
  for (const c of run.clients) expect(c.eventsNamed('rpc_ping').length === 1, `${c.label} never heard the host`);
}

/**
 * What a session must reach: RPCs both ways on a clean link; on an impaired one, the host's first
 * RPC at every client, within a longer player timeout.
 */
export function goal(impair?: Impairment): { until: 'rpc' | 'connected'; timeout: number; check: (run: SessionRun) => void } {
  return impair
    ? { until: 'connected', timeout: 45, check: expectConnectedThroughLoss }
    : { until: 'rpc', timeout: 20, check: expectConnected };
}

/** The paths every player reported with peer_path. */
export function paths(run: SessionRun): string[] {
  return [run.host, ...run.clients].flatMap((p) => p.eventsNamed('peer_path').map((e) => String(e.path)));
}

/**
 * The host's ENet saw each client at [addresses], proving which path the traffic took. (A client
 * that restarted its connect can leave a second, stale connection from the same address.)
 */
export function expectHostSaw(run: SessionRun, addresses: string[]): void {
  const seen = [...new Set(run.host.eventsNamed('enet_connected').map((e) => String(e.peer_address)))].sort();
  expect(JSON.stringify(seen) === JSON.stringify([...addresses].sort()), `host saw ${seen.join(', ')}, expected ${addresses.join(', ')}`);
}

export function expectClientsConnectedTo(run: SessionRun, address: string): void {
  for (const c of run.clients) {
    const ip = c.eventsNamed('start_client')[0]?.ip;
    expect(ip === address, `${c.label} connected to ${String(ip)}, expected ${address}`);
  }
}

export function expectDirect(run: SessionRun): void {
  expect(!paths(run).includes('relay'), `a relay was used where punching works: ${paths(run).join(', ')}`);
}

/** Both ENets talk to the relay: the host sees each client at the server's address, each on a relay port of its own. */
export function expectRelayed(run: SessionRun, relayed: number): void {
  const fromServer = run.host.eventsNamed('enet_connected').filter((e) => e.peer_address === SERVER_IP).map((e) => Number(e.peer_port));
  expect(new Set(fromServer).size === relayed, `host saw relayed clients at ${SERVER_IP} ports ${fromServer.join(', ')}, expected ${relayed} distinct`);
  const onRelay = [run.host, ...run.clients].flatMap((p) => p.eventsNamed('peer_path').filter((e) => e.path === 'relay'));
  expect(onRelay.length === 2 * relayed, `expected ${relayed} pair(s) on the relay, got paths ${paths(run).join(', ')}`);
}

/** The NAT each player reported (nat_diagnosed), by player label. */
export function reportedNat(run: SessionRun): Map<string, string> {
  return new Map([run.host, ...run.clients].map((p) => [p.label, String(p.eventsNamed('nat_diagnosed')[0]?.nat_type)]));
}

export function expectNat(run: SessionRun, expected: Record<string, string>): void {
  const got = reportedNat(run);
  for (const [label, want] of Object.entries(expected)) expect(got.get(label) === want, `${label} reported ${got.get(label)}, its router is ${want}`);
}

/** Seconds from the first begin to the host's last enet_connected: both ENet peers up. */
export function expectWithin(run: SessionRun, seconds: number): void {
  expect(run.secondsToConnect !== null && run.secondsToConnect < seconds, `took ${run.secondsToConnect?.toFixed(2)} s, bound ${seconds} s`);
}

/** Whether [a] and [b] are one IPv6 address, in any spelling. */
export function sameIpv6(a: string, b: string): boolean {
  const expand = (text: string): string => {
    const [head = '', tail] = text.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return groups.map((g) => Number.parseInt(g, 16)).join(':');
  };
  return a.includes(':') && expand(a) === expand(b);
}
