/**
 * The instance's connections to Redis: one for commands, one for subscriptions (a subscribed
 * connection takes no other commands). Whether Redis answers is tracked, logged once per change,
 * and read by /health and the metrics; while it does not, commands fail at once (no queue builds
 * up behind a dead link) and the client reconnects with a growing delay, at most RECONNECT_MAX_MS.
 */
import { Redis } from 'ioredis';

/** Reconnection delays grow by this much per attempt, up to RECONNECT_MAX_MS. */
const RECONNECT_STEP_MS = 100;
export const RECONNECT_MAX_MS = 2_000;

export interface RedisLinkStats {
  /** Commands sent (each one round trip; a pipeline counts as one). */
  roundTrips: number;
  /** Times the link went down. */
  outages: number;
  /** Summed round-trip time of commands, for an average. */
  roundTripMs: number;
}

export class RedisLink {
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly stats: RedisLinkStats = { roundTrips: 0, outages: 0, roundTripMs: 0 };
  private up = false;
  private closing = false;
  private readonly onReady: Array<() => void> = [];

  constructor(url: string, private readonly log: (event: string, fields: Record<string, unknown>) => void) {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
      retryStrategy: (attempt: number) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS),
    };
    this.commands = new Redis(url, options);
    // The subscriber re-subscribes by itself after a reconnection; it needs its queue for that.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.commands.on('ready', () => this.changed(true));
    this.commands.on('close', () => this.changed(false));
    // Errors come with every failed reconnection: the change of state is logged, not each of them.
    this.commands.on('error', () => {});
    this.subscriber.on('error', () => {});
  }

  /** Whether Redis answers now. */
  get online(): boolean {
    // The status changes at once; the 'close' event that logs it may come a little later.
    return this.up && this.commands.status === 'ready';
  }

  /** Connects both; resolves once they are up, or at once when Redis does not answer (they keep trying). */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]).catch(() => undefined);
    if (!this.up) this.log('redis_down', { note: 'serving this instance alone until Redis answers' });
  }

  /** [handler] runs each time the link comes (back) up. */
  whenReady(handler: () => void): void {
    this.onReady.push(handler);
  }

  /** Runs [command], counting its round trip and its time. */
  async timed<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    const started = performance.now();
    this.stats.roundTrips++;
    try {
      return await command(this.commands);
    } finally {
      this.stats.roundTripMs += performance.now() - started;
    }
  }

  async close(): Promise<void> {
    this.closing = true; // Closing is no outage: nothing to log.
    this.onReady.length = 0;
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  private changed(up: boolean): void {
    if (up === this.up || this.closing) return;
    this.up = up;
    if (!up) this.stats.outages++;
    this.log(up ? 'redis_up' : 'redis_down', { note: up ? 'matching strangers across instances' : 'serving this instance alone until Redis answers' });
    if (up) for (const handler of this.onReady) handler();
  }
}
