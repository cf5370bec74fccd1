/**
 * deploy/compose.yaml's instances, started as its commands say without Docker (their own loopback
 * addresses and free ports in place of the published ones, the test's redis-server in place of the
 * Redis service): both come up sharing Redis and match strangers across each other.
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
const servers = redisWithServers('SIGINT');
const running = servers.running;

/** Each service's command (a JSON array on one line), by service name. */
function composeCommands(): Map<string, string[]> {
  const commands = new Map<string, string[]>();
  let service = '';
  for (const line of readFileSync(resolve(ROOT, 'deploy/compose.yaml'), 'utf8').split('\n')) {
    const name = /^ {2}([\w-]+):$/.exec(line);
    if (name) service = name[1]!;
    const command = /^ {4}command: (\[.*\])$/.exec(line);
    if (command) commands.set(service, JSON.parse(command[1]!) as string[]);
  }
  return commands;
}

describe('the compose file', () => {
  it('its instances start as written and match strangers across each other', async () => {
    const commands = composeCommands();
    expect([...commands.keys()]).toEqual(['redis', 'instance-a', 'instance-b']);
    const endpoints = [];
    for (const [i, service] of ['instance-a', 'instance-b'].entries()) {
      const address = `127.0.0.${41 + i}`;
      const args = commands.get(service)!.map((arg) => arg
        .replace(/^\$\{INSTANCE_[AB]_IP\}$/, address).replace('redis://redis:6379', servers.redis.url).replace('0.0.0.0:9100', `${address}:0`));
      const cli = new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args, '--bind', address, '--port', '0'],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), service);
      running.push(cli);
      const [, port] = await cli.waitForLine(/listening on [\d.]+:(\d+), .*sharing Redis \(up\)/, 15_000);
      endpoints.push({ address, port: Number(port) });
    }
    const waiting = await UdpClient.open('127.0.43.1');
    expect(await waiting.ask(endpoints[0]!, `RS:${LOCAL_KEY}`)).toMatch(/^HR:/);
    const arriving = await UdpClient.open('127.0.43.2');
    expect(await arriving.ask(endpoints[1]!, `RS:${LOCAL_KEY}`)).toContain(waiting.key);
  }, 40_000);
});
