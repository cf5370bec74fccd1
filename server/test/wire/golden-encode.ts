/**
 * The encoder the transcript was first written with: the server's generated encoder for the
 * rendezvous messages, and for the game connection's the addon's own format strings
 * (hole_punch_roster_client.gd and hole_punch_roster_host.gd), spelled out here.
 */
import { tsIdentifier } from '../../../codegen/src/naming.ts';
import { encode, type Message } from '../../src/generated/protocol.ts';
import type { Sample } from './golden-samples.ts';

export function encodeSample(s: Sample): string {
  const f = s.fields as Record<string, string | string[]>;
  switch (s.code) {
    case 'SHP-HELLO': return `SHP-HELLO:${f.alias as string}:${f.payload as string}${f.proof === undefined ? '' : `:${f.proof as string}`}`;
    case 'SHP-ROSTER': {
      let packet = 'SHP-ROSTER';
      (f.key as string[]).forEach((key, i) => { packet += `:${key}:${f.alias![i]!}:${f.peer_id![i]!}:${f.path![i]!}`; });
      return packet;
    }
    case 'SHP-LEFT': return `SHP-LEFT:${f.key as string}:${f.reason as string}`;
    case 'SHP-REFUSED': return `SHP-REFUSED:${f.reason as string}`;
    case 'SHP-BEAT': return 'SHP-BEAT';
    default:
      return encode(Object.fromEntries([['code', s.code], ...Object.entries(f).map(([k, v]) => [tsIdentifier(k), v])]) as unknown as Message);
  }
}
