/** Counters the server keeps: what came in, what went out, what was dropped and why. */
import type { DecodeError } from './generated/protocol.ts';

/** Why a datagram in, or an answer out, was dropped. */
export type DropReason = DecodeError | 'not_for_server' | 'handler_error' | 'rate_limited' | 'amplification' | 'send_rate_limited'
  /** A source no answer can reach: port 0, or an unspecified, multicast or broadcast address. */
  | 'bad_source'
  /** Malformed datagrams past their own bucket (valid requests have another). */
  | 'invalid_rate_limited'
  /** A send the socket refused (it threw). */
  | 'send_failed'
  /** A JS from an address or network past its budget of failed joins: not looked up, not answered. */
  | 'join_budget'
  /** An LS from an address or /24 past its budget of list requests (--lists-per-ip, --lists-per-net): not answered. */
  | 'list_budget'
  /** Anything but NP on a port that answers only NP (a probe port of its own, the IPv6 port). */
  | 'not_a_probe'
  /** A JS or RS whose return-path cookie (RC) is wrong, or older than two minutes: answered with a fresh RC only. */
  | 'bad_cookie';

export class ServerStats {
  readonly received = new Map<string, number>();
  readonly sent = new Map<string, number>();
  readonly dropped = new Map<DropReason, number>();
  /** Valid requests the handlers ignored: KA or CS from someone not the host, and the like. */
  ignored = 0;
  sessionsCreated = 0;
  sessionsClosed = 0;
  sessionsExpired = 0;
  matches = 0;
  /** HS or RS refused by --max-sessions or --sessions-per-ip. */
  registrationsRefused = 0;
  /** Provisional registrations pushed out by a new one at a limit, or expired unconfirmed. */
  registrationsEvicted = 0;
  registrationsUnconfirmed = 0;
  /** Peer slots of silent joiners given to new joiners. */
  slotsReclaimed = 0;
  relaysOpened = 0;
  relaysClosed = 0;
  /** Relays closed, by reason (session_expired, peer_left, idle, unbound, lifetime, gave_way, shutdown). */
  readonly relayClosed = new Map<string, number>();
  relayedBytes = 0;
  relayedDatagrams = 0;
  /** Relay requests refused and datagrams a relay port dropped, by cause. */
  readonly relayDropped = new Map<string, number>();
  /** IPv6 addresses claimed in HS, JS and RS: proven (passed on) or unproven (dropped). */
  readonly ip6Claims = new Map<string, number>();

  count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  total(map: Map<string, number>): number {
    let sum = 0;
    for (const n of map.values()) sum += n;
    return sum;
  }

  summary(): string {
    const list = (m: Map<string, number>) => [...m].map(([k, n]) => `${k}=${n}`).join(' ') || 'none';
    return `received ${this.total(this.received)} (${list(this.received)}), sent ${this.total(this.sent)} (${list(this.sent)}), `
      + `dropped ${this.total(this.dropped)} (${list(this.dropped)}), ignored ${this.ignored}, sessions created ${this.sessionsCreated}, `
      + `closed ${this.sessionsClosed}, expired ${this.sessionsExpired}, refused ${this.registrationsRefused}, `
      + `unconfirmed ${this.registrationsUnconfirmed}, evicted ${this.registrationsEvicted}, slots reclaimed ${this.slotsReclaimed}, matches ${this.matches}, `
      + `relays opened ${this.relaysOpened}, relayed ${this.relayedDatagrams} datagrams (${this.relayedBytes} bytes), relay drops (${list(this.relayDropped)}), `
      + `IPv6 claims (${list(this.ip6Claims)})`;
  }
}
