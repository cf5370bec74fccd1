/**
 * The server's logic without its socket: per datagram, check the source, sort malformed from
 * valid (each with its own rate limit per address), dispatch to the handlers, count; every
 * answer passes the amplification guard and the per-destination rate limit. Nothing a datagram
 * contains can throw out of here, and nothing a send does either.
 */
import { type AddressKey, endpointKeys, isUsableSource } from './addresses.ts';
import type { CrossInstancePairing } from './cluster/cross-instance-pairing.ts';
import type { Config } from './config.ts';
import {
  decode, type DecodeError, dispatchToServer, encode, encodeKey, type Endpoint, isKey, type JoinSession, type Message, type RandomSession,
} from './generated/protocol.ts';
import type { HandlerContext } from './handler-context.ts';
import { RendezvousHandlers } from './handlers.ts';
import { AnswerBudget } from './limits/answer-budget.ts';
import { FailedJoinBudget } from './limits/failed-joins.ts';
import { FairShare } from './limits/fair-share.ts';
import { NetworkBudget } from './limits/network-budget.ts';
import { RateLimiter } from './limits/rate-limiter.ts';
import { looksLikeKeepAlive, looksLikeRequest } from './limits/request-shape.ts';
import { NatBook, type NatReport } from './nat/nat-book.ts';
import { natAnswer } from './nat/nat-probe.ts';
import { ProbeAnswers } from './probe-answers.ts';
import type { RelayService } from './relay/relay-service.ts';
import type { SessionStore } from './sessions/session-store.ts';
import { type DropReason, ServerStats } from './stats.ts';
import { ReturnCookie } from './wire/return-cookie.ts';

export { AMPLIFICATION_FACTOR } from './limits/answer-budget.ts';

/**
 * What may be sent to one IP address, as a multiple of what may be sent to one endpoint: room for
 * a few endpoints behind one address (a carrier NAT), still a bound on a flood towards it. The
 * requests of one address get at most two answers each (JR and NJ), so its own traffic alone
 * cannot use it up.
 */
const ADDRESS_SHARE = 4;

/** At most one log line per this long for errors a datagram can cause; the rest are counted. */
const ERROR_LOG_INTERVAL_MS = 10_000;
/** Random matches count towards an address's fair share for about this long. */
const MATCH_SHARE_MS = 60_000;


export interface RendezvousOptions {
  readonly config: Config;
  readonly store: SessionStore;
  readonly now: () => number;
  readonly serverKey: () => string;
  readonly transmit: (to: Endpoint, datagram: Buffer) => void;
  readonly log: HandlerContext['log'];
  readonly relays?: RelayService;
  readonly stats?: ServerStats;
  /** The probe port's number once bound; undefined without one. */
  readonly probePort?: () => number | undefined;
  /** Random pairing across instances through Redis; absent when the server runs alone. */
  readonly pairing?: CrossInstancePairing;
}

export class Rendezvous {
  readonly stats: ServerStats;
  readonly handlers: RendezvousHandlers;
  /** Valid requests and malformed datagrams from one address have separate buckets, so junk cannot spend a neighbour's tokens. */
  private readonly inbound: RateLimiter;
  private readonly junk: RateLimiter;
  /** Per destination endpoint, so a neighbour's answers do not use up a host's; and per address, wider. */
  private readonly outbound: RateLimiter;
  private readonly outboundPerIp: RateLimiter;
  /** The amplification guard: what the answers to the datagram being handled may still take. */
  private readonly budget = new AnswerBudget();
  /** Reads the NAT types our nodes report, which the handlers keep with sessions and joiners. */
  private readonly nat: NatBook;
  /** The NAT report of the datagram being handled. */
  private natReport: NatReport | undefined;
  /** NP on the probe port and on the IPv6 port, under the limits above. */
  readonly probes: ProbeAnswers;
  /** Return-path cookies (RC) for the JS and RS of nodes of ours. */
  private readonly cookies: ReturnCookie;
  /** The last endpoint whose key was asked for, and its key: the handlers of one datagram ask for its source's several times. */
  private keyAddress = '';
  private keyPort = -1;
  private key = '';
  /** The endpoint last keyed by ipOf or endpointOf, and its keys. */
  private remembered: Endpoint | undefined;
  private readonly rememberedKeys: { ip: AddressKey; endpoint: AddressKey } = { ip: 0, endpoint: 0 };
  /** Set by drain(): no new sessions from then on. */
  draining = false;
  private lastErrorLog = -Infinity;

  constructor(private readonly options: RendezvousOptions) {
    const { config } = options;
    this.stats = options.stats ?? new ServerStats();
    const limit = { rate: config.rate, burst: config.burst, maxTracked: config.maxTracked };
    this.inbound = new RateLimiter(limit);
    this.junk = new RateLimiter(limit);
    this.outbound = new RateLimiter(limit);
    this.outboundPerIp = new RateLimiter({ ...limit, rate: limit.rate * ADDRESS_SHARE, burst: limit.burst * ADDRESS_SHARE });
    this.probes = new ProbeAnswers(
      { publicIp6: config.publicIp6, now: options.now, serverKey: options.serverKey, probePort: options.probePort },
      { inbound: this.inbound, outbound: this.outbound, outboundPerIp: this.outboundPerIp }, this.stats,
    );
    this.nat = new NatBook(this.probes.proof);
    this.cookies = new ReturnCookie(options.now);
    this.handlers = new RendezvousHandlers({
      config, store: options.store, stats: this.stats, now: options.now, log: options.log, serverKey: options.serverKey,
      matches: new NetworkBudget({ perIp: config.matchesPerIp, perNet: config.matchesPerNet, maxTracked: config.maxTracked }),
      matchShares: new FairShare(MATCH_SHARE_MS, config.maxTracked),
      failedJoins: new FailedJoinBudget({
        perIp: config.failedJoinsPerIp, perNet: config.failedJoinsPerNet, total: config.failedJoins, maxTracked: config.maxTracked,
      }),
      lists: new NetworkBudget({ perIp: config.listsPerIp, perNet: config.listsPerNet, maxTracked: config.maxTracked }),
      requestBytes: () => this.budget.requestBytes,
      send: (to, message) => this.send(to, message),
      answer: (to, message) => this.answer(to, message),
      pairing: options.pairing,
      draining: () => this.draining,
      keyOf: (endpoint) => this.keyOf(endpoint),
      natReport: () => this.natReport,
      natAnswer: (probe, from) => natAnswer(probe, from, this.probes.self()),
      relays: options.relays,
    });
  }

  receive(data: Uint8Array, from: Endpoint): void {
    try {
      this.handle(data, from);
    } catch (error) {
      this.drop('handler_error');
      this.logError('handler_error', { error: (error as Error).message });
    }
  }

  /**
   * An error the socket reported on its own (an asynchronous send failure: an unreachable
   * destination, a full buffer). Counted; logged at most once per interval, since a sender can
   * cause one per datagram.
   */
  socketError(error: Error): void {
    this.drop('send_failed');
    this.logError('socket_error', { error: error.message });
  }

  /** Drops sessions whose host has been silent since before [cutoff], and unconfirmed ones past the confirm window. */
  expire(cutoff: number): void {
    this.handlers.expire(cutoff, this.options.now() - this.options.config.confirmWindowMs);
  }

  private handle(data: Uint8Array, from: Endpoint): void {
    if (!isUsableSource(from)) return this.drop('bad_source'); // Before anything could answer it.
    const now = this.options.now();
    // The cheap pre-check that bounds work in a flood: an address that spent both its buckets
    // gets nothing more decoded, whatever it sends; short KAs excepted, so a neighbour's flood
    // cannot starve a host's keep-alive.
    const ip = this.ipOf(from);
    if (!this.inbound.peek(ip, now) && !this.junk.peek(ip, now) && !looksLikeKeepAlive(data)) {
      return this.drop('rate_limited');
    }
    if (!looksLikeRequest(data)) return this.malformed(data, from, ip, now, null);
    const result = decode(data);
    if (!result.ok) return this.malformed(data, from, ip, now, result.error);
    const { message } = result;
    // Read once: a message's shape differs per code, so each load of it is a slow one.
    const { code } = message;
    // A host's keep-alive is cheap and never answered: no neighbour's traffic may starve it.
    const keepAlive = code === 'KA' && this.handlers.isHostKeepAlive(message, from);
    if (!keepAlive && !this.inbound.allow(ip, now)) return this.drop('rate_limited');
    this.stats.count(this.stats.received, code);
    if ((code === 'JS' || code === 'RS') && !this.returnPathProven(message, from, data)) return;
    const { report, verdict } = this.nat.read(message);
    if (verdict !== 'none') this.stats.count(this.stats.ip6Claims, verdict);
    this.budget.start(data.length);
    this.natReport = report;
    try {
      if (!dispatchToServer(this.handlers, message, from)) this.drop('not_for_server');
    } finally {
      this.natReport = undefined;
    }
  }

  /**
   * Whether [message] may take effect: a JS or RS that carries a nonce (a node of ours) must echo
   * the cookie of its source and nonce. Without it, it gets RC alone (when RC is no longer than
   * it), its NAT claim is not recorded and nobody is introduced: a spoofed request never reaches a
   * host. Original clients send no nonce and cannot echo; they are let through as before.
   */
  private returnPathProven(message: JoinSession | RandomSession, from: Endpoint, data: Uint8Array): boolean {
    if (message.nonce === undefined) return true;
    if (this.cookies.verify(from, message.nonce, message.cookie)) return true;
    if (message.cookie !== undefined) this.drop('bad_cookie');
    const answer = Buffer.from(encode({ code: 'RC', cookie: this.cookies.mint(from, message.nonce), nonce: message.nonce }), 'latin1');
    if (answer.length > data.length) {
      this.drop('amplification');
      return false;
    }
    this.transmit(from, 'RC', answer);
    return false;
  }

  /**
   * A datagram that is no request (or not one for the server): charged to the junk bucket, and
   * decoded only within it to count why. A JS whose session id is malformed gets BK echoing
   * what followed its key, as the original server answers a mistyped code.
   */
  private malformed(data: Uint8Array, from: Endpoint, ip: AddressKey, now: number, error: DecodeError | null): void {
    if (!this.junk.allow(ip, now)) return this.drop('invalid_rate_limited');
    const result = error === null ? decode(data) : null;
    const reason = error ?? (result!.ok ? 'not_for_server' : result!.error);
    this.drop(reason);
    if (reason === 'too_long' || reason === 'not_ascii' || reason === 'not_for_server' || data[0] !== 0x4a || data[1] !== 0x53) return;
    const text = Buffer.from(data).toString('latin1');
    const keyEnd = text.indexOf(':', 3);
    if (!text.startsWith('JS:') || keyEnd < 0 || !isKey(text.slice(3, keyEnd))) return;
    this.budget.start(data.length);
    // BK's text is shorter than the JS it answers: "BK:" plus what followed the key.
    this.transmit(from, 'BK', Buffer.from(`BK:${text.slice(keyEnd + 1)}`, 'latin1'));
  }

  private keyOf(endpoint: Endpoint): string {
    if (endpoint.port !== this.keyPort || endpoint.address !== this.keyAddress) {
      this.key = encodeKey(endpoint);
      this.keyAddress = endpoint.address;
      this.keyPort = endpoint.port;
    }
    return this.key;
  }

  /** The addressKey of [endpoint]: read once for the source of a datagram and every answer to it. */
  private ipOf(endpoint: Endpoint): AddressKey {
    this.remember(endpoint);
    return this.rememberedKeys.ip;
  }

  /** The endpointKey of [endpoint], as ipOf. */
  private endpointOf(endpoint: Endpoint): AddressKey {
    this.remember(endpoint);
    return this.rememberedKeys.endpoint;
  }

  private remember(endpoint: Endpoint): void {
    if (endpoint === this.remembered) return; // Endpoints are never changed: the socket makes one per datagram.
    this.remembered = endpoint;
    endpointKeys(endpoint, this.rememberedKeys);
  }

  /** [message] to [to], within the answer budget. Limits and budgets are kept by the destination's endpointKey. */
  private send(to: Endpoint, message: Message): void {
    const datagram = Buffer.from(encode(message), 'latin1');
    const destination = this.endpointOf(to);
    if (!this.budget.spend(destination, datagram.length)) return this.drop('amplification');
    this.transmit(to, message.code, datagram, destination);
  }

  /**
   * An answer sent later than its request: RG once a relay's port is bound. Each requester gets
   * one RG (45 bytes) per RQ (36 bytes) it sent, so the answer is bounded by its request.
   */
  answer(to: Endpoint, message: Message): void {
    this.transmit(to, message.code, Buffer.from(encode(message), 'latin1'));
  }

  private transmit(to: Endpoint, code: string, datagram: Buffer, destination = this.endpointOf(to)): void {
    const now = this.options.now();
    if (!this.outbound.allow(destination, now) || !this.outboundPerIp.allow(this.ipOf(to), now)) return this.drop('send_rate_limited');
    try {
      this.options.transmit(to, datagram);
    } catch (error) {
      this.drop('send_failed');
      this.logError('send_failed', { error: (error as Error).message, code });
      return;
    }
    this.stats.count(this.stats.sent, code);
  }

  private drop(reason: DropReason): void {
    this.stats.count(this.stats.dropped, reason);
  }

  /** Logs an error a datagram can cause at most once per interval: a flood of them must not flood the log. */
  private logError(event: string, fields: Record<string, unknown>): void {
    const now = this.options.now();
    if (now - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLog = now;
    this.options.log(event, { ...fields, note: 'further errors within 10 s are counted, not logged' });
  }
}
