/**
 * A grant carries its pair's role, signed: which address hosts the pair and whether the host's
 * game runs, which a node needs to let the host's relays give way. Altered, it fails as a forgery
 * does; a grant of an earlier instance (version 1, no role) is still admitted, with no role, so
 * its relay never gives way.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkGrant, mintGrant, readSideGrant, sideGrant } from '../src/cluster/relay-grant.ts';
import { BIGRAMS } from '../src/generated/protocol.ts';

const SECRET = 'shared secret of instances and nodes';
const NODE = 'qucyxrjukr';
const HOST = '203.0.113.9';
const GUEST = '198.51.100.7';
const NOW = 1_800_000_000_000;
const TTL = 30_000;

/** A grant as an instance of version 1 made it: version | expiry | id | MAC, no role. */
function roleless(): string {
  const bytes = Buffer.alloc(23);
  bytes[0] = 1;
  bytes.writeUInt32BE(Math.ceil((NOW + TTL) / 1000), 1);
  randomBytes(6).copy(bytes, 5);
  const [low, high] = HOST < GUEST ? [HOST, GUEST] : [GUEST, HOST];
  createHmac('sha256', SECRET).update(bytes.subarray(0, 11)).update(`\n${NODE}\n${low}\n${high}`).digest().subarray(0, 12).copy(bytes, 11);
  return [...bytes].map((b) => BIGRAMS[b]).join('');
}

describe('a grant\'s role', () => {
  it('names the host and whether its game runs, read the same from either side', () => {
    for (const gameRuns of [true, false]) {
      const grant = mintGrant(SECRET, NODE, HOST, GUEST, NOW, TTL, { hostIp: HOST, gameRuns });
      expect(checkGrant(SECRET, NODE, grant, HOST, GUEST, NOW)).toMatchObject({ ok: true, role: { hostIp: HOST, gameRuns } });
      expect(checkGrant(SECRET, NODE, grant, GUEST, HOST, NOW)).toMatchObject({ ok: true, role: { hostIp: HOST, gameRuns } });
    }
    const other = mintGrant(SECRET, NODE, HOST, GUEST, NOW, TTL, { hostIp: GUEST, gameRuns: false });
    expect(checkGrant(SECRET, NODE, other, HOST, GUEST, NOW)).toMatchObject({ ok: true, role: { hostIp: GUEST, gameRuns: false } });
    expect(checkGrant(SECRET, NODE, mintGrant(SECRET, NODE, HOST, GUEST, NOW, TTL), HOST, GUEST, NOW))
      .toMatchObject({ ok: true, role: { hostIp: undefined, gameRuns: false } });
  });

  it('altered (another host, or a game said to run) fails as a forgery', () => {
    const grant = mintGrant(SECRET, NODE, HOST, GUEST, NOW, TTL, { hostIp: HOST, gameRuns: false });
    const roleAt = 2 * 11;
    for (const flags of [1, 2, 4, 5, 6, 7]) {
      const altered = grant.slice(0, roleAt) + BIGRAMS[flags] + grant.slice(roleAt + 2);
      if (altered === grant) continue;
      expect(checkGrant(SECRET, NODE, altered, HOST, GUEST, NOW)).toEqual({ ok: false, reason: 'forged' });
    }
  });

  it('of a version 1 grant is none, and the grant is still admitted (with or without the node\'s port)', () => {
    const grant = roleless();
    expect(checkGrant(SECRET, NODE, grant, HOST, GUEST, NOW)).toMatchObject({ ok: true, role: { hostIp: undefined, gameRuns: false } });
    expect(readSideGrant(sideGrant(grant, GUEST))).toEqual({ grant, peerIp: GUEST });
    expect(readSideGrant(sideGrant(grant, GUEST, 7789))).toEqual({ grant, peerIp: GUEST, nodePort: 7789 });
    const current = mintGrant(SECRET, NODE, HOST, GUEST, NOW, TTL, { hostIp: HOST, gameRuns: true });
    expect(readSideGrant(sideGrant(current, GUEST, 7789))).toEqual({ grant: current, peerIp: GUEST, nodePort: 7789 });
  });
});
