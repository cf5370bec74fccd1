/**
 * The metrics of a process that shares Redis with others: whether Redis answers and its round
 * trips; on an instance, matches across instances and grants per relay node; on a relay node, its
 * load, capacity, refused grants and whether it drains.
 */
import { Gauge, type Registry } from 'prom-client';
import { readCounter, readGauge } from '../metrics.ts';
import type { CrossInstancePairing } from './cross-instance-pairing.ts';
import type { NodeGrants } from './node-grants.ts';
import type { RedisLink } from './redis-link.ts';

/** Redis's health and round trips, for any role that shares Redis. */
export function registerRedisMetrics(registry: Registry, link: RedisLink): void {
  readGauge(registry, 'shp_redis_up', 'Whether Redis answers (1) or not (0: this instance serves alone, matching only its own strangers).', () => (link.online ? 1 : 0));
  readCounter(registry, 'shp_redis_outages_total', 'Times the link to Redis went down.', () => link.stats.outages);
  readCounter(registry, 'shp_redis_round_trips_total', 'Commands sent to Redis (a pipeline counts once).', () => link.stats.roundTrips);
  readCounter(registry, 'shp_redis_round_trip_seconds_total', 'Time spent waiting for Redis, summed over its round trips.', () => link.stats.roundTripMs / 1000);
}

/** An instance's: Redis, matches across instances, and relays granted on each relay node. */
export function registerClusterMetrics(registry: Registry, link: RedisLink, pairing: CrossInstancePairing, grantsPerNode: () => ReadonlyMap<string, number>): void {
  registerRedisMetrics(registry, link);
  readCounter(registry, 'shp_matches_across_instances_total', 'Random matches this instance made with a stranger waiting on another instance.', () => pairing.counts.matchedAcross);
  readCounter(registry, 'shp_matches_told_total', 'Matches of this instance\'s waiting strangers made by another instance.', () => pairing.counts.toldOfMatch);
  readCounter(registry, 'shp_relay_grants_total', 'Relays this instance granted on relay nodes, by node key.', grantsPerNode, 'node');
}

/** What a relay node's metrics read. */
export interface RelayNodeGauges {
  readonly active: number;
  readonly capacity: number;
  readonly refusals: ReadonlyMap<string, number>;
  readonly draining: boolean;
}

/** A relay node's: Redis, its load against its capacity, refused grants by reason, and whether it drains. */
export function registerRelayNodeMetrics(registry: Registry, link: RedisLink, node: RelayNodeGauges): void {
  registerRedisMetrics(registry, link);
  readGauge(registry, 'shp_relay_node_load', 'Relays this node holds (what it announces as its load).', () => node.active);
  readGauge(registry, 'shp_relay_node_capacity', 'Relays this node takes at most (--max-relays).', () => node.capacity);
  readCounter(registry, 'shp_relay_grants_refused_total', 'Binds refused by the grant check, by reason (forged, expired, replayed, another address).', () => node.refusals, 'reason');
  readGauge(registry, 'shp_draining', 'Whether the node drains (1: out of the registry, its relays going on until they close or the deadline).', () => (node.draining ? 1 : 0));
}

/** The metrics of an instance that grants relays on relay nodes: how each node was chosen, and the nodes' load as last read. */
export function registerGrantMetrics(registry: Registry, grants: NodeGrants): void {
  readCounter(registry, 'shp_relay_node_choices_total', 'Relays granted on a node chosen by the pair\'s round trips (ping) or by load (load: no figures, or one node).',
    () => new Map(Object.entries(grants.chosenBy)), 'by');
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
