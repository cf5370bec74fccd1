/**
 * Whether a relay node's relay gives way to a host's new one: only at the host's own bind, with a
 * grant naming the binding address as the host, and only for that host's relay holding the port;
 * by the same rule as an instance (a game ended once it runs, a /24 past its share).
 */
import { describe, expect, it } from 'vitest';
import { givesWayOnNode, givingPorts, type NodeBind } from '../src/cluster/node-giving-way.ts';
import { FairBandwidth } from '../src/relay/fair-bandwidth.ts';
import { Relay, type RelaySide } from '../src/relay/relay.ts';

const HOST = '198.51.100.7';
const NOW = 100_000;
const bandwidth = new FairBandwidth(1_000_000, 10_000_000);
const side = (ip: string): RelaySide => ({ key: ip, ip, token: '', nonce: undefined, bound: null, heardAt: -Infinity });

/** A relay of [host] and [player] on port [port], last forwarding [silentMs] ago. */
function relay(id: string, player: string, port: number, silentMs: number, host = HOST): Relay {
  const made = new Relay(id, id, port, [side(host), side(player)], bandwidth.newBucket(), NOW - 60_000);
  made.lastForward = NOW - silentMs;
  return made;
}

const bind = (peerIp: string, role: NodeBind['role'], fromIp = HOST): NodeBind => ({ id: 'new', role, peerIp, from: { address: fromIp, port: 40_000 } });
const RUNS = { hostIp: HOST, gameRuns: true };

describe('a relay on a node gives way', () => {
  const ended = relay('a', '203.0.113.1', 0, 5_000);
  const playing = relay('b', '203.0.114.1', 1, 200);
  const relays = [ended, playing];
  const hostOf = new Map(relays.map((r) => [r, HOST]));

  it('when its game ended (3 s silent) and the grant says the host\'s game runs', () => {
    expect(givesWayOnNode(ended, bind('192.0.2.1', RUNS), relays, hostOf, NOW)).toBe(true);
    expect(givesWayOnNode(ended, bind('192.0.2.1', { hostIp: HOST, gameRuns: false }), relays, hostOf, NOW)).toBe(false);
    expect(givesWayOnNode(playing, bind('192.0.2.1', RUNS), relays, hostOf, NOW)).toBe(false);
  });

  it('never for a grant without a host, whose host is not the one binding, or to a holder not the host\'s', () => {
    expect(givesWayOnNode(ended, bind('192.0.2.1', { hostIp: undefined, gameRuns: true }), relays, hostOf, NOW)).toBe(false);
    expect(givesWayOnNode(ended, bind('192.0.2.1', { hostIp: '192.0.2.1', gameRuns: true }), relays, hostOf, NOW)).toBe(false);
    expect(givesWayOnNode(ended, bind(HOST, { hostIp: HOST, gameRuns: true }, '192.0.2.1'), relays, hostOf, NOW)).toBe(false);
    expect(givesWayOnNode(ended, bind('192.0.2.1', RUNS), relays, new Map([[playing, HOST]]), NOW)).toBe(false);
  });

  it('when its /24 holds two more of the host\'s relays than the new player\'s, however busy', () => {
    const crowd = [0, 1, 2].map((n) => relay(`c${n}`, `203.0.115.${n + 1}`, n, 100));
    const other = relay('d', '203.0.116.1', 3, 100);
    const all = [...crowd, other];
    const hosts = new Map(all.map((r) => [r, HOST]));
    const quiet = { hostIp: HOST, gameRuns: false };
    expect(givesWayOnNode(crowd[1]!, bind('192.0.2.1', quiet), all, hosts, NOW)).toBe(true);
    expect(givesWayOnNode(other, bind('192.0.2.1', quiet), all, hosts, NOW)).toBe(false);
    // A newcomer whose /24 already holds two of them does not get a third.
    const two = [relay('e', '192.0.2.8', 4, 100), relay('f', '192.0.2.9', 5, 100)];
    const more = [...all, ...two];
    expect(givesWayOnNode(crowd[1]!, bind('192.0.2.1', quiet), more, new Map(more.map((r) => [r, HOST])), NOW)).toBe(false);
    // And what the node tells the instance: a port of the crowded /24.
    expect([0, 1, 2]).toContain(givingPorts(all, hosts, 4, NOW).get(HOST)?.fair);
  });

  it('is told to the instance only for a host holding every port: the ended one once the game runs', () => {
    expect(givingPorts(relays, hostOf, 2, NOW).get(HOST)).toEqual({ ended: 0, fair: undefined });
    expect(givingPorts(relays, hostOf, 3, NOW).size).toBe(0);
  });
});
