/**
 * Every datagram our Godot nodes and the server send, counted by the kernel per destination
 * address: the run's processes get group ids of their own, and an nftables table of the run's own
 * counts what sockets of those groups send (a dynamic set keyed by destination, with counters),
 * whatever socket sent it (the punching socket, probing sockets, ENet). Other processes on the
 * machine, other runs included, are not counted. The same table keeps the nodes of the relayed
 * game from sending our protocol's messages (punching, probing, handover) anywhere on loopback but
 * to the server and its relays, so that their pair must go through the relay; ENet's datagrams
 * (binary) still pass, as a node carries its own game between sockets on loopback. Root only:
 * without it the nodes still run, uncounted, and the relayed game is skipped.
 */
import { execFileSync } from 'node:child_process';

/** A destination's datagrams and bytes. */
export interface Sent {
  datagrams: number;
  bytes: number;
}

/** Who a destination is, for the report: only the last kind never asked for anything. */
export type Destination = 'server and our nodes' | 'scripted players' | 'attackers\' own sockets' | 'never asked';

/**
 * On loopback every process of ours (server, nodes) sends from 127.0.0.1, scripted legitimate
 * players live in 127.20.0.0/14 (see LEGIT_NET), attackers' own sockets in 127.66.0.0/16 (they
 * sent to the node first: an answer to them is asked for). Everything else (spoofed sources,
 * victims, claimed addresses) never asked.
 */
export function destination(address: string): Destination {
  if (address === '127.0.0.1') return 'server and our nodes';
  const [, b] = address.split('.').map(Number);
  if (address.startsWith('127.') && b! >= 20 && b! <= 25) return 'scripted players';
  if (address.startsWith('127.66.')) return 'attackers\' own sockets';
  return 'never asked';
}

/**
 * The server is counted only towards the victims' network (the canaries): it answers spoofed
 * sources all over loopback, one answer per request, which other figures cover.
 */
export const VICTIM_NET = '127.99.0.0/16';

/**
 * A datagram of our protocol: two capital letters (its code), then a colon or nothing. ENet's
 * header never begins so: its first byte is below 0x40 or, with the sent-time flag, above 0x7f
 * (Godot's ENet compresses nothing unless told, which would set 0x40).
 */
const OUR_MESSAGE = '@th,64,8 0x41-0x5a @th,72,8 0x41-0x5a';

export class NodeWatch {
  readonly table: string;
  /** Group ids: the server; our nodes; our nodes that may reach only the server and its relays. */
  readonly serverGid: number;
  readonly nodeGid: number;
  readonly relayedGid: number;
  /** No table to read or delete: before install, and after close. */
  private closed = true;
  private frozen: Map<string, Map<string, Sent>> | null = null;

  private constructor() {
    this.table = `shp_attack_${process.pid}`;
    // Group ids no account uses, distinct per run.
    const base = 60_000 + (process.pid % 1000) * 3;
    [this.serverGid, this.nodeGid, this.relayedGid] = [base, base + 1, base + 2];
  }

  /** The run's group ids, or null without root or nftables (the nodes then run uncounted). */
  static create(): NodeWatch | null {
    if (process.getuid?.() !== 0) return null;
    try {
      execFileSync('nft', ['--version'], { stdio: 'ignore' });
      return new NodeWatch();
    } catch {
      return null;
    }
  }

  /**
   * Installs the table once the server runs: its [mainPort] and its relay ports [relayPorts]
   * (consecutive, the probe port among them) are all the relayed nodes may reach.
   */
  install(mainPort: number, relayPorts: readonly number[]): void {
    const ports = `${mainPort}, ${relayPorts[0]}-${relayPorts.at(-1)}`;
    const rules = `
table ip ${this.table} {
  set node_dests { type ipv4_addr; size 65535; flags dynamic; counter; }
  set server_dests { type ipv4_addr; size 65535; flags dynamic; counter; }
  chain out {
    type filter hook output priority 0; policy accept;
    meta skgid ${this.relayedGid} ip daddr 127.0.0.1 udp dport != { ${ports} } ${OUR_MESSAGE} @th,80,8 0x3a drop
    meta skgid ${this.relayedGid} ip daddr 127.0.0.1 udp dport != { ${ports} } ${OUR_MESSAGE} udp length 10 drop
    meta skgid { ${this.nodeGid}, ${this.relayedGid} } meta l4proto udp update @node_dests { ip daddr }
    meta skgid ${this.serverGid} meta l4proto udp ip daddr ${VICTIM_NET} update @server_dests { ip daddr }
  }
}`;
    execFileSync('nft', ['-f', '-'], { input: rules });
    this.closed = false;
    process.once('exit', () => this.close());
  }

  /** Datagrams our nodes sent, by destination address. */
  nodeSent(): Map<string, Sent> {
    return this.read('node_dests');
  }

  /** Datagrams the server sent, by destination address. */
  serverSent(): Map<string, Sent> {
    return this.read('server_dests');
  }

  /** Reads the counts once more and keeps them: the report reads these, whatever happens after. */
  freeze(): void {
    this.frozen = new Map([['node_dests', this.read('node_dests')], ['server_dests', this.read('server_dests')]]);
  }

  private read(set: string): Map<string, Sent> {
    const kept = this.frozen?.get(set);
    if (kept) return kept;
    const out = new Map<string, Sent>();
    if (this.closed) return out;
    const list = execFileSync('nft', ['-j', 'list', 'set', 'ip', this.table, set], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const json = JSON.parse(list) as {
      nftables: Array<{ set?: { elem?: Array<{ elem: { val: string; counter: { packets: number; bytes: number } } }> } }>;
    };
    for (const entry of json.nftables) {
      for (const { elem } of entry.set?.elem ?? []) {
        // The kernel counts IP datagrams: less the IP and UDP headers, what the sender wrote.
        out.set(elem.val, { datagrams: elem.counter.packets, bytes: elem.counter.bytes - 28 * elem.counter.packets });
      }
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      execFileSync('nft', ['delete', 'table', 'ip', this.table], { stdio: 'ignore' });
    } catch { /* already gone */ }
  }
}

/** Sums [sent] over the addresses [pick] takes. */
export function sum(sent: Map<string, Sent>, pick: (address: string) => boolean): Sent {
  const total = { datagrams: 0, bytes: 0 };
  for (const [address, s] of sent) {
    if (!pick(address)) continue;
    total.datagrams += s.datagrams;
    total.bytes += s.bytes;
  }
  return total;
}
