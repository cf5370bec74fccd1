/** The metrics endpoint after a known flow: one session hosted, joined and closed, and junk. */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsRegistry, serveMetrics } from '../src/metrics.ts';
import { LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

let running: Running | undefined;
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await running?.server.close();
});

describe('metrics', () => {
  it('reports datagrams by code, drops by reason, and sessions, in Prometheus text', async () => {
    running = await startTestServer();
    const http = await serveMetrics('127.0.0.1:0', metricsRegistry(running.server.stats, running.server.store));
    closers.push(() => http.close());
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const host = await UdpClient.open();
    const joiner = await UdpClient.open();
    closers.push(() => host.close(), () => joiner.close());
    // Given a session hosted, joined, and a second one left open, and a malformed datagram
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    await joiner.request(running.address, `JS:${LOCAL_KEY}:${id}`);
    await joiner.request(running.address, `HS:${LOCAL_KEY}`);
    await settle(running, host, `CS:${id}`);
    await settle(running, host, 'nonsense');
    // When Prometheus scrapes
    const text = await (await fetch(`${base}/metrics`)).text();
    // Then every figure is there
    expect(text).toContain('shp_datagrams_received_total{code="HS"} 2');
    expect(text).toContain('shp_datagrams_received_total{code="JS"} 1');
    expect(text).toContain('shp_datagrams_received_total{code="CS"} 1');
    expect(text).toContain('shp_datagrams_sent_total{code="HR"} 2');
    expect(text).toContain('shp_datagrams_sent_total{code="NJ"} 1');
    expect(text).toContain('shp_datagrams_sent_total{code="JR"} 1');
    expect(text).toContain('shp_datagrams_dropped_total{reason="no_separator"} 1');
    expect(text).toContain('shp_sessions_created_total 2');
    expect(text).toContain('shp_sessions_completed_total 1');
    expect(text).toContain('shp_sessions_active 1');
    expect(text).toContain('shp_joiners_active 0');
    expect(text).toContain('shp_registrations_unconfirmed_total 0');
    expect(text).toContain('# TYPE shp_datagrams_received_total counter');
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });
});
