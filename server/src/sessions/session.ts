/** A session as the server keeps it. */

export interface SessionPeer {
  /** The joiner's public address as the server saw it. */
  readonly remoteKey: string;
  localKey: string;
}

export interface Session {
  readonly id: string;
  readonly hostRemoteKey: string;
  /** The host's public IP, for the per-address session limit. */
  readonly hostIp: string;
  hostLocalKey: string;
  /** Made by RS: pairs the host with one stranger. */
  readonly random: boolean;
  readonly peers: Map<string, SessionPeer>;
  readonly createdAt: number;
  /** Last datagram from the host; sessions expire from it. */
  hostSeenAt: number;
}
