/**
 * Prometheus metrics and a health check over HTTP, off unless --metrics names an address. The
 * values are read from the server's counters when scraped, so the datagram path pays nothing.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { SessionStore } from './sessions/session-store.ts';
import type { ServerStats } from './stats.ts';

/** A counter whose value is read when scraped, so the datagram path pays nothing; labelled by [label] when [read] gives a map. */
export function readCounter(registry: Registry, name: string, help: string, read: () => number | ReadonlyMap<string, number>, label = ''): void {
  new Counter({
    name, help, labelNames: label ? [label] : [], registers: [registry],
    collect() {
      this.reset();
      const value = read();
      if (typeof value === 'number') this.inc(value);
      else for (const [key, count] of value) this.inc({ [label]: key }, count);
    },
  });
}

/** A gauge whose value is read when scraped. */
export function readGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
}

export function metricsRegistry(stats: ServerStats, store: SessionStore, draining: () => boolean = () => false): Registry {
  const registry = new Registry();
  const counter = (name: string, help: string, read: () => number | ReadonlyMap<string, number>, label = '') => readCounter(registry, name, help, read, label);
  counter('shp_datagrams_received_total', 'Valid datagrams received, by message code.', () => stats.received, 'code');
  counter('shp_datagrams_sent_total', 'Datagrams sent, by message code.', () => stats.sent, 'code');
  counter('shp_datagrams_dropped_total', 'Datagrams dropped, by reason (malformed kinds, rate_limited, amplification, ...).', () => stats.dropped as Map<string, number>, 'reason');
  counter('shp_sessions_created_total', 'Sessions registered.', () => stats.sessionsCreated);
  counter('shp_sessions_completed_total', 'Sessions closed by their host (CS).', () => stats.sessionsClosed);
  counter('shp_sessions_expired_total', 'Sessions dropped after their host went silent.', () => stats.sessionsExpired);
  counter('shp_registrations_refused_total', 'HS or RS refused by a session limit.', () => stats.registrationsRefused);
  counter('shp_matches_total', 'Random pairings made.', () => stats.matches);
  counter('shp_registrations_unconfirmed_total', 'Registrations dropped because the host never proved it got HR (no KA within the confirm window).', () => stats.registrationsUnconfirmed);
  counter('shp_registrations_evicted_total', 'Unconfirmed registrations pushed out by new ones at a session limit.', () => stats.registrationsEvicted);
  counter('shp_peer_slots_reclaimed_total', 'Peer slots of silent joiners given to new joiners.', () => stats.slotsReclaimed);
  counter('shp_ip6_claims_total', 'IPv6 addresses claimed in HS, JS and RS: proven (passed on to the peer) or unproven (dropped).', () => stats.ip6Claims, 'result');
  registerRelayMetrics(registry, stats);
  readGauge(registry, 'shp_draining', 'Whether the server drains (1: no new sessions, answering the ones it has until they end).', () => (draining() ? 1 : 0));
  readGauge(registry, 'shp_sessions_active', 'Sessions now registered.', () => store.size);
  readGauge(registry, 'shp_joiners_active', 'Joiners now holding a peer slot, in all sessions.', () => store.joiners);
  return registry;
}

/** What relays forwarded and dropped: an instance's own relays, or a relay node's. */
export function registerRelayMetrics(registry: Registry, stats: ServerStats): void {
  readCounter(registry, 'shp_relay_dropped_total', 'Relay requests refused and relay datagrams dropped, by cause.', () => stats.relayDropped, 'reason');
  readCounter(registry, 'shp_relayed_bytes_total', 'Bytes forwarded by relays.', () => stats.relayedBytes);
  readCounter(registry, 'shp_relayed_datagrams_total', 'Datagrams forwarded by relays.', () => stats.relayedDatagrams);
  readCounter(registry, 'shp_relays_opened_total', 'Relays opened.', () => stats.relaysOpened);
  readCounter(registry, 'shp_relays_closed_total', 'Relays closed, by reason (gave_way: to a new player of the same host).', () => stats.relayClosed, 'reason');
  readGauge(registry, 'shp_relays_active', 'Relays now open.', () => stats.relaysOpened - stats.relaysClosed);
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
