/** The metrics of an instance that shares Redis with others: whether Redis answers, its round trips, and matches across instances. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CrossInstancePairing } from './cross-instance-pairing.ts';
import type { NodeGrants } from './node-grants.ts';
import type { RedisLink } from './redis-link.ts';

export function registerClusterMetrics(registry: Registry, link: RedisLink, pairing: CrossInstancePairing): void {
  const counter = (name: string, help: string, read: () => number) => new Counter({
    name, help, registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
  new Gauge({
    name: 'shp_redis_up', help: 'Whether Redis answers (1) or not (0: this instance serves alone, matching only its own strangers).', registers: [registry],
    collect() { this.set(link.online ? 1 : 0); },
  });
  counter('shp_redis_outages_total', 'Times the link to Redis went down.', () => link.stats.outages);
  counter('shp_redis_round_trips_total', 'Commands sent to Redis (a pipeline counts once).', () => link.stats.roundTrips);
  counter('shp_redis_round_trip_seconds_total', 'Time spent waiting for Redis, summed over its round trips.', () => link.stats.roundTripMs / 1000);
  counter('shp_matches_across_instances_total', 'Random matches this instance made with a stranger waiting on another instance.', () => pairing.counts.matchedAcross);
  counter('shp_matches_told_total', 'Matches of this instance\'s waiting strangers made by another instance.', () => pairing.counts.toldOfMatch);
}

/** The metrics of an instance that grants relays on relay nodes: grants per node and how each node was chosen, and the nodes' load. */
export function registerGrantMetrics(registry: Registry, grants: NodeGrants): void {
  new Counter({
    name: 'shp_relay_node_grants_total', help: 'Relays this instance granted, by relay node (its key).', labelNames: ['node'], registers: [registry],
    collect() {
      this.reset();
      for (const [node, count] of grants.perNode) this.inc({ node }, count);
    },
  });
  new Counter({
    name: 'shp_relay_node_choices_total', help: 'Relays granted on a node chosen by the pair\'s round trips (ping) or by load (load: no figures, or one node).',
    labelNames: ['by'], registers: [registry],
    collect() {
      this.reset();
      this.inc({ by: 'ping' }, grants.chosenBy.ping);
      this.inc({ by: 'load' }, grants.chosenBy.load);
    },
  });
  new Gauge({
    name: 'shp_relay_node_load_ratio', help: 'Each live relay node\'s relays in use over its capacity, as this instance last read them.', labelNames: ['node'],
    registers: [registry],
    collect() {
      this.reset();
      for (const node of grants.nodes) this.set({ node: node.id }, node.load / Math.max(1, node.capacity));
    },
  });
}

/** /health's line about Redis: the instance serves either way; it says whether it matches across instances. */
export function clusterHealth(link: RedisLink): string {
  return link.online ? 'redis up' : 'redis down: serving this instance alone';
}
