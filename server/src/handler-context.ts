/** What the request handlers work with: the session store, the config, the clock and the way out. */
import type { Config } from './config.ts';
import type { Endpoint, Message, NatAnswer, NatProbe, Refused } from './generated/protocol.ts';
import type { NatReport } from './nat/nat-book.ts';
import type { CrossInstancePairing } from './cluster/cross-instance-pairing.ts';
import type { FailedJoinBudget } from './limits/failed-joins.ts';
import type { FairShare } from './limits/fair-share.ts';
import type { NetworkBudget } from './limits/network-budget.ts';
import type { RelayService } from './relay/relay-service.ts';
import type { SessionStore } from './sessions/session-store.ts';
import type { ServerStats } from './stats.ts';

/** Why a registration or a join is refused (RF's reasons). */
export type Refusal = Refused['reason'];

export interface HandlerContext {
  readonly store: SessionStore;
  readonly stats: ServerStats;
  readonly serverKey: () => string;
  readonly config: Config;
  readonly matches: NetworkBudget;
  /** Each address's fair share of random matches. */
  readonly matchShares: FairShare;
  readonly failedJoins: FailedJoinBudget;
  /** List requests (LS) per address and /24. */
  readonly lists: NetworkBudget;
  /** Bytes of the datagram being handled: an answer that packs a page (LL) takes no more. */
  readonly requestBytes: () => number;
  readonly now: () => number;
  /** The key of [endpoint] (the source of the datagram being handled, mostly): computed once per datagram. */
  readonly keyOf: (endpoint: Endpoint) => string;
  /** Answers [to], within the answer budget of the datagram being handled. */
  readonly send: (to: Endpoint, message: Message) => void;
  /** An answer sent later than its request (once Redis decided a match): one per request, rate-limited per destination. */
  readonly answer: (to: Endpoint, message: Message) => void;
  /** True once the server drains: it takes no new sessions and answers the ones it has. */
  readonly draining: () => boolean;
  /** Random pairing across instances through Redis; absent when the server runs alone. */
  readonly pairing?: CrossInstancePairing;
  /** NA to an NP on the rendezvous port: the source seen, the probe port, the server's IPv6 address. */
  /** The NAT report of the request being handled, if it carried one: kept only if the request is accepted. */
  readonly natReport: () => NatReport | undefined;
  readonly natAnswer: (probe: NatProbe, from: Endpoint) => NatAnswer;
  /** Absent when the server runs without relays. */
  readonly relays?: RelayService;
  readonly log: (event: string, fields: Record<string, unknown>) => void;
}
