/** A real redis-server for a test, on a free loopback port, without persistence; stopped by its pid. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Watched } from '../../../ci/harness/processes.ts';
import { UdpClient } from '../../../ci/harness/udp-client.ts';
import { RedisLink } from '../../src/cluster/redis-link.ts';
import { freeTcpPort } from '../../../ci/harness/free-tcp-port.ts';

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Stops it (as a crash would, for the instances); start() brings it back on the same port, empty. */
  stop(): void;
  start(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freeTcpPort();
  const pidFile = join(tmpdir(), `shp-redis-${port}.pid`);
  const redis: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop() {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch { /* already gone */ }
      rmSync(pidFile, { force: true });
    },
    async start() {
      execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--daemonize', 'yes', '--pidfile', pidFile, '--logfile', '']);
      for (let i = 0; i < 50; i++) {
        try {
          if (execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG') return;
        } catch { /* not yet */ }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`redis-server on port ${port} did not answer PING`);
    },
  };
  await redis.start();
  return redis;
}

/**
 * A redis-server for a whole test file with one connected link to it, emptied before each test:
 * the hooks are registered here; read `.link` and `.redis` inside the tests.
 */
export function redisPerFile(): { readonly link: RedisLink; readonly redis: TestRedis } {
  const held = {} as { link: RedisLink; redis: TestRedis };
  beforeAll(async () => {
    held.redis = await startRedis();
    held.link = new RedisLink(held.redis.url, () => {});
    await held.link.connect();
  });
  afterAll(async () => {
    await held.link.close();
    held.redis.stop();
  });
  beforeEach(async () => {
    await held.link.commands.flushall();
  });
  return held;
}

/**
 * A redis-server for a whole test file, and the server processes a test starts against it (push
 * them on `.running`): each is stopped with [stopSignal] after its test, as a supervisor would.
 */
export function redisWithServers(stopSignal: NodeJS.Signals): { readonly redis: TestRedis; readonly running: Watched[] } {
  const held = { running: [] as Watched[] } as { redis: TestRedis; running: Watched[] };
  beforeAll(async () => {
    held.redis = await startRedis();
  });
  afterAll(() => held.redis.stop());
  afterEach(async () => {
    UdpClient.closeAll();
    for (const server of held.running.splice(0)) {
      server.child.kill(stopSignal);
      await server.exited;
    }
  });
  return held;
}
