import { describe, expect, it } from 'vitest';
import { addressKey, endpointKey, endpointKeys, networkKey, networkOf, networkTextKey } from '../src/addresses.ts';

describe('address keys', () => {
  it('are one number per IPv4 address, shared by nothing else, and one per /24 for its addresses alone', () => {
    const addresses = ['0.0.0.0', '0.0.0.1', '1.0.0.0', '127.0.0.1', '198.51.100.7', '198.51.100.8', '198.51.101.7', '255.255.255.255', '128.0.0.0'];
    const keys = addresses.map(addressKey);
    expect(keys.every((k) => Number.isInteger(k))).toBe(true);
    expect(new Set(keys).size).toBe(addresses.length);
    // A /24's key is the same for its addresses, from the address or from networkOf's text, and differs between networks.
    for (const a of addresses) expect(networkKey(a)).toBe(networkTextKey(networkOf(a)));
    expect(networkKey('198.51.100.7')).toBe(networkKey('198.51.100.8'));
    expect(networkKey('198.51.100.7')).not.toBe(networkKey('198.51.101.7'));
    expect(networkKey(addressKey('203.0.113.9'))).toBe(networkKey('203.0.113.9'));
  });

  it('leave anything that is no dotted IPv4 address as its text', () => {
    for (const text of ['::1', '2001:db8::1', '1.2.3', '1.2.3.4.5', '1.2.3.256', '1..2.3', 'a.b.c.d', '']) expect(addressKey(text)).toBe(text);
    expect(networkTextKey('2001:db8:0:1')).toBe('2001:db8:0:1');
  });

  it('of an endpoint read at once are the address key and the endpoint key, whatever the address', () => {
    const keys = { ip: 0 as number | string, endpoint: 0 as number | string };
    for (const address of ['198.51.100.7', '255.255.255.255', '1.0.0.0', '::1', '1.2.3.256', '']) {
      for (const port of [1, 4000, 65535]) {
        endpointKeys({ address, port }, keys);
        expect(keys).toEqual({ ip: addressKey(address), endpoint: endpointKey({ address, port }) });
      }
    }
  });
});
