/**
 * NAT diagnosis (NP / NA): a node sends NP from a socket of its own to the rendezvous port and
 * then to the probe port (--probe-port, by default the first relay port); each port answers with
 * the source address it saw. When the two differ, the node's NAT picks a new public port per
 * destination. NA names the server's IPv6 address too (--public-ip6) when NP made room for it:
 * NA is never longer than NP, whichever port it leaves from. NP reaching the server over IPv6 is
 * answered with IA, the proof that the node receives at its IPv6 address (ip6-proof.ts), never
 * longer than NP either.
 */
import { decode, decodeKey, encode, encodeKey, type Endpoint, type Ip6Answer, type Message, type NatAnswer, type NatProbe, NO_KEY } from '../generated/protocol.ts';
import { looksLikeRequest } from '../limits/request-shape.ts';
import { ip6Tokens } from './ip6-address.ts';
import type { Ip6Proof } from './ip6-proof.ts';

/** The key of 0.0.0.0 port 0: "none" (the schema's constant). */
export { NO_KEY };

/** The probe port's key: the server's public address and [port], or NO_KEY without a probe port. */
export function probeKey(serverKey: string, port: number | undefined): string {
  const server = decodeKey(serverKey);
  return server && port !== undefined ? encodeKey({ address: server.address, port }) : NO_KEY;
}

/** What NA says about the server: where its probe port is, and its IPv6 address as two tokens (when it has one). */
export interface ServerSelf {
  readonly probeKey: string;
  readonly ip6: readonly [string, string] | undefined;
}

/** The answer to [probe] from [from]. The server's IPv6 address goes only in answer to an NP that carried room for it. */
export function natAnswer(probe: NatProbe, from: Endpoint, self: ServerSelf): NatAnswer {
  const answer: NatAnswer = { code: 'NA', remoteKey: encodeKey(from), probeKey: self.probeKey, nonce: probe.nonce };
  if (!self.ip6 || probe.serverIp6Prefix === undefined || probe.serverIp6Host === undefined) return answer;
  return { ...answer, serverIp6Prefix: self.ip6[0], serverIp6Host: self.ip6[1] };
}

/** The answer to [probe] that reached the server over IPv6 from [address] (16 bytes) and [port]. */
export function ip6Answer(probe: NatProbe, address: Uint8Array, port: number, proof: Ip6Proof): Ip6Answer {
  const [ip6Prefix, ip6Host] = ip6Tokens(address);
  return { code: 'IA', ip6Prefix, ip6Host, proof: proof.mint(address, port, probe.nonce), nonce: probe.nonce };
}

/** Why a datagram on the probe port (or the IPv6 port) was not answered. */
export type ProbeDrop = 'not_a_probe' | 'amplification';

/**
 * The answer datagram to a datagram that reached a probe-only port, or why there is none. Only a
 * valid NP is answered, and only when the answer [make] builds is no longer than it.
 */
export function answerProbe(datagram: Uint8Array, make: (probe: NatProbe) => Message): Buffer | ProbeDrop {
  const result = decode(datagram);
  if (!result.ok || result.message.code !== 'NP') return 'not_a_probe';
  const answer = Buffer.from(encode(make(result.message)), 'latin1');
  return answer.length <= datagram.length ? answer : 'amplification';
}

/** Whether [datagram] starts like NP ("NP:") and is no longer than the longest NP, checked before anything else is parsed. */
export function looksLikeProbe(datagram: Uint8Array): boolean {
  return datagram[0] === 0x4e && datagram[1] === 0x50 && looksLikeRequest(datagram);
}
