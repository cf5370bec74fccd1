/** The point of the design: one message added to the schema appears on both sides. */
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.ts';
import { fileText, withMessages } from './spec-fixtures.ts';

describe('a message added to the schema', () => {
  const files = generate(withMessages(
    {
      code: 'PX', name: 'ping_extra', direction: 'peer_to_peer', doc: 'An extra ping.',
      fields: [{ name: 'target_key', type: 'key', doc: 'Where to.' }],
    },
    {
      code: 'QX', name: 'query_extra', direction: 'client_to_server', doc: 'Asks for extras.',
      fields: [{ name: 'owner', type: 'name', doc: 'Whose.' }],
    },
  ));
  const ts = fileText(files, 'protocol.ts');
  const gd = fileText(files, 'protocol.gd');
  const dispatch = fileText(files, 'hole_punch_dispatch.gd');

  it('appears in the TypeScript types, encoder and decoder', () => {
    expect(ts).toContain('export interface PingExtra {');
    expect(ts).toContain('readonly targetKey: string;');
    expect(ts).toMatch(/export type PeerToPeerMessage = .*PingExtra/);
    // The one codec encodes and decodes it from its descriptor.
    expect(ts).toContain("code: 'PX', direction: 'peer_to_peer', maxBytes: 15, fields: [");
    expect(ts).toContain("{ name: 'targetKey', wire: 'target_key', type: 'key', min: 12, max: 12 },");
  });

  it('a client-to-server message becomes a server handler and a dispatch case', () => {
    expect(ts).toMatch(/listSessions\(message: ListSessions, from: From\): void;/);
    expect(ts).toContain("case 'QX': handlers.queryExtra(message, from); return true;");
  });

  it('appears in the GDScript constant, class, descriptor, encoder and typed dispatch (the session must then handle it)', () => {
    expect(gd).toContain('const PING_EXTRA := "PX"');
    expect(gd).toContain('class PingExtra extends Message:\n\tvar target_key: String\n');
    expect(gd).toContain('\t"PX": [PingExtra, [["target_key", "key"]], 0, 0, 15],'); // no records; PX:, then 12 letters
    expect(gd).toContain('static func encode_ping_extra(target_key: String) -> PackedByteArray:');
    expect(dispatch).toMatch(/\t\t"PX":\n\t\t\t_on_ping_extra\(message as HolePunchProtocol\.PingExtra, ip, port\)/);
    expect(dispatch).toContain('func _on_ping_extra(message: HolePunchProtocol.PingExtra, _ip: String, _port: int) -> void:');
    // A client never receives a client-to-server message: no dispatch for it.
    expect(dispatch).not.toContain('"QX":');
  });
});
