/**
 * NAT diagnosis (NP / NA): a node sends NP from its punching socket to the rendezvous port and
 * then to the probe port (the first relay port); each port answers with the source address it
 * saw. When the two differ, the node's NAT picks a new public port per destination.
 * NA is exactly as long as NP (two keys and a token each), so an answer never outgrows its
 * request, whichever port it leaves from.
 */
import { decode, decodeKey, encode, encodeKey, type Endpoint, type NatAnswer, type NatProbe } from '../generated/protocol.ts';

/** The key of 0.0.0.0 port 0: "none". */
export const NO_KEY = 'cycycycycycy';

/** The probe port's key: the server's public address and its first relay port, or NO_KEY without relays. */
export function probeKey(serverKey: string, relayPorts: readonly number[]): string {
  const server = decodeKey(serverKey);
  const port = relayPorts[0];
  return server && port !== undefined ? encodeKey({ address: server.address, port }) : NO_KEY;
}

/** The answer to [probe] from [from], naming [probe] port [probeAt]. */
export function natAnswer(probe: NatProbe, from: Endpoint, probeAt: string): NatAnswer {
  return { code: 'NA', remoteKey: encodeKey(from), probeKey: probeAt, nonce: probe.nonce };
}

/** Why a datagram on the probe port was not answered. */
export type ProbeDrop = 'not_a_probe' | 'amplification';

/**
 * The answer datagram to a datagram that reached the probe port, or why there is none. Only a
 * valid NP is answered, and only when the answer is no longer than it.
 */
export function answerOnProbePort(datagram: Uint8Array, from: Endpoint, probeAt: string): Buffer | ProbeDrop {
  const result = decode(datagram);
  if (!result.ok || result.message.code !== 'NP') return 'not_a_probe';
  const answer = Buffer.from(encode(natAnswer(result.message, from, probeAt)), 'latin1');
  return answer.length <= datagram.length ? answer : 'amplification';
}

/** Whether [datagram] starts like NP ("NP:"), checked before anything else is parsed. */
export function looksLikeProbe(datagram: Uint8Array): boolean {
  return datagram.length >= 3 && datagram.length <= 64 && datagram[0] === 0x4e && datagram[1] === 0x50 && datagram[2] === 0x3a;
}
