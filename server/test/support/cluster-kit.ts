/**
 * Instances sharing one test Redis, and client sockets that record what they hear: what the tests
 * of Redis outages and random matches across instances build on. Everything made is closed by
 * [closeAll] (after each test).
 */
import dgram from 'node:dgram';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RedisLink } from '../../src/cluster/redis-link.ts';
import { DEFAULT_CONFIG, type Config } from '../../src/config.ts';
import { decode, encodeKey } from '../../src/generated/protocol.ts';
import { RendezvousServer } from '../../src/rendezvous-server.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

export function clusterKit(redisUrl: () => string) {
  const closers: Array<() => Promise<void> | void> = [];

  /** An instance on [address] sharing the test Redis, with generous limits unless [config] says otherwise; [events] are its link's log. */
  async function instance(address: string, config: Partial<Config> = {}) {
    const events: string[] = [];
    const link = new RedisLink(redisUrl(), (event) => events.push(event));
    await link.connect();
    const server = new RendezvousServer({
      config: {
        ...DEFAULT_CONFIG, port: 0, bind: address, publicIp: address, sweepIntervalMs: 3_600_000,
        sessionsPerIp: 100_000, rate: 0, relayPorts: null, matchesPerIp: 1_000_000, matchesPerNet: 1_000_000, ...config,
      },
      redis: link,
    });
    const endpoint = await server.listen();
    closers.push(() => link.close(), () => server.close());
    return { server, link, endpoint, events };
  }

  /** A client socket on [address] that records every answer, decoded. */
  async function client(address: string) {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    closers.push(() => { socket.close(); });
    const got: Array<Record<string, string>> = [];
    socket.on('message', (data) => {
      const result = decode(data);
      if (result.ok) got.push(result.message as unknown as Record<string, string>);
    });
    return {
      key: encodeKey({ address, port: socket.address().port }),
      got,
      send: (text: string, to: { address: string; port: number }) => socket.send(text, to.port, to.address),
      has: (code: string) => got.some((m) => m.code === code),
      last: (code: string) => [...got].reverse().find((m) => m.code === code),
    };
  }

  /** Runs [close] with the rest after the test. */
  function onClose(close: () => Promise<void> | void): void {
    closers.push(close);
  }

  async function closeAll(): Promise<void> {
    for (const close of closers.splice(0).reverse()) await close();
  }

  return { instance, client, onClose, closeAll };
}

/**
 * A file's tests on one test Redis (started before them, stopped after; [redis] is it, to stop and
 * start again) and the kit's instances and clients on it, closed after each test.
 */
export function clusterOnTestRedis() {
  let started: TestRedis | undefined;
  const redis = (): TestRedis => started!;
  const kit = clusterKit(() => redis().url);
  beforeAll(async () => {
    started = await startRedis();
  });
  afterAll(() => started?.stop());
  afterEach(kit.closeAll);
  return { ...kit, redis };
}

export async function waitFor(condition: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
