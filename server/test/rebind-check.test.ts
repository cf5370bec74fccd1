/**
 * What an instance checks of a rebind's grant (relay-rebind.ts) without processes: the node's key
 * port a grant carries lets an instance that never saw the node alive know it, under the MAC; the
 * window is the one given (the relay lifetime).
 */
import { describe, expect, it } from 'vitest';
import { checkRebind } from '../src/cluster/relay-rebind.ts';
import { mintGrant, readSideGrant, sideGrant } from '../src/cluster/relay-grant.ts';
import { encodeKey } from '../src/generated/protocol.ts';

const SECRET = 'shared secret of instances and nodes';
const NODE = { address: '192.0.2.10', port: 7789 };
const NODE_ID = encodeKey(NODE);
const RELAY_KEY = encodeKey({ address: NODE.address, port: 7791 });
const [HOST, GUEST] = ['198.51.100.7', '203.0.113.9'];
const NOW = 1_800_000_000_000;
const TTL = 30_000;
const HOUR = 3_600_000;

const grant = mintGrant(SECRET, NODE_ID, HOST, GUEST, NOW, TTL);
const check = (side: string, nowMs = NOW, windowMs = HOUR) => checkRebind(SECRET, [], RELAY_KEY, side, HOST, nowMs, TTL, windowMs);

describe('checking a rebind\'s grant', () => {
  it('reads the node\'s key port back from a side grant, and a side grant without one', () => {
    expect(readSideGrant(sideGrant(grant, GUEST, 7789))).toEqual({ grant, peerIp: GUEST, nodePort: 7789 });
    expect(readSideGrant(sideGrant(grant, GUEST, 65_535))?.nodePort).toBe(65_535);
    expect(readSideGrant(sideGrant(grant, GUEST))).toEqual({ grant, peerIp: GUEST });
  });

  it('knows a node it never saw from the port its grant carries, and only the port signed', () => {
    expect(check(sideGrant(grant, GUEST, NODE.port))).toMatchObject({ ok: true, nodeId: NODE_ID, peerIp: GUEST });
    expect(check(sideGrant(grant, GUEST, NODE.port + 1))).toEqual({ ok: false, reason: 'forged' });
    expect(check(sideGrant(grant, GUEST))).toEqual({ ok: false, reason: 'unknown_node' });
  });

  it('takes a grant for the window given after it was made, not longer', () => {
    const side = sideGrant(grant, GUEST, NODE.port);
    expect(check(side, NOW + HOUR - 60_000).ok).toBe(true);
    expect(check(side, NOW + HOUR + 60_000)).toEqual({ ok: false, reason: 'expired' });
    expect(check(side, NOW + HOUR + 60_000, 2 * HOUR).ok).toBe(true);
  });
});
