/**
 * A NAT lab on one machine: network namespaces joined by veth links (or by an impaired TAP link),
 * home routers that masquerade a private LAN and drop unsolicited inbound traffic, and a
 * "public internet" segment (192.0.2.0/24) holding the rendezvous server. Only documentation
 * and 10.x addresses, only inside namespaces this lab made; everything is removed by destroy(),
 * which also runs on exit and on SIGINT/SIGTERM.
 */
import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { routerRules } from './router-rules.ts';

/** `preserving` keeps the source port when it can (a cone NAT); `random` picks one per mapping. */
export type NatKind = 'preserving' | 'random';

export interface Impairment {
  readonly loss: number;
  readonly duplicate: number;
  readonly delayMs: number;
  readonly jitterMs: number;
}

export interface RouterSpec {
  readonly name: string;
  readonly nat: NatKind;
  /** Hosts on this router's LAN. */
  readonly hosts: readonly string[];
}

export interface LabSpec {
  readonly routers: readonly RouterSpec[];
  /** Hosts on the public segment, with no NAT. */
  readonly publicHosts?: readonly string[];
  /** Public hosts farther away: each one's link adds this many milliseconds each way. */
  readonly publicDelayMs?: Readonly<Record<string, number>>;
  /** Applied to every router's WAN link, both directions. */
  readonly impair?: Impairment;
  /**
   * Dual stack: every router also routes a global IPv6 /64 (2001:db8:R::/64) to its LAN, without
   * NAT, behind the same firewall (unsolicited inbound dropped), as home routers do; the public
   * segment is 2001:db8::/64, where the server has SERVER_IP6.
   */
  readonly ipv6?: boolean;
}

export const SERVER_IP = '192.0.2.10';
export const SERVER_IP6 = '2001:db8::10';
const TAP_LINK = resolve(import.meta.dirname, 'tap_link.py');
let labCount = 0;
const liveLabs = new Set<Lab>();

function sh(command: string, args: readonly string[], input?: string): void {
  execFileSync(command, args, { input, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** Why the lab cannot run here, or null when it can. */
export function labUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the NAT lab needs root (network namespaces)';
  for (const tool of ['ip', 'nft', 'python3']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `the NAT lab needs \`${tool}\` (run ci/natlab/setup.sh)`;
    }
  }
  return null;
}

/** Removes namespaces left by lab runs whose process is gone (a run killed with SIGKILL). */
export function removeOrphans(): void {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of list.split('\n')) {
    const match = /^(shp-(\d+)-\S+)/.exec(line);
    if (!match) continue;
    const pid = Number(match[2]);
    let alive = true;
    try { process.kill(pid, 0); } catch { alive = false; }
    if (!alive || pid === process.pid) {
      if (pid !== process.pid) try { sh('ip', ['netns', 'del', match[1]!]); } catch { /* already gone */ }
    }
  }
}

export class Lab {
  readonly prefix: string;
  readonly namespaces: string[] = [];
  /** Whether the lab is dual stack: then the server has SERVER_IP6 too (and is started with --public-ip6). */
  dualStack = false;
  private readonly addresses = new Map<string, string>();
  private readonly wanAddresses = new Map<string, string>();
  private readonly addresses6 = new Map<string, string>();
  private readonly children = new Set<ChildProcess>();
  private readonly links: ChildProcess[] = [];

  private constructor() {
    this.prefix = `shp-${process.pid}-${++labCount}`;
  }

  static async build(spec: LabSpec): Promise<Lab> {
    const lab = new Lab();
    liveLabs.add(lab);
    try {
      await lab.create(spec);
    } catch (error) {
      lab.destroy();
      throw error;
    }
    return lab;
  }

  /** The node's own IPv4 address. */
  address(node: string): string {
    const address = this.addresses.get(node);
    if (!address) throw new Error(`no node ${node} in this lab`);
    return address;
  }

  /** The node's global IPv6 address (dual-stack labs only). */
  address6(node: string): string {
    const address = this.addresses6.get(node);
    if (!address) throw new Error(`no IPv6 address for ${node} in this lab`);
    return address;
  }

  /** A router's public (WAN) address. */
  wan(router: string): string {
    const address = this.wanAddresses.get(router);
    if (!address) throw new Error(`no router ${router} in this lab`);
    return address;
  }

  /** Starts a process inside a node's namespace; destroy() kills it. */
  spawn(node: string, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    this.address(node);
    const child = spawn('ip', ['netns', 'exec', this.ns(node), command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  destroy(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    this.children.clear();
    for (const link of this.links) link.stdin?.end();
    for (const ns of this.namespaces.splice(0).reverse()) {
      try { sh('ip', ['netns', 'del', ns]); } catch { /* already gone */ }
    }
    for (const link of this.links.splice(0)) if (link.exitCode === null) link.kill('SIGKILL');
    liveLabs.delete(this);
  }

  private ns(node: string): string {
    return `${this.prefix}-${node}`;
  }

  private addNamespace(node: string): string {
    const ns = this.ns(node);
    sh('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    // No duplicate-address detection: link-local addresses stay tentative for a second or two
    // otherwise, and neighbour discovery between routers fails meanwhile.
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    return ns;
  }

  private async create(spec: LabSpec): Promise<void> {
    const inet = this.addNamespace('inet');
    // No multicast snooping: IPv6 neighbour discovery is multicast, and a bridge that missed a
    // router's MLD report (sent before its port joined) would not pass it the solicitations.
    sh('ip', ['-n', inet, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    sh('ip', ['-n', inet, 'link', 'set', 'br0', 'up']);
    let port = 0;
    const v6 = spec.ipv6 === true;
    this.dualStack = v6;
    /** On a /64 of its own, every router needs a route to every other router's LAN. */
    const lanRoutes6: Array<{ prefix: string; via: string }> = [];
    const attachToInternet = (node: string, address: string, address6: string): void => {
      const ns = this.ns(node);
      const peer = `p${++port}`;
      sh('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', peer, 'netns', inet]);
      sh('ip', ['-n', inet, 'link', 'set', peer, 'master', 'br0', 'up']);
      sh('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      if (v6) {
        sh('ip', ['-n', ns, 'addr', 'add', `${address6}/64`, 'dev', 'eth0', 'nodad']);
        this.addresses6.set(node, address6);
      }
      sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    };
    this.addNamespace('server');
    attachToInternet('server', SERVER_IP, SERVER_IP6);
    this.addresses.set('server', SERVER_IP);
    for (const [i, host] of (spec.publicHosts ?? []).entries()) {
      const ns = this.addNamespace(host);
      const delayMs = spec.publicDelayMs?.[host];
      if (delayMs === undefined) {
        attachToInternet(host, `192.0.2.${50 + i}`, `2001:db8::${50 + i}`);
      } else {
        await this.impairedLink(ns, inet, `${50 + i}`, { loss: 0, duplicate: 0, delayMs, jitterMs: 0 }, 'eth0');
        sh('ip', ['-n', ns, 'addr', 'add', `192.0.2.${50 + i}/24`, 'dev', 'eth0']);
        sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      }
      this.addresses.set(host, `192.0.2.${50 + i}`);
    }
    for (const [index, router] of spec.routers.entries()) {
      const r = index + 1;
      const ns = this.addNamespace(router.name);
      const wan = `192.0.2.${100 + r}`;
      if (spec.impair) {
        await this.impairedLink(ns, inet, `${r}`, spec.impair);
      } else {
        sh('ip', ['-n', ns, 'link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', `w${r}`, 'netns', inet]);
        sh('ip', ['-n', inet, 'link', 'set', `w${r}`, 'master', 'br0', 'up']);
      }
      sh('ip', ['-n', ns, 'addr', 'add', `${wan}/24`, 'dev', 'wan0']);
      sh('ip', ['-n', ns, 'link', 'set', 'wan0', 'up']);
      sh('ip', ['-n', ns, 'link', 'add', 'lan0', 'type', 'bridge', 'mcast_snooping', '0']);
      sh('ip', ['-n', ns, 'addr', 'add', `10.${r}.0.1/24`, 'dev', 'lan0']);
      if (v6) {
        const wan6 = `2001:db8::${100 + r}`;
        sh('ip', ['-n', ns, 'addr', 'add', `${wan6}/64`, 'dev', 'wan0', 'nodad']);
        sh('ip', ['-n', ns, 'addr', 'add', `2001:db8:${r}::1/64`, 'dev', 'lan0', 'nodad']);
        sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']);
        lanRoutes6.push({ prefix: `2001:db8:${r}::/64`, via: wan6 });
        this.addresses6.set(router.name, wan6);
      }
      sh('ip', ['-n', ns, 'link', 'set', 'lan0', 'up']);
      sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
      sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], routerRules(router.nat));
      this.addresses.set(router.name, wan);
      this.wanAddresses.set(router.name, wan);
      router.hosts.forEach((host, i) => {
        const hostNs = this.addNamespace(host);
        const address = `10.${r}.0.${10 + i}`;
        sh('ip', ['-n', hostNs, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `h${i}`, 'netns', ns]);
        sh('ip', ['-n', ns, 'link', 'set', `h${i}`, 'master', 'lan0', 'up']);
        sh('ip', ['-n', hostNs, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
        sh('ip', ['-n', hostNs, 'link', 'set', 'eth0', 'up']);
        sh('ip', ['-n', hostNs, 'route', 'add', 'default', 'via', `10.${r}.0.1`]);
        this.addresses.set(host, address);
        if (v6) {
          const address6 = `2001:db8:${r}::${10 + i}`;
          sh('ip', ['-n', hostNs, 'addr', 'add', `${address6}/64`, 'dev', 'eth0', 'nodad']);
          sh('ip', ['-n', hostNs, '-6', 'route', 'add', 'default', 'via', `2001:db8:${r}::1`]);
          this.addresses6.set(host, address6);
        }
      });
    }
    for (const [index, router] of spec.routers.entries()) {
      for (const route of lanRoutes6.filter((_, other) => other !== index)) {
        sh('ip', ['-n', this.ns(router.name), '-6', 'route', 'add', route.prefix, 'via', route.via]);
      }
    }
    // The server and the public hosts answer the homes over IPv6 too: each home's /64 is behind its router.
    for (const node of v6 ? ['server', ...(spec.publicHosts ?? [])] : []) {
      for (const route of lanRoutes6) sh('ip', ['-n', this.ns(node), '-6', 'route', 'add', route.prefix, 'via', route.via]);
    }
  }

  /** A link through tap_link.py: the namespace's end becomes [name] (a router's wan0), the other joins the bridge. */
  private async impairedLink(routerNs: string, inet: string, id: string, impair: Impairment, name = 'wan0'): Promise<void> {
    const a = `t${process.pid % 100000}${labCount}${id}a`.slice(0, 15);
    const b = `t${process.pid % 100000}${labCount}${id}b`.slice(0, 15);
    const link = spawn('python3', [TAP_LINK, a, b, String(impair.loss), String(impair.duplicate), String(impair.delayMs), String(impair.jitterMs), String(Number(id) * 7919)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.links.push(link);
    await new Promise<void>((ready, fail) => {
      const lines = createInterface({ input: link.stdout! });
      lines.once('line', (line) => (line === 'ready' ? ready() : fail(new Error(`tap_link: ${line}`))));
      link.once('exit', (code) => fail(new Error(`tap_link exited with ${code}`)));
    });
    sh('ip', ['link', 'set', a, 'netns', routerNs]);
    sh('ip', ['-n', routerNs, 'link', 'set', a, 'name', name]);
    sh('ip', ['link', 'set', b, 'netns', inet]);
    sh('ip', ['-n', inet, 'link', 'set', b, 'master', 'br0', 'up']);
  }
}

/** Runs [fn] with a lab that is destroyed afterwards, whatever happens. */
export async function withLab<T>(spec: LabSpec, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.build(spec);
  try {
    return await fn(lab);
  } finally {
    lab.destroy();
  }
}

function destroyAll(): void {
  for (const lab of [...liveLabs]) lab.destroy();
}

process.on('exit', destroyAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    destroyAll();
    process.exit(130);
  });
}
