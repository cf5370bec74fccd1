/**
 * deploy/compose.yaml's instances and relay nodes, started as its commands say without Docker
 * (their own loopback addresses and free ports in place of the published ones, the test's
 * redis-server in place of the Redis service, a test secret in place of RELAY_SECRET): the
 * instances match strangers across each other, and a pair that asks for a relay is granted one on
 * a node.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';
import { decodeKey, type RelayGranted } from '../src/generated/protocol.ts';
import { newToken } from '../src/sessions/tokens.ts';
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

const SECRET = 'a relay secret for the compose test';
const ADDRESSES: Record<string, string> = { 'instance-a': '127.0.0.41', 'instance-b': '127.0.0.42', 'relay-a': '127.0.0.43', 'relay-b': '127.0.0.44' };

/** A TCP port free on [address] a moment ago, for a metrics port the test then scrapes. */
async function freePort(address: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** [service]'s command from the compose file, on its own loopback address and free ports; resolves with it and its metrics' address. */
async function start(service: string, command: string[]): Promise<{ cli: Watched; metrics: string }> {
  const address = ADDRESSES[service]!;
  const metrics = `${address}:${await freePort(address)}`;
  const args = command.map((arg) => arg.replace(/^\$\{(INSTANCE|RELAY)_[AB]_IP\}$/, address).replace('${RELAY_SECRET}', SECRET)
    .replace('redis://redis:6379', servers.redis.url).replace('0.0.0.0:9100', metrics));
  const cli = new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args, '--bind', address, '--port', '0', '--probe-port', 'off'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), service);
  running.push(cli);
  return { cli, metrics: `http://${metrics}/metrics` };
}

/** The value of the metric line [line] matches (name and labels) in a scrape of [url]. */
async function scraped(url: string, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(url)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('the compose file', () => {
  it('its services start as written: the instances match strangers across each other and grant relays on the nodes', async () => {
    const commands = composeCommands();
    expect([...commands.keys()]).toEqual(['redis', 'instance-a', 'instance-b', 'relay-a', 'relay-b']);
    const nodes = await Promise.all(['relay-a', 'relay-b'].map((service) => start(service, commands.get(service)!)));
    const endpoints = [];
    const metrics = [];
    for (const service of ['instance-a', 'instance-b']) {
      const { cli, metrics: url } = await start(service, commands.get(service)!);
      metrics.push(url);
      const [, port] = await cli.waitForLine(/listening on [\d.]+:(\d+), .*rendezvous role sharing Redis \(up\)/, 15_000);
      endpoints.push({ address: ADDRESSES[service]!, port: Number(port) });
    }
    for (const node of nodes) await node.cli.waitForLine(/relay node on .*Redis \(up\)/, 15_000);
    const waiting = await UdpClient.open('127.0.43.1');
    expect(await waiting.ask(endpoints[0]!, `RS:${LOCAL_KEY}`)).toMatch(/^HR:/);
    const arriving = await UdpClient.open('127.0.43.2');
    expect(await arriving.ask(endpoints[1]!, `RS:${LOCAL_KEY}`)).toContain(waiting.key);

    // A host on instance A and its joiner both ask for a relay: the grant names one of the nodes.
    const host = await UdpClient.open('127.0.44.1');
    const joiner = await UdpClient.open('127.0.44.2');
    const id = (await host.ask(endpoints[0]!, `HS:${LOCAL_KEY}`)).split(':')[2]!;
    const introduced = host.received.length;
    await joiner.ask(endpoints[0]!, `JS:${LOCAL_KEY}:${id}`);
    await host.nth(introduced);
    const isRg = (a: { message: { code: string } | null }) => a.message?.code === 'RG';
    const [granted] = await Promise.all([
      host.resend(endpoints[0]!, `RQ:${id}:${joiner.key}:${newToken()}`, isRg, 5_000),
      joiner.resend(endpoints[0]!, `RQ:${id}:${host.key}:${newToken()}`, isRg, 5_000),
    ]);
    const rg = granted!.message as RelayGranted;
    const relay = decodeKey(rg.relayKey)!;
    expect([ADDRESSES['relay-a'], ADDRESSES['relay-b']]).toContain(relay.address);

    // Metrics per role: the instance counts the grant by node, the node its load once bound, and a refused bind.
    expect(await scraped(metrics[1]!, /^shp_matches_across_instances_total /)).toBe(1);
    expect(await scraped(metrics[0]!, /^shp_matches_told_total /)).toBe(1);
    const node = nodes[relay.address === ADDRESSES['relay-a'] ? 0 : 1]!;
    const nodeKey = /node key: ([a-z]+)/.exec(node.cli.lines.find((l) => l.includes('node key'))!)![1]!;
    expect(await scraped(metrics[0]!, new RegExp(`^shp_relay_grants_total\\{node="${nodeKey}"\\} `))).toBe(1);
    const forged = await UdpClient.open('127.0.44.3');
    forged.send(relay, `RB:${rg.token}:${rg.grant!}`); // Another address: refused.
    const bound = await host.resend(relay, `RB:${rg.token}:${rg.grant!}`, (a) => a.message?.code === 'RA', 3_000);
    expect(bound?.text).toBe(`RA:${rg.token}`);
    expect(await scraped(node.metrics, /^shp_relay_node_load /)).toBe(1);
    expect(await scraped(node.metrics, /^shp_relay_node_capacity /)).toBeGreaterThan(0);
    expect(await scraped(node.metrics, /^shp_relay_grants_refused_total\{reason="[a-z_]+"\} /)).toBe(1);
    expect(await scraped(node.metrics, /^shp_redis_up /)).toBe(1);
  }, 60_000);
});
