/**
 * A relay node admits a bind only with a grant signed for it and the pair, unexpired and not
 * replayed: forged, expired, replayed and other-address grants are each refused, and each of these
 * tests fails when its check is taken out.
 */
import { describe, expect, it } from 'vitest';
import { GrantGate } from '../src/cluster/grant-gate.ts';
import { GRANT_LENGTH, mintGrant } from '../src/cluster/relay-grant.ts';
import { BIGRAMS } from '../src/generated/protocol.ts';

const SECRET = 'shared secret of instances and nodes';
const NODE = 'qucyxrjukr'; // The node's key: its public address and port.
const HOST = { address: '198.51.100.7', port: 40_001 };
const GUEST = { address: '203.0.113.9', port: 50_002 };
const NOW = 1_800_000_000_000;
const TTL = 30_000;

const gate = () => new GrantGate(SECRET, NODE, 1000);
const grant = (secret = SECRET, node = NODE) => mintGrant(secret, node, HOST.address, GUEST.address, NOW, TTL);

describe('relay grants', () => {
  it('admits both sides of the pair once each, and a side\'s resend from the same endpoint', () => {
    const g = gate();
    const token = grant();
    expect(token).toHaveLength(GRANT_LENGTH);
    expect(g.admit(token, HOST, GUEST.address, NOW)).toMatchObject({ admitted: 'first' });
    expect(g.admit(token, GUEST, HOST.address, NOW + 1000)).toMatchObject({ admitted: 'first' });
    expect(g.admit(token, HOST, GUEST.address, NOW + 2000)).toMatchObject({ admitted: 'resend' });
  });

  it('refuses a forged grant: signed with another secret, for another node, or altered', () => {
    const g = gate();
    expect(g.admit(grant('guessed secret'), HOST, GUEST.address, NOW)).toEqual({ refused: 'forged' });
    expect(g.admit(grant(SECRET, 'qucyotherk'), HOST, GUEST.address, NOW)).toEqual({ refused: 'forged' });
    const token = grant();
    // A later expiry written over the real one: the MAC no longer matches.
    const altered = token.slice(0, 2) + BIGRAMS[255] + token.slice(4);
    expect(g.admit(altered, HOST, GUEST.address, NOW)).toEqual({ refused: 'forged' });
    expect(g.admit('notagrant', HOST, GUEST.address, NOW)).toEqual({ refused: 'malformed' });
  });

  it('refuses an expired grant', () => {
    const g = gate();
    expect(g.admit(grant(), HOST, GUEST.address, NOW + TTL + 1000)).toEqual({ refused: 'expired' });
  });

  it('refuses a replayed grant: the same side from another endpoint, after its first use', () => {
    const g = gate();
    const token = grant();
    expect(g.admit(token, HOST, GUEST.address, NOW)).toMatchObject({ admitted: 'first' });
    // Someone behind the host's NAT (or on its path) presents the same grant from another port.
    expect(g.admit(token, { ...HOST, port: 40_999 }, GUEST.address, NOW + 1000)).toEqual({ refused: 'replayed' });
  });

  it('refuses a grant presented from an address that is not the pair\'s', () => {
    const g = gate();
    const token = grant();
    expect(g.admit(token, { address: '192.0.2.66', port: 40_001 }, GUEST.address, NOW)).toEqual({ refused: 'forged' });
    expect(g.admit(token, { address: '192.0.2.66', port: 40_001 }, HOST.address, NOW)).toEqual({ refused: 'forged' });
  });

  it('is full rather than forgetful: past its bound new grants wait until old ones expire', () => {
    const g = new GrantGate(SECRET, NODE, 1);
    expect(g.admit(grant(), HOST, GUEST.address, NOW)).toMatchObject({ admitted: 'first' });
    expect(g.admit(grant(), HOST, GUEST.address, NOW)).toEqual({ refused: 'full' });
    const later = mintGrant(SECRET, NODE, HOST.address, GUEST.address, NOW + TTL + 1000, TTL);
    expect(g.admit(later, HOST, GUEST.address, NOW + TTL + 1000)).toMatchObject({ admitted: 'first' });
  });
});
