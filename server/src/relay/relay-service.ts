/**
 * Relays for pairs that could not punch. A relay opens only when both sides of a pair that
 * belongs to a live session ask for it (RQ), within the limits: a port range, relays per
 * address and in total, bandwidth per relay and in total, an idle timeout and a lifetime.
 */
import { randomInt } from 'node:crypto';
import type { Config } from '../config.ts';
import { BIGRAMS, decodeKey, encodeKey, type Endpoint, type Message, TOKEN_LENGTH } from '../generated/protocol.ts';
import { RateLimiter } from '../limits/rate-limiter.ts';
import type { ServerStats } from '../stats.ts';
import { Relay, type RelaySide, type RelaySocket } from './relay.ts';

export type RelayConfig = Pick<Config, 'relayPorts' | 'relayBandwidth' | 'relayTotalBandwidth' | 'relayIdleMs' | 'relayLifetimeMs' | 'relaysPerIp'>;

export interface RelayServiceOptions {
  readonly config: RelayConfig;
  readonly publicIp: string;
  readonly stats: ServerStats;
  readonly now: () => number;
  readonly log: (event: string, fields: Record<string, unknown>) => void;
  readonly openSocket: (port: number) => Promise<RelaySocket>;
  /** Sends a rendezvous-port answer (RG). */
  readonly send: (to: Endpoint, message: Message) => void;
}

interface Pending {
  readonly sessionId: string;
  /** Who asked, by public key, with the address to answer. */
  readonly asked: Map<string, Endpoint>;
  at: number;
}

/** Single-sided requests are forgotten after this long, and at most this many are kept. */
const PENDING_MS = 30_000;
const MAX_PENDING = 10_000;

export class RelayService {
  private readonly relays = new Map<string, Relay>();
  private readonly opening = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly usedPorts = new Set<number>();
  private readonly bandwidth: RateLimiter;
  private readonly totalBandwidth: RateLimiter;

  constructor(private readonly options: RelayServiceOptions) {
    const { relayBandwidth, relayTotalBandwidth } = options.config;
    this.bandwidth = new RateLimiter({ rate: relayBandwidth, burst: relayBandwidth, maxTracked: 100_000 });
    this.totalBandwidth = new RateLimiter({ rate: relayTotalBandwidth, burst: relayTotalBandwidth, maxTracked: 1 });
  }

  get enabled(): boolean {
    return this.options.config.relayPorts !== null;
  }

  get active(): number {
    return this.relays.size;
  }

  /**
   * [from] (public key [fromKey]) asks for a relay to [peerKey] in session [sessionId]; the caller
   * has checked that both belong to it. Answers RG when the relay is (or becomes) ready.
   */
  request(sessionId: string, fromKey: string, peerKey: string, from: Endpoint): void {
    const id = `${sessionId}:${[fromKey, peerKey].sort().join(':')}`;
    const relay = this.relays.get(id);
    if (relay) return this.grant(relay, fromKey, from);
    if (this.opening.has(id)) return;
    let pending = this.pending.get(id);
    if (!pending) {
      if (this.pending.size >= MAX_PENDING) return this.drop('pending_full');
      pending = { sessionId, asked: new Map(), at: this.options.now() };
      this.pending.set(id, pending);
    }
    pending.asked.set(fromKey, { address: from.address, port: from.port });
    if (pending.asked.size < 2) return; // Only a pair that both failed to punch gets a relay.
    const refusal = this.refusal(pending);
    if (refusal) return this.drop(refusal);
    this.pending.delete(id);
    this.open(id, pending).catch((error: Error) => {
      this.drop('open_failed');
      this.options.log('relay_open_failed', { relay: id, error: error.message });
    });
  }

  /** Closes relays idle or past their lifetime, and forgets stale single-sided requests. */
  sweep(): void {
    const now = this.options.now();
    const { relayIdleMs, relayLifetimeMs } = this.options.config;
    for (const [id, relay] of this.relays) {
      if (now - relay.lastActive > relayIdleMs) this.close(id, relay, 'idle');
      else if (now - relay.createdAt > relayLifetimeMs) this.close(id, relay, 'lifetime');
    }
    for (const [id, p] of this.pending) if (now - p.at > PENDING_MS) this.pending.delete(id);
  }

  closeAll(): void {
    for (const [id, relay] of this.relays) this.close(id, relay, 'shutdown');
  }

  private refusal(pending: Pending): string | null {
    const range = this.options.config.relayPorts;
    if (!range) return 'relays_off';
    if (this.relays.size + this.opening.size >= range[1] - range[0] + 1) return 'no_free_port';
    for (const endpoint of pending.asked.values()) {
      let fromIp = 0;
      for (const relay of this.relays.values()) {
        if (relay.sides.some((s) => decodeKey(s.key)?.address === endpoint.address)) fromIp++;
      }
      if (fromIp >= this.options.config.relaysPerIp) return 'per_ip_limit';
    }
    return null;
  }

  private async open(id: string, pending: Pending): Promise<void> {
    this.opening.add(id);
    try {
      const socket = await this.bindFreePort();
      const [a, b] = [...pending.asked.keys()] as [string, string];
      const sides: [RelaySide, RelaySide] = [{ key: a, token: newToken(), bound: null }, { key: b, token: newToken(), bound: null }];
      const relay = new Relay(id, sides, socket, { bandwidth: this.bandwidth, totalBandwidth: this.totalBandwidth },
        this.options.stats, this.options.now, this.options.log);
      this.relays.set(id, relay);
      this.options.stats.relaysOpened++;
      this.options.log('relay_opened', { relay: id, port: socket.port, sides: [a, b] });
      for (const [key, endpoint] of pending.asked) this.grant(relay, key, endpoint);
    } finally {
      this.opening.delete(id);
    }
  }

  private async bindFreePort(): Promise<RelaySocket> {
    const [first, last] = this.options.config.relayPorts!;
    for (let port = first; port <= last; port++) {
      if (this.usedPorts.has(port)) continue;
      this.usedPorts.add(port);
      try {
        return await this.options.openSocket(port);
      } catch {
        this.usedPorts.delete(port); // Taken by another program: try the next.
      }
    }
    throw new Error('no free port in the relay range');
  }

  private grant(relay: Relay, key: string, to: Endpoint): void {
    const side = relay.sides.find((s) => s.key === key)!;
    const other = relay.sides.find((s) => s !== side)!;
    this.options.send(to, {
      code: 'RG', peerKey: other.key, relayKey: encodeKey({ address: this.options.publicIp, port: relay.port }), token: side.token,
    });
  }

  private close(id: string, relay: Relay, reason: string): void {
    relay.close(reason);
    this.relays.delete(id);
    this.usedPorts.delete(relay.port);
  }

  private drop(reason: string): void {
    this.options.stats.count(this.options.stats.relayDropped, reason);
  }
}

/** A token from a cryptographic random source: eight bigrams. */
function newToken(): string {
  let token = '';
  while (token.length < TOKEN_LENGTH) token += BIGRAMS[randomInt(256)];
  return token;
}
