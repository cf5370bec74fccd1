/** What a relay service is given: its settings, and the ways it reaches the rest of the server. */
import type { Config } from '../config.ts';
import type { Endpoint, Message } from '../generated/protocol.ts';
import type { ServerStats } from '../stats.ts';
import type { NodeGrants } from '../cluster/node-grants.ts';
import type { RelaySocket } from './relay-ports.ts';
import type { OwnEndpoints } from './usable-source.ts';

export type RelayConfig = Pick<Config, 'relayPorts' | 'relayBandwidth' | 'relayTotalBandwidth' | 'relayIdleMs' | 'relayLifetimeMs'
  | 'maxRelays' | 'relaysPerIp' | 'relaysPerSubnet' | 'relayRequestsPerIp'>;

/** What the relay needs to know of a session: who is in it, and whether the host's game runs (it linked, HL). */
export interface SessionMembers {
  readonly hostRemoteKey: string;
  readonly hostIp: string;
  readonly hostLink?: string | undefined;
  readonly peers: { has(key: string): boolean };
}

export interface RelayServiceOptions {
  readonly config: RelayConfig;
  readonly publicIp: string;
  readonly stats: ServerStats;
  readonly now: () => number;
  readonly log: (event: string, fields: Record<string, unknown>) => void;
  readonly openSocket: (port: number) => Promise<RelaySocket>;
  /** Sends a rendezvous-port answer (RG). */
  readonly send: (to: Endpoint, message: Message) => void;
  /** The live session [id], or undefined once it ended. */
  readonly session: (id: string) => SessionMembers | undefined;
  /** The server's own addresses and ports: datagrams from them are never answered. */
  readonly own: OwnEndpoints;
  /**
   * A datagram on relay port [portIndex] from an address no relay bound: true when it was a NAT
   * probe (NP) on the probe port and handled, so the relay does not count it as a stranger's.
   */
  readonly probe?: (portIndex: number, datagram: Buffer, from: Endpoint, reply: (answer: Buffer) => void) => boolean;
  /**
   * Side [key] of a relay in session [sessionId] sent game data through it (at most once a
   * second per side): a relayed player that no longer talks to the server is not silent.
   */
  readonly heard?: (sessionId: string, key: string) => void;
  /** Relay nodes to grant relays on, when this instance opens no relay ports of its own. */
  readonly nodes?: NodeGrants;
}
