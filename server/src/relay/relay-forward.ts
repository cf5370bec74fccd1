/**
 * What an instance's relays and a relay node's do alike with a datagram from a bound side: pass
 * it to the other side byte for byte, within the relay's bandwidth, and count it.
 */
import type { ServerStats } from '../stats.ts';
import type { FairBandwidth } from './fair-bandwidth.ts';
import type { Relay, RelaySide } from './relay.ts';
import type { RelayPorts } from './relay-ports.ts';

/**
 * Each datagram is charged its IPv4 and UDP headers too, as on the wire: a relay's cost is
 * mostly per datagram, so a flood of tiny datagrams must not pass for little bandwidth.
 */
export const HEADER_BYTES = 28;

/** Forwards [datagram] from [side] to the other side of [relay] at [now]; returns why it was dropped, or null. */
export function forwardDatagram(relay: Relay, side: RelaySide, datagram: Buffer, now: number,
  bandwidth: FairBandwidth, ports: RelayPorts, stats: ServerStats): string | null {
  const other = relay.other(side);
  if (other.bound === null) return 'peer_unbound';
  if (!bandwidth.allow(relay.bucket, now, HEADER_BYTES + datagram.length)) return 'bandwidth';
  if (!ports.send(relay.portIndex, datagram, other.bound)) return 'send_failed';
  relay.lastForward = now;
  relay.bytes += datagram.length;
  relay.datagrams++;
  stats.relayedBytes += datagram.length;
  stats.relayedDatagrams++;
  return null;
}
