/** Runs a Lua script on Redis by its hash, so that its text crosses the link once per Redis start, not once per call. */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const hashes = new Map<string, string>();

export async function runScript(redis: Redis, script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  let sha = hashes.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    hashes.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error as Error).message.startsWith('NOSCRIPT')) throw error;
    return await redis.eval(script, keys.length, ...keys, ...args);
  }
}
