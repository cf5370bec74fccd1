/**
 * Lab checks below the node: the server's NAT diagnosis seen through each kind of router, and the
 * dual-stack homes' IPv6 firewall. They run ci/natlab/udp_check.mjs (plain Node) in a namespace.
 */
import { resolve } from 'node:path';
import { Watched } from '../harness/processes.ts';
import type { Lab } from './lab.ts';
import { SERVER_IP } from './lab.ts';

const CHECK = resolve(import.meta.dirname, 'udp_check.mjs');

export type NatType = 'open' | 'port_preserving' | 'port_randomising' | 'unknown';

interface Endpoint { readonly address: string; readonly port: number }

function fail(message: string): never {
  throw new Error(message);
}

async function runCheck<T>(lab: Lab, node: string, args: readonly string[]): Promise<T> {
  const watched = new Watched(lab.spawn(node, process.execPath, [CHECK, ...args]), `udp_check@${node}`);
  const code = await watched.exited;
  const line = watched.lines.find((l) => l.startsWith('{'));
  if (code !== 0 || !line) fail(`udp_check ${args.join(' ')} on ${node} exited ${code}:\n${watched.tail(10)}`);
  return JSON.parse(line) as T;
}

/** What the two answers say, the way the node reads them. */
export function diagnose(own: string, first: Endpoint, second: Endpoint | null): NatType {
  if (first.address === own) return 'open';
  if (!second) return 'unknown';
  return first.address === second.address && first.port === second.port ? 'port_preserving' : 'port_randomising';
}

/** Each [node, expected] pair: the diagnosis from inside that node matches its router. */
export async function checkDiagnosis(lab: Lab, expected: ReadonlyArray<readonly [string, NatType]>): Promise<void> {
  const results = await Promise.all(expected.map(async ([node, want]) => {
    const { first, second } = await runCheck<{ first: Endpoint; second: Endpoint | null }>(lab, node, ['probe', SERVER_IP, '7788']);
    const got = diagnose(lab.address(node), first, second);
    return { node, want, got, detail: `${first.address}:${first.port} / ${second ? `${second.address}:${second.port}` : 'none'}` };
  }));
  const wrong = results.filter((r) => r.got !== r.want);
  if (wrong.length) fail(wrong.map((r) => `${r.node}: diagnosed ${r.got} (${r.detail}), router is ${r.want}`).join('\n'));
}

/**
 * While [second] listens on IPv6, [first] sends it 10 datagrams: the second home's firewall must
 * drop them all (nothing solicited them). Then both send to each other at once for 1 s, as two
 * nodes punching do: each must hear most of the other's.
 */
export async function checkIpv6Firewall(lab: Lab, first: string, second: string): Promise<void> {
  type Got = { got: Array<{ n: number; ms: number }> };
  const listener = new Watched(lab.spawn(second, process.execPath, [CHECK, 'peer', '40000', lab.address6(first), '40001', '2000', '0']), `listener@${second}`);
  await listener.waitForLine(/^ready$/, 10_000);
  await runCheck<Got>(lab, first, ['peer', '40001', lab.address6(second), '40000', '0', '10']);
  await listener.exited;
  const unsolicited = JSON.parse(listener.lines.find((l) => l.startsWith('{')) ?? fail(`listener on ${second} printed nothing:\n${listener.tail(10)}`)) as Got;
  if (unsolicited.got.length) fail(`${second} received unsolicited IPv6 datagrams ${unsolicited.got.map((g) => g.n).join(', ')}: its firewall let them in`);
  const [a, b] = await Promise.all([
    runCheck<Got>(lab, first, ['peer', '40001', lab.address6(second), '40000', '0', '10']),
    runCheck<Got>(lab, second, ['peer', '40000', lab.address6(first), '40001', '0', '10']),
  ]);
  if (a.got.length < 5 || b.got.length < 5) fail(`sending both ways: ${first} heard ${a.got.length} of 10, ${second} ${b.got.length} of 10`);
}

/**
 * Birthday probing with plain sockets, [easyNode] behind a port-preserving NAT (its public port is
 * its local one) and [hardNode] behind a port-randomising one: the hard side opens [sockets]
 * mappings, the easy side sends [probes] probes to random ports. Resolves with the milliseconds
 * until the hard side heard the easy side, or null when the probes missed.
 */
export async function birthday(lab: Lab, easyNode: string, easyRouter: string, hardNode: string, hardRouter: string, sockets = 256, probes = 1024): Promise<number | null> {
  const port = String(40_000 + Math.floor(Math.random() * 20_000));
  const [h, e] = await Promise.all([
    runCheck<{ won: number | null; ms?: number }>(lab, hardNode, ['hard', lab.wan(easyRouter), port, String(sockets), '1500']),
    runCheck<{ heard: number | null; ms?: number }>(lab, easyNode, ['easy', port, lab.wan(hardRouter), String(probes), '1500']),
  ]);
  return h.won !== null && e.heard !== null ? h.ms ?? null : null;
}
