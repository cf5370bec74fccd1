/**
 * The simple-hole-punch protocol: the one source of truth for the server and the Godot addon.
 * `npm run codegen` turns it into server/src/generated/ and the addon's generated/ folder.
 * The wire format is the original project's (see docs/wire-format.md), so original
 * clients and servers interoperate with ours.
 */
import bigrams from './bigrams.json' with { type: 'json' };
import { messages } from './messages.ts';
import { node } from './node.ts';
import type { ProtocolSpec } from './types.ts';

export const protocol: ProtocolSpec = {
  messages,
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

