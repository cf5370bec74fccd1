/** The server's command line: read the config, start listening, print the server key, stop cleanly. */
import type { Server } from 'node:http';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import { ConfigError, helpText, readConfig } from './config.ts';
import { clusterHealth, registerClusterMetrics, registerGrantMetrics, registerRelayNodeMetrics } from './cluster/cluster-metrics.ts';
import { RedisLink } from './cluster/redis-link.ts';
import { RelayNode } from './cluster/relay-node.ts';
import { monotonicNow } from './clock.ts';
import type { Config } from './config.ts';
import { ServerStats } from './stats.ts';
import { healthText, metricsRegistry, registerRelayMetrics, serveMetrics } from './metrics.ts';
import { openRelaySocket, ownAddresses, RendezvousServer } from './rendezvous-server.ts';
import { formatDuration } from './units.ts';

const LIFECYCLE = new Set(['registered', 'joined', 'matched', 'closed', 'expired']);

async function main(): Promise<number> {
  let result;
  try {
    result = readConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`simple-hole-punch: ${error.message} (see --help)`);
    return 2;
  }
  if (result.help) {
    console.log(helpText());
    return 0;
  }
  const { config } = result;
  const logger = pino({ level: config.logLevel, base: undefined });
  if (config.role === 'relay') return runRelayNode(config, logger);
  const sessions = logger.child({ component: 'sessions' });
  const redis = config.redisUrl ? new RedisLink(config.redisUrl, (event, fields) => logger.warn(fields, event)) : undefined;
  await redis?.connect(); // Without Redis the instance serves alone meanwhile; the link keeps trying.
  const server = new RendezvousServer({
    config, redis,
    log: (event, fields) => {
      if (LIFECYCLE.has(event)) sessions.info(fields, event);
      else logger.warn(fields, event);
    },
  });
  // Installed before the key line is printed: a supervisor may signal as soon as it reads it.
  let signals = 0;
  let secondSignal = () => {};
  const stopNow = new Promise<void>((resolve) => { secondSignal = resolve; });
  const stopSignal = new Promise<string>((resolve) => {
    // Handlers stay installed: a second signal while stopping must not kill the process by
    // signal (which skips the summary and exits non-zero); it ends a drain, or is logged and ignored.
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      process.on(name, () => {
        if (++signals > 1) {
          console.log(`simple-hole-punch: ${name} while stopping; stopping now`);
          secondSignal();
        }
        resolve(name);
      });
    }
  });
  let metrics: Server | undefined;
  try {
    const bound = await server.listen();
    const registry = metricsRegistry(server.stats, server.store, () => server.draining);
    if (redis && server.pairing) registerClusterMetrics(registry, redis, server.pairing, () => server.relays.grantsPerNode);
    if (server.relays.nodeGrants) registerGrantMetrics(registry, server.relays.nodeGrants);
    const health = () => healthText(server.draining, ...(redis ? [clusterHealth(redis)] : []));
    if (config.metrics) metrics = await serveMetrics(config.metrics, registry, health).catch((error: unknown) => {
      throw Object.assign(error as Error, { metricsAddress: config.metrics });
    });
    if (config.publicIpGuessed) {
      console.log(`warning: no --public-ip given; session codes embed ${config.publicIp}. Pass --public-ip when players reach this server at another address.`);
    }
    console.log(`simple-hole-punch listening on ${bound.address}:${bound.port}, public ${config.publicIp}:${config.publicPort || bound.port}, server key: ${server.serverKey}`
      + (config.publicIp6 ? `, IPv6 [${config.publicIp6}]:${config.publicPort || bound.port}` : '')
      + (metrics ? `, metrics on http://${config.metrics}/metrics` : '')
      + (redis ? `, ${config.role} role sharing Redis ${redis.online ? '(up)' : '(down, retrying)'}` : ''));
  } catch (error) {
    console.error(`simple-hole-punch: ${listenError(error as NodeJS.ErrnoException & { metricsAddress?: string; listenWhat?: string }, config.port, config.bind)}`);
    await server.close().catch(() => undefined);
    await redis?.close();
    return 1;
  }
  const signal = await stopSignal;
  if (signal === 'SIGTERM' && config.drainTimeoutMs > 0 && signals === 1) {
    console.log(`simple-hole-punch: draining: no new sessions; ${server.store.size} active, waiting up to ${formatDuration(config.drainTimeoutMs)} for them to end`);
    const drained = await Promise.race([server.drain(config.drainTimeoutMs), stopNow.then(() => 'stopped' as const)]);
    console.log(`simple-hole-punch: drain ${drained === 'ended' ? 'done: every session ended' : drained === 'deadline' ? 'deadline passed' : 'cut short'}`);
  }
  await server.close();
  await redis?.close();
  metrics?.close();
  console.log(`simple-hole-punch stopped on ${signal}: ${server.stats.summary()}, active ${server.store.size}`);
  return 0;
}

/**
 * A relay node: binds its relay ports, announces itself in Redis, and relays granted pairs until
 * signalled. SIGTERM takes it out of Redis at once; with --drain-timeout its relays go on until
 * they close or the timeout passes.
 */
async function runRelayNode(config: Config, logger: Logger): Promise<number> {
  const redis = new RedisLink(config.redisUrl, (event, fields) => logger.warn(fields, event));
  await redis.connect();
  const stats = new ServerStats();
  const node = new RelayNode({
    config, redis, stats, now: monotonicNow, log: (event, fields) => logger.info(fields, event),
    openSocket: (port) => openRelaySocket(config.bind, port),
    own: { addresses: ownAddresses(config.publicIp, config.bind), ports: new Set() },
  });
  let signals = 0;
  let draining = false;
  const stopSignal = new Promise<string>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, () => { signals++; resolve(name); });
  });
  let metrics: Server | undefined;
  try {
    const ports = await node.start();
    const registry = new Registry();
    registerRelayMetrics(registry, stats);
    registerRelayNodeMetrics(registry, redis, {
      get active() { return node.active; }, capacity: config.maxRelays, get refusals() { return node.refusals; }, get draining() { return draining; },
    });
    const health = () => healthText(draining, clusterHealth(redis));
    if (config.metrics) metrics = await serveMetrics(config.metrics, registry, health).catch((error: unknown) => {
      throw new Error(listenError(Object.assign(error as Error, { metricsAddress: config.metrics }), 0, config.bind));
    });
    console.log(`simple-hole-punch relay node on ${config.bind}, public ${config.publicIp}, relay ports ${ports.join(',')}, node key: ${node.nodeKey}`
      + `, region ${config.region || 'any'}` + (metrics ? `, metrics on http://${config.metrics}/metrics` : '') + `, Redis ${redis.online ? '(up)' : '(down, retrying)'}`);
  } catch (error) {
    console.error(`simple-hole-punch: ${(error as Error).message}`);
    await node.close().catch(() => undefined);
    await redis.close();
    return 1;
  }
  const signal = await stopSignal;
  draining = true;
  await node.deregister();
  if (signal === 'SIGTERM' && config.drainTimeoutMs > 0) {
    console.log(`simple-hole-punch: draining: out of the registry; ${node.active} relays, waiting up to ${formatDuration(config.drainTimeoutMs)} for them to end`);
    const deadline = performance.now() + config.drainTimeoutMs;
    while (node.active > 0 && signals === 1 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      node.sweep();
    }
    console.log(`simple-hole-punch: drain ${node.active === 0 ? 'done: every relay ended' : signals > 1 ? 'cut short' : `deadline passed, closing ${node.active} relays`}`);
  }
  await node.close();
  await redis.close();
  metrics?.close();
  console.log(`simple-hole-punch relay node stopped on ${signal}: ${stats.summary()}, active ${node.active}`);
  return 0;
}

/** What went wrong when binding the UDP port or the metrics port, naming the one that failed. */
function listenError(error: NodeJS.ErrnoException & { metricsAddress?: string; listenWhat?: string }, port: number, bind: string): string {
  const what = error.metricsAddress
    ? `metrics port ${error.metricsAddress.split(':')[1]} on ${error.metricsAddress.split(':')[0]}`
    : error.listenWhat ?? `port ${port} on ${bind}`;
  if (error.code === 'EADDRINUSE') return `${what} is already in use (EADDRINUSE)`;
  return `cannot listen on ${what}: ${error.message}`;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
