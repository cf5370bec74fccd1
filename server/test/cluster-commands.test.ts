/**
 * The two commands of docs/scale-out.md, run as written (loopback addresses and a test's own Redis
 * in place of the example ones): both instances start sharing Redis, match a stranger waiting on
 * one with a stranger arriving at the other.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { LOCAL_KEY } from './fixtures.ts';
import { redisWithServers } from './support/redis-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const servers = redisWithServers('SIGTERM');
const running = servers.running;

/** The `npm start` lines of the doc's first sh block, as argument lists. */
function documentedCommands(): string[][] {
  const doc = readFileSync(resolve(ROOT, 'docs/scale-out.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(doc)![1]!;
  return block.trim().split('\n').map((line) => line.replace(/^npm start -- /, '').split(/\s+/));
}

describe('instances sharing Redis, started as the doc says', () => {
  it('start sharing Redis and match a stranger on one with a stranger on the other', async () => {
    const commands = documentedCommands();
    expect(commands).toHaveLength(2);
    const endpoints = [];
    for (const [i, args] of commands.entries()) {
      const address = `127.0.0.${31 + i}`;
      // The example's public addresses and Redis become loopback ones and free ports.
      const local = args.map((arg) => (/^\d+\.\d+\.\d+\.\d+$/.test(arg) ? address : arg.startsWith('redis://') ? servers.redis.url : arg));
      const cli = new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...local, '--bind', address, '--port', '0',
        '--relay-ports', 'off', '--probe-port', 'off'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), `instance ${i}`);
      running.push(cli);
      const [, port] = await cli.waitForLine(/listening on [\d.]+:(\d+), .*all role sharing Redis \(up\)/, 15_000);
      endpoints.push({ address, port: Number(port) });
    }
    const waiting = await UdpClient.open('127.0.33.1');
    expect(await waiting.ask(endpoints[0]!, `RS:${LOCAL_KEY}`)).toMatch(/^HR:/);
    const arriving = await UdpClient.open('127.0.33.2');
    const answer = await arriving.ask(endpoints[1]!, `RS:${LOCAL_KEY}`);
    expect(answer).toMatch(/^JR:/);
    expect(answer).toContain(waiting.key);
  }, 40_000);
});
