/**
 * Prometheus metrics and a health check over HTTP, off unless --metrics names an address. The
 * values are read from the server's counters when scraped, so the datagram path pays nothing.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { SessionStore } from './sessions/session-store.ts';
import type { ServerStats } from './stats.ts';

export function metricsRegistry(stats: ServerStats, store: SessionStore, draining: () => boolean = () => false): Registry {
  const registry = new Registry();
  const fromMap = (name: string, help: string, label: string, read: () => Map<string, number>) => new Counter({
    name, help, labelNames: [label], registers: [registry],
    collect() {
      this.reset();
      for (const [key, value] of read()) this.inc({ [label]: key }, value);
    },
  });
  const fromNumber = (name: string, help: string, read: () => number) => new Counter({
    name, help, registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
  fromMap('shp_datagrams_received_total', 'Valid datagrams received, by message code.', 'code', () => stats.received);
  fromMap('shp_datagrams_sent_total', 'Datagrams sent, by message code.', 'code', () => stats.sent);
  fromMap('shp_datagrams_dropped_total', 'Datagrams dropped, by reason (malformed kinds, rate_limited, amplification, ...).', 'reason', () => stats.dropped as Map<string, number>);
  fromNumber('shp_sessions_created_total', 'Sessions registered.', () => stats.sessionsCreated);
  fromNumber('shp_sessions_completed_total', 'Sessions closed by their host (CS).', () => stats.sessionsClosed);
  fromNumber('shp_sessions_expired_total', 'Sessions dropped after their host went silent.', () => stats.sessionsExpired);
  fromNumber('shp_registrations_refused_total', 'HS or RS refused by a session limit.', () => stats.registrationsRefused);
  fromNumber('shp_matches_total', 'Random pairings made.', () => stats.matches);
  fromNumber('shp_registrations_unconfirmed_total', 'Registrations dropped because the host never proved it got HR (no KA within the confirm window).', () => stats.registrationsUnconfirmed);
  fromNumber('shp_registrations_evicted_total', 'Unconfirmed registrations pushed out by new ones at a session limit.', () => stats.registrationsEvicted);
  fromNumber('shp_peer_slots_reclaimed_total', 'Peer slots of silent joiners given to new joiners.', () => stats.slotsReclaimed);
  fromMap('shp_ip6_claims_total', 'IPv6 addresses claimed in HS, JS and RS: proven (passed on to the peer) or unproven (dropped).', 'result', () => stats.ip6Claims);
  fromMap('shp_relay_dropped_total', 'Relay requests refused and relay datagrams dropped, by cause.', 'reason', () => stats.relayDropped);
  fromNumber('shp_relayed_bytes_total', 'Bytes forwarded by relays.', () => stats.relayedBytes);
  fromNumber('shp_relayed_datagrams_total', 'Datagrams forwarded by relays.', () => stats.relayedDatagrams);
  fromNumber('shp_relays_opened_total', 'Relays opened.', () => stats.relaysOpened);
  new Gauge({
    name: 'shp_relays_active', help: 'Relays now open.', registers: [registry],
    collect() { this.set(stats.relaysOpened - stats.relaysClosed); },
  });
  new Gauge({
    name: 'shp_draining', help: 'Whether the server drains (1: no new sessions, answering the ones it has until they end).', registers: [registry],
    collect() { this.set(draining() ? 1 : 0); },
  });
  new Gauge({
    name: 'shp_sessions_active', help: 'Sessions now registered.', registers: [registry],
    collect() { this.set(store.size); },
  });
  new Gauge({
    name: 'shp_joiners_active', help: 'Joiners now holding a peer slot, in all sessions.', registers: [registry],
    collect() { this.set(store.joiners); },
  });
  return registry;
}

/**
 * /health's body: "ok" (the instance answers), then a line per thing worth knowing: that it drains
 * (no new sessions; a balancer should send new players elsewhere), and [more] (Redis, when shared).
 */
export function healthText(draining: boolean, ...more: string[]): string {
  return ['ok', ...(draining ? ['draining: no new sessions'] : []), ...more].join('\n') + '\n';
}

/** Serves /metrics and /health (what [health] says) on host:port; resolves once listening. */
export async function serveMetrics(address: string, registry: Registry, health: () => string = () => 'ok\n'): Promise<Server> {
  const [host, port] = address.split(':') as [string, string];
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(text);
      }, () => {
        response.writeHead(500);
        response.end();
      });
    } else if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(health());
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  // Scrapers need one connection at a time: cap connections and how long a slow one may take,
  // so an open metrics port (a misconfigured firewall) cannot hold the process's sockets.
  server.maxConnections = 16;
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), host, () => resolve());
  });
  return server;
}
