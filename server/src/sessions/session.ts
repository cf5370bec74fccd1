/** A session as the server keeps it. */
import type { NatReport } from '../nat/nat-book.ts';
import type { Peers } from './peer-table.ts';

export interface SessionPeer {
  /** The joiner's public address as the server saw it. */
  readonly remoteKey: string;
  localKey: string;
  /** Last JS (or RQ) from this joiner: its slot is reclaimable once this is older than --join-window. */
  seenAt: number;
  /** This joiner's first JS: a host not heard since, for --host-silence, has gone. */
  readonly joinedAt: number;
  /** The pair's secret (a token), drawn when host and joiner both sent nonces; kept for duplicates. */
  secret?: string;
  /** The NAT type (and proven IPv6 address) the joiner reported, passed on to its host. */
  nat?: NatReport;
}

/** What a host published about its session (LP): the session is listed while it has one. */
export interface Listing {
  /** Its place in the listing order: fresh (the highest) whenever the metadata changes; LS pages by it. */
  readonly seq: number;
  /** The host's cap on players, itself included; 0 for none of its own. */
  readonly cap: number;
  readonly alias: string;
  readonly name: string;
  readonly mode: string;
  readonly map: string;
  readonly version: string;
  /** The players in the session as its host last counted them (LP), itself included; undefined: the joiners the server introduced count. */
  players?: number;
}

export interface Session {
  readonly id: string;
  readonly hostRemoteKey: string;
  /** The host's public IP, for the per-address session limit. */
  readonly hostIp: string;
  hostLocalKey: string;
  /** The nonce of the host's first HS or RS, sent in every NJ so its node can tell a forged one. */
  readonly hostNonce?: string;
  /** The NAT type (and proven IPv6 address) the host reported, passed on to its joiners. */
  hostNat?: NatReport;
  /** The host's link (HL): the address its node talks from while its game holds hostRemoteKey. */
  hostLink?: string;
  /** Made by RS: pairs the host with one stranger. */
  readonly random: boolean;
  /** Joiners by public key, least recently heard first. */
  readonly peers: Peers;
  readonly createdAt: number;
  /** Last datagram from the host; sessions expire from it. */
  hostSeenAt: number;
  /**
   * False until the host proves it received HR (a KA, or a request carrying the session id, from
   * its address). A provisional session expires after --confirm-window and gives way to new ones.
   */
  confirmed: boolean;
  /** Present while the session is listed publicly (LP); the store indexes it. */
  listing?: Listing;
}
