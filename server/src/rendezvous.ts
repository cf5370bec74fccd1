/**
 * The server's logic without its socket: per datagram, rate-limit the source, decode and validate
 * against the schema, dispatch to the handlers, count; every answer passes the amplification
 * guard and the per-destination rate limit. Nothing a datagram contains can throw out of here.
 */
import type { Config } from './config.ts';
import { decode, dispatchToServer, encode, encodeKey, type Endpoint, type Message } from './generated/protocol.ts';
import { type HandlerContext, RendezvousHandlers } from './handlers.ts';
import type { RelayService } from './relay/relay-service.ts';
import { RateLimiter } from './limits/rate-limiter.ts';
import { NatBook } from './nat/nat-book.ts';
import { answerOnProbePort, looksLikeProbe } from './nat/nat-probe.ts';
import type { SessionStore } from './sessions/session-store.ts';
import { ServerStats } from './stats.ts';

/** No datagram the server sends in answer to one is larger than this many times it, in total. */
export const AMPLIFICATION_FACTOR = 5;

export type RendezvousConfig = Pick<Config, 'suffixBigrams' | 'maxPeers' | 'maxSessions' | 'sessionsPerIp' | 'rate' | 'burst' | 'maxTracked'>;

export interface RendezvousOptions {
  readonly config: RendezvousConfig;
  readonly store: SessionStore;
  readonly now: () => number;
  readonly serverKey: () => string;
  readonly transmit: (to: Endpoint, datagram: Buffer) => void;
  readonly log: HandlerContext['log'];
  readonly relays?: RelayService;
  readonly stats?: ServerStats;
}

export class Rendezvous {
  readonly stats: ServerStats;
  readonly handlers: RendezvousHandlers;
  private readonly inbound: RateLimiter;
  private readonly outbound: RateLimiter;
  /** NAT types our nodes report, passed on to their peers (JR, NJ). */
  readonly nat: NatBook;
  /** Bytes the answers to the datagram being handled may still take. */
  private budget = 0;

  constructor(private readonly options: RendezvousOptions) {
    const { config } = options;
    this.stats = options.stats ?? new ServerStats();
    const limit = { rate: config.rate, burst: config.burst, maxTracked: config.maxTracked };
    this.inbound = new RateLimiter(limit);
    this.outbound = new RateLimiter(limit);
    this.nat = new NatBook(config.maxTracked);
    this.handlers = new RendezvousHandlers({
      store: options.store, stats: this.stats, now: options.now, log: options.log, serverKey: options.serverKey,
      suffixBigrams: config.suffixBigrams, maxPeers: config.maxPeers, maxSessions: config.maxSessions, sessionsPerIp: config.sessionsPerIp,
      send: (to, message) => this.send(to, this.nat.decorate(message)),
      relays: options.relays,
    });
  }

  receive(data: Uint8Array, from: Endpoint): void {
    const now = this.options.now();
    if (!this.inbound.allow(from.address, now)) {
      this.stats.count(this.stats.dropped, 'rate_limited');
      return;
    }
    const result = decode(data);
    if (!result.ok) {
      this.stats.count(this.stats.dropped, result.error);
      return;
    }
    this.stats.count(this.stats.received, result.message.code);
    this.nat.record(result.message, encodeKey(from));
    this.budget = data.length * AMPLIFICATION_FACTOR;
    try {
      if (!dispatchToServer(this.handlers, result.message, { address: from.address, port: from.port })) {
        this.stats.count(this.stats.dropped, 'not_for_server');
      }
    } catch (error) {
      this.stats.count(this.stats.dropped, 'handler_error');
      this.options.log('handler_error', { error: (error as Error).message, code: result.message.code });
    }
  }

  /**
   * A datagram on the probe port that no relay claimed: NP is answered there with NA (no longer
   * than NP), under the same per-address limits as the rendezvous port; anything else is dropped.
   * Returns false when it was not NP, so the relay counts it as its own.
   */
  receiveProbe(data: Uint8Array, from: Endpoint, probeAt: string, reply: (datagram: Buffer) => void): boolean {
    if (!looksLikeProbe(data)) return false;
    const now = this.options.now();
    if (!this.inbound.allow(from.address, now)) {
      this.stats.count(this.stats.dropped, 'rate_limited');
      return true;
    }
    const answer = answerOnProbePort(data, from, probeAt);
    if (typeof answer === 'string') {
      this.stats.count(this.stats.dropped, answer === 'amplification' ? 'amplification' : 'bad_field');
      return true;
    }
    this.stats.count(this.stats.received, 'NP');
    if (!this.outbound.allow(from.address, now)) {
      this.stats.count(this.stats.dropped, 'send_rate_limited');
      return true;
    }
    this.stats.count(this.stats.sent, 'NA');
    reply(answer);
    return true;
  }

  /** Drops sessions whose host has been silent since before [cutoff]. */
  expire(cutoff: number): void {
    this.handlers.expire(cutoff);
  }

  private send(to: Endpoint, message: Message): void {
    const datagram = Buffer.from(encode(message), 'latin1');
    if (datagram.length > this.budget) {
      this.stats.count(this.stats.dropped, 'amplification');
      return;
    }
    this.budget -= datagram.length;
    this.transmit(to, message.code, datagram);
  }

  /**
   * An answer sent later than its request: RG once a relay's port is bound. Each requester gets
   * one RG (45 bytes) per RQ (36 bytes) it sent, so the answer is bounded by its request.
   */
  answer(to: Endpoint, message: Message): void {
    this.transmit(to, message.code, Buffer.from(encode(message), 'latin1'));
  }

  private transmit(to: Endpoint, code: string, datagram: Buffer): void {
    if (!this.outbound.allow(to.address, this.options.now())) {
      this.stats.count(this.stats.dropped, 'send_rate_limited');
      return;
    }
    this.stats.count(this.stats.sent, code);
    this.options.transmit(to, datagram);
  }
}
