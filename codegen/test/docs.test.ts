/** docs/wire-format.md: its tables come from the schema, game connection and NAT / IPv6 fields included. */
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.ts';
import { fileText, protocol, withMessages } from './spec-fixtures.ts';

describe('the wire-format page', () => {
  const page = fileText(generate(protocol), 'wire-format.md');

  it('lists every message of the schema with its fields and longest datagram', () => {
    for (const m of protocol.messages) expect(page).toContain(`### ${m.code} ${m.name} (`);
    expect(page).toContain('| HS | host_session | client → server | local_key, [nonce, nat, ip6_prefix, ip6_host, ip6_proof] | 100 |');
    expect(page).toContain('| SHP-ROSTER | game_roster | player ↔ host | (key, alias, peer_id, path, rtt)… |');
    expect(page).toContain('| host_ip6_prefix (optional) | token | 16 |');
    expect(page).toContain('| reason | word: `server_full`, `address_limit`, `session_full` | 11–13 |');
  });

  it('takes a message added to the schema without an edit of its own', () => {
    const added = fileText(generate(withMessages({
      code: 'PX', name: 'ping_extra', direction: 'peer_to_peer', doc: 'An extra ping.',
      fields: [{ name: 'target_key', type: 'key', doc: 'Where to.' }],
    })), 'wire-format.md');
    expect(added).toContain('| PX | ping_extra | peer → peer | target_key | 15 |');
    expect(added).toContain('### PX ping_extra (peer → peer)\n\nAn extra ping.');
  });
});
