/**
 * Draining: an instance takes no new sessions and answers the ones it has until they end or the
 * deadline passes; from the command line, SIGTERM with --drain-timeout does it and exits 0.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Watched } from '../../ci/harness/processes.ts';
import { healthText, metricsRegistry, serveMetrics } from '../src/metrics.ts';
import { closeAfterEach, LOCAL_KEY, OTHER_LOCAL_KEY, startTestServer, UdpClient } from './fixtures.ts';

closeAfterEach();
const ROOT = resolve(import.meta.dirname, '../..');
const NONCE = 'qucyahjiqucyahji';

describe('draining', () => {
  it('refuses new sessions, answers the sessions it has, and is done once they end', async () => {
    const running = await startTestServer();
    const host = await UdpClient.open();
    const hr = await host.ask(running.address, `HS:${LOCAL_KEY}`);
    const sessionId = hr.split(':')[2]!;
    host.send(running.address, `KA:${sessionId}`);

    const http = await serveMetrics('127.0.0.1:0', metricsRegistry(running.server.stats, running.server.store, () => running.server.draining),
      () => healthText(running.server.draining));
    const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok\n');
    const drained = running.server.drain(10_000);
    // Said where a balancer or an operator looks.
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok\ndraining: no new sessions\n');
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^shp_draining 1$/m);
    const newcomer = await UdpClient.open('127.0.0.2');
    expect(await newcomer.ask(running.address, `HS:${OTHER_LOCAL_KEY}:${NONCE}`)).toBe(`RF:server_full:${NONCE}`);
    const original = await UdpClient.open('127.0.0.3');
    original.send(running.address, `RS:${OTHER_LOCAL_KEY}`);
    expect(await original.quiet(0, 100)).toEqual([]); // An original client gets today's silence for a refused registration.
    // The session it has is still answered.
    const joiner = await UdpClient.open('127.0.0.4');
    expect(await joiner.ask(running.address, `JS:${LOCAL_KEY}:${sessionId}`)).toMatch(/^JR:/);

    host.send(running.address, `CS:${sessionId}`);
    expect(await drained).toBe('ended');
    http.close();
  });

  it('gives up at the deadline when sessions stay', async () => {
    const running = await startTestServer();
    const host = await UdpClient.open();
    await host.ask(running.address, `HS:${LOCAL_KEY}`);
    const started = performance.now();
    expect(await running.server.drain(300)).toBe('deadline');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('SIGTERM with --drain-timeout drains, then exits 0; a second signal cuts it short', async () => {
    const cli = new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', '--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1',
      '--relay-ports', 'off', '--probe-port', 'off', '--drain-timeout', '1m'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), 'server');
    const [, port] = await cli.waitForLine(/listening on 127\.0\.0\.1:(\d+)/, 15_000);
    const host = await UdpClient.open();
    await host.ask({ address: '127.0.0.1', port: Number(port) }, `HS:${LOCAL_KEY}`);
    cli.child.kill('SIGTERM');
    await cli.waitForLine(/draining: no new sessions; 1 active, waiting up to 1m/, 5000);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    await cli.waitForLine(/drain cut short/, 5000);
    await cli.waitForLine(/stopped on SIGTERM/, 5000);
  }, 30_000);
});
