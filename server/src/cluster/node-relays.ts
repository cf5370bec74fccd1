/**
 * The relays a relay node holds: by id and by side, each with its grant and the address hosting
 * its pair, counted against the node's limits (relays in all, per address and per /24). It also
 * says where a bind goes: the relay of its grant, a new one, or nowhere, and why.
 */
import { AddressQuota } from '../relay/address-quota.ts';
import type { Relay, RelaySide } from '../relay/relay.ts';
import type { NodeBind } from './node-giving-way.ts';

export interface NodeLimits {
  readonly maxRelays: number;
  readonly relaysPerIp: number;
  readonly relaysPerSubnet: number;
}

export type BindRefusal = 'relays_full' | 'per_ip_limit' | 'per_subnet_limit' | 'wrong_port' | 'spoofed_bind';

export class NodeRelays {
  private readonly relays = new Map<string, Relay>();
  private readonly relayOf = new Map<RelaySide, Relay>();
  /** Each relay's grant (without the peer's address). */
  private readonly grantOf = new Map<Relay, string>();
  /** The address hosting each relay's pair, when its grant names one. */
  private readonly hostOf = new Map<Relay, string>();
  private readonly quota: AddressQuota;

  constructor(private readonly limits: NodeLimits) {
    this.quota = new AddressQuota({ perIp: limits.relaysPerIp, perSubnet: limits.relaysPerSubnet });
  }

  get size(): number {
    return this.relays.size;
  }

  /** Each relay's host, for the relays whose grant names one. */
  get hosts(): ReadonlyMap<Relay, string> {
    return this.hostOf;
  }

  values(): IterableIterator<Relay> {
    return this.relays.values();
  }

  /** The relay [side] belongs to. */
  of(side: RelaySide): Relay | undefined {
    return this.relayOf.get(side);
  }

  /** The grant [relay] was opened with. */
  grant(relay: Relay): string | undefined {
    return this.grantOf.get(relay);
  }

  /**
   * Where [bind], arriving on port [portIndex], goes: the relay of its grant when open, null when
   * one is to be opened, or why it is refused. [giving], the relay that gives way to it, counts as
   * closed already (the bind takes its place): it is closed only once this admits the bind.
   */
  place(bind: NodeBind, portIndex: number, giving: Relay | undefined): Relay | null | BindRefusal {
    const relay = this.relays.get(bind.id);
    if (!relay) {
      if (this.relays.size - (giving ? 1 : 0) >= this.limits.maxRelays) return 'relays_full';
      return this.quota.refusal([bind.from.address, bind.peerIp], giving?.ips) ?? null;
    }
    if (relay.portIndex !== portIndex) return 'wrong_port';
    // Its side is bound from another endpoint (the gate refuses those as replays).
    if (relay.side(bind.from.address)?.bound !== null) return 'spoofed_bind';
    return relay;
  }

  add(relay: Relay, grant: string, hostIp: string | undefined): void {
    this.relays.set(relay.id, relay);
    for (const side of relay.sides) this.relayOf.set(side, relay);
    this.grantOf.set(relay, grant);
    if (hostIp !== undefined) this.hostOf.set(relay, hostIp);
    this.quota.take(relay.ips);
  }

  /** Forgets [relay]; false when it is not held (closed already). */
  remove(relay: Relay): boolean {
    if (this.relays.get(relay.id) !== relay) return false;
    this.relays.delete(relay.id);
    for (const side of relay.sides) this.relayOf.delete(side);
    this.grantOf.delete(relay);
    this.hostOf.delete(relay);
    this.quota.release(relay.ips);
    return true;
  }
}
