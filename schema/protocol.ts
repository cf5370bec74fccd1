/**
 * The simple-hole-punch protocol: the one source of truth for the server and the Godot addon.
 * `npm run codegen` turns it into server/src/generated/ and the addon's generated/ folder.
 * The wire format is the original project's (see docs/wire-format.md), so original
 * clients and servers interoperate with ours.
 */
import bigrams from './bigrams.json' with { type: 'json' };
import { NAT_DOC, NAT_TYPES } from './fields.ts';
import { gameMessages, PATHS } from './game-messages.ts';
import { lobbyMessages } from './lobby-messages.ts';
import { messages } from './messages.ts';
import { node } from './node.ts';
import type { ProtocolSpec } from './types.ts';

export const protocol: ProtocolSpec = {
  messages: [...messages, ...lobbyMessages, ...gameMessages],
  constants: [
    { name: 'no_key', value: bigrams[0]!.repeat(6), doc: 'The key of no address (0.0.0.0:0): NP\'s probe key before the node knows it, NA\'s without a probe port.' },
    { name: 'no_token', value: bigrams[0]!.repeat(8), doc: 'Eight zero bytes: an IPv6 half or proof a request does not claim (before its cookie), the server\'s IPv6 address in NP before the node knows it.' },
    { name: 'nat_types', value: NAT_TYPES, doc: `The NAT types a node reports (HS, JS, RS) and learns of its peer (JR, NJ). ${NAT_DOC}` },
    { name: 'paths', value: PATHS, doc: 'A player\'s path to the host, in SHP-ROSTER.' },
  ],
  ...node,
  limits: {
    maxDatagramBytes: 512,
    maxNameLength: 32,
    maxTextCharacters: 32,
    maxTextLength: 32 * 4 * 3,
    maxNames: 16,
    minSuffixBigrams: 2,
    maxSuffixBigrams: 16,
  },
  bigrams,
};

