/**
 * A relay node as its own process (`--role relay`), the way an operator starts one: the tests of
 * node failover, drains and rebinds kill or signal it.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Watched } from '../../../ci/harness/processes.ts';
import { decodeKey, type Endpoint } from '../../src/generated/protocol.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Starts a node on [ip] sharing [redisUrl] and [secret], with [extra] flags. */
export function spawnRelayNode(ip: string, redisUrl: string, secret: string, extra: string[] = []): Watched {
  return new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', '--role', 'relay', '--redis-url', redisUrl,
    '--relay-secret', secret, '--bind', ip, '--public-ip', ip, '--port', '0', '--log-level', 'warn', ...extra],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), `relay node ${ip}`);
}

/** Resolves with [node]'s key and relay address once it registered in Redis. */
export async function relayNodeRegistered(node: Watched): Promise<{ key: string; relay: Endpoint }> {
  const [, key] = await node.waitForLine(/relay node on .*node key: ([a-z]+).*Redis \(up\)/, 20_000);
  return { key: key!, relay: decodeKey(key!)! };
}

/** Kills every node of [nodes] and waits for each to exit. */
export async function killRelayNodes(nodes: Iterable<Watched>): Promise<void> {
  for (const node of nodes) {
    node.child.kill('SIGKILL');
    await node.exited;
  }
}
