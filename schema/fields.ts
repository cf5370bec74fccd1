/** Fields several messages share: our extensions (nonces, secrets, NAT types) and their docs. */
import type { FieldSpec } from './types.ts';

/** Ours, on every request: the server echoes it, so a forged answer is told apart. */
export const NONCE: FieldSpec = {
  name: 'nonce', type: 'token', optional: true,
  doc: 'Ours: a fresh random token per session that the server echoes in its answer. Original clients send none.',
};
/** Ours, on the host's KA and CS: its own nonce, so that a joiner who knows the host's address cannot keep or close its session with spoofed ones. */
export const HOST_NONCE: FieldSpec = {
  name: 'nonce', type: 'token', optional: true,
  doc: 'Ours: the nonce of the host\'s HS or RS. The server then takes KA and CS for that session only with it.',
};
/** Ours, on every answer to a request that carried a nonce. */
export const ECHO: FieldSpec = { name: 'nonce', type: 'token', optional: true, doc: 'The nonce of the request this answers, when it had one.' };
/** Ours: drawn by the server when both sides of a pair sent nonces. */
export const SECRET: FieldSpec = {
  name: 'secret', type: 'token', optional: true,
  doc: 'Ours: the pair\'s secret, when host and joiner both sent nonces; they prove themselves to each other with it (RV, JH, JD, JG).',
};
/** The pair's secret on a handover message between two peers of ours. */
export const PEER_SECRET: FieldSpec = { name: 'secret', type: 'token', optional: true, doc: 'The pair\'s secret, when the server gave one.' };

/** The NAT behaviours a node can diagnose (NP / NA); ours, carried to peers in HS, JS, RS, JR and NJ. */
export const NAT_TYPES = ['open', 'port_preserving', 'port_randomising', 'unknown'];
export const NAT_DOC = 'open: a public address, no NAT; port_preserving: one public port for every destination (endpoint-independent mapping); port_randomising: a new public port per destination; unknown: not diagnosed (or the server has no probe port).';
/** Ours, after the nonce of HS, JS and RS: what the sender's NAT diagnosis found, and its global IPv6 address. */
export const OWN_NAT: readonly FieldSpec[] = [
  { name: 'nat', type: 'word', values: NAT_TYPES, optional: true, doc: `Ours: the sender's NAT type from its diagnosis (NP / NA). ${NAT_DOC}` },
  {
    name: 'ip6_prefix', type: 'token', optional: true,
    doc: 'Ours: the first 8 bytes of the sender\'s global IPv6 address, one bigram per byte (as in a key). Its port is the local key\'s port (one dual-stack socket).',
  },
  { name: 'ip6_host', type: 'token', optional: true, doc: 'Ours: the last 8 bytes of that IPv6 address.' },
  {
    name: 'ip6_proof', type: 'token', optional: true,
    doc: 'Ours: the server\'s proof (from IA) that the sender received at that IPv6 address and the local key\'s port, for this request\'s nonce. The server passes the address on only with a valid proof.',
  },
];
/** Ours, last on JS and RS: the return-path cookie from RC, echoed. */
export const COOKIE: FieldSpec = {
  name: 'cookie', type: 'token', optional: true,
  doc: 'Ours: the cookie from RC, echoed: proof that the sender receives at its source address and port. Sent only after RC; the fields before it are then all present (cycycycycycycycy for an IPv6 address and proof it does not claim, unknown for a NAT type it does not know).',
};
/** The server's IPv6 address in NP (as the sender knows it, or zeros) and in NA; NP carries it so that NA is never the longer. */
export const SERVER_IP6: readonly FieldSpec[] = [
  {
    name: 'server_ip6_prefix', type: 'token', optional: true,
    doc: 'Ours: the first 8 bytes of the server\'s IPv6 address (--public-ip6). In NP: as the sender knows it, or cycycycycycycycy before it does; it makes the request as long as an answer that names the address.',
  },
  { name: 'server_ip6_host', type: 'token', optional: true, doc: 'Ours: the last 8 bytes of the server\'s IPv6 address (in NP as the sender knows it, or zeros).' },
];
/** The peer's NAT type and IPv6 address in JR and NJ: sent only to a pair of ours (after its secret). */
export function peerNat(peer: 'host' | 'joiner'): FieldSpec[] {
  return [
    { name: `${peer}_nat`, type: 'word', values: NAT_TYPES, optional: true, doc: `Ours: the ${peer}'s NAT type, as it reported it; sent only after a secret (both sides ours). ${NAT_DOC}` },
    { name: `${peer}_ip6_prefix`, type: 'token', optional: true, doc: `Ours: the first 8 bytes of the ${peer}'s IPv6 address, passed on only when the ${peer} proved it holds it (ip6_proof).` },
    { name: `${peer}_ip6_host`, type: 'token', optional: true, doc: `Ours: the last 8 bytes of the ${peer}'s global IPv6 address.` },
  ];
}
