/** The run's figures, printed as the README quotes them. */
import type { Attack } from './attacks/attack.ts';
import type { RunContext } from './context.ts';
import { destination, type Destination, type Sent } from './node-watch.ts';
import { PER_SPOOFED_REQUEST } from './victims.ts';

export interface FlowTally {
  readonly label: string;
  started: number;
  completed: number;
  readonly failures: Map<string, number>;
}

export function tally(label: string): FlowTally {
  return { label, started: 0, completed: 0, failures: new Map() };
}

export interface RunFigures {
  readonly seconds: number;
  readonly commit: string;
  readonly serverArgs: readonly string[];
  readonly diedAt: number | null;
  readonly exit: string | null;
  readonly stderrTail: readonly string[];
  readonly flows: readonly FlowTally[];
  readonly attacks: readonly Attack[];
  readonly skipped: readonly string[];
  readonly counters: Map<string, number>;
  readonly countersAt: number;
  readonly warnings: Map<string, number>;
  /** Late joiners' seconds from their first request to their game connection, unattacked. */
  readonly lateJoinSeconds: readonly number[];
  readonly peakRssMb: number;
  readonly sampledRssMb: number;
  /** The server's CPU time over the run, and the run's length, in seconds. */
  readonly cpuSeconds: number;
  readonly elapsedSeconds: number;
  readonly summary: string;
}

const pct = (a: number, b: number) => (b === 0 ? '-' : `${Math.round((a / b) * 100)}%`);

export function printReport(ctx: RunContext, f: RunFigures): void {
  const out: string[] = [];
  out.push(`attack suite on ${f.commit}: ${f.seconds} s, server ${f.serverArgs.join(' ')}`);
  out.push(f.diedAt === null ? 'server: alive to the end'
    : `server: DIED at t=${(f.diedAt / 1000).toFixed(1)} s (${f.exit})${f.stderrTail.length ? `\n  ${f.stderrTail.join('\n  ')}` : ''}`);
  out.push('', 'legitimate flows (completed / started):');
  for (const flow of f.flows) {
    const why = [...flow.failures].map(([reason, n]) => `${n}x ${reason}`).join('; ');
    out.push(`  ${flow.label.padEnd(48)} ${`${flow.completed}/${flow.started}`.padStart(7)} ${pct(flow.completed, flow.started).padStart(5)}${why ? `  failed: ${why}` : ''}`);
  }
  const senders = [...ctx.lanCanary.senders].map(([from, n]) => `${from} x${n}`).slice(0, 5).join(', ');
  const late = [...f.lateJoinSeconds].sort((a, b) => a - b);
  if (late.length > 0) out.push(`  (late joiners got in after ${late.map((t) => t.toFixed(1)).join(', ')} s)`);
  out.push(`  (Godot processes of ours: ${ctx.nodes.started} in all, at most ${ctx.nodes.mostAtOnce} at once)`);
  out.push('', 'third parties (must all be 0):');
  out.push(`  datagrams at the LAN canary (claimed as a LAN address by griefers): ${ctx.lanCanary.received}${senders ? ` (from ${senders})` : ''}`);
  out.push(`  datagrams at the relay victim (named by spoofed RB): ${ctx.relayVictim.received} (${ctx.relayVictim.bytes} bytes)`);
  out.push(`  pings legitimate peers would have sent to a claimed public LAN address (198.51.100.7:53): ${ctx.thirdPartyPings}`);
  out.push(`datagrams at third parties our nodes were aimed at (at most ${PER_SPOOFED_REQUEST} per spoofed request naming one, from the server and our nodes together):`);
  for (const victim of ctx.victims) out.push(`  ${victim.line(ctx)}`);
  if (ctx.watch) {
    const sent = nodeDestinations(ctx);
    out.push(`every datagram our nodes sent, by destination (at most ${nodeBound(ctx)} may go to addresses that never asked):`);
    out.push(`  ${[...sent].map(([kind, s]) => `${kind} ${s.total.datagrams} (${s.total.bytes} bytes)`).join(', ')}`);
    const unasked = [...(sent.get('never asked')?.by ?? [])].sort((a, b) => b[1].datagrams - a[1].datagrams);
    if (unasked.length > 0) out.push(`  never asked: ${unasked.slice(0, 6).map(([a, s]) => `${a} x${s.datagrams}`).join(', ')}${unasked.length > 6 ? `, and ${unasked.length - 6} more addresses` : ''}`);
  } else out.push('every datagram our nodes sent: uncounted (the node watch needs root and nftables)');
  out.push('', `attacks (server counters as of t=${(f.countersAt / 1000).toFixed(0)} s):`);
  for (const attack of f.attacks) {
    out.push(`  ${attack.name}: ${attack.what}`);
    for (const line of attack.report()) out.push(`    attacker saw: ${line}`);
    const related = [...f.counters].filter(([name, value]) => value > 0 && attack.counters.test(name));
    out.push(`    server counted: ${related.map(([n, v]) => `${short(n)}=${v}`).join(', ') || 'nothing related'}`);
  }
  for (const name of f.skipped) out.push(`  ${name}: skipped (--skip)`);
  out.push('', 'server counters:');
  for (const [name, value] of f.counters) if (value > 0) out.push(`  ${short(name)} ${value}`);
  if (f.warnings.size > 0) out.push(`server warnings logged: ${[...f.warnings].map(([k, n]) => `${k} x${n}`).join(', ')}`);
  out.push('', `server memory: peak RSS ${f.peakRssMb.toFixed(1)} MB (VmHWM), highest sampled ${f.sampledRssMb.toFixed(1)} MB`);
  out.push(`server CPU: ${f.cpuSeconds.toFixed(1)} s in ${f.elapsedSeconds.toFixed(0)} s (${Math.round((f.cpuSeconds / f.elapsedSeconds) * 100)}% of one core)`);
  out.push(f.summary);
  console.log(out.join('\n'));
}

/** `shp_datagrams_dropped_total{reason="x"}` reads better as `dropped{reason=x}`. */
function short(name: string): string {
  return name.replace(/^shp_/, '').replace(/_total/, '').replace(/datagrams_/, '').replace(/"/g, '');
}

/** Why the run fails as a check, or an empty list. */
export function verdict(ctx: RunContext, f: RunFigures): string[] {
  const reasons: string[] = [];
  if (f.diedAt !== null) reasons.push(`the server died (${f.exit})`);
  for (const flow of f.flows) {
    if (flow.started === 0) reasons.push(`no ${flow.label} flow ran`);
    else if (flow.completed < flow.started) reasons.push(`${flow.started - flow.completed} of ${flow.started} ${flow.label} flows failed`);
  }
  if (ctx.lanCanary.received > 0) reasons.push(`${ctx.lanCanary.received} datagrams reached the LAN canary`);
  if (ctx.relayVictim.received > 0) reasons.push(`${ctx.relayVictim.received} datagrams reached the spoofed-RB victim`);
  if (ctx.thirdPartyPings > 0) reasons.push(`${ctx.thirdPartyPings} pings to a claimed public LAN address`);
  for (const victim of ctx.victims) {
    const why = victim.violation(ctx);
    if (why) reasons.push(why);
  }
  const unasked = ctx.watch ? nodeDestinations(ctx).get('never asked')?.total.datagrams ?? 0 : 0;
  if (unasked > nodeBound(ctx)) reasons.push(`our nodes sent ${unasked} datagrams to addresses that never asked (bound ${nodeBound(ctx)})`);
  for (const attack of f.attacks) reasons.push(...(attack.violations?.() ?? []).map((v) => `${attack.name}: ${v}`));
  return reasons;
}

/** What our nodes sent, summed by kind of destination, with each address. */
function nodeDestinations(ctx: RunContext): Map<Destination, { total: Sent; by: Map<string, Sent> }> {
  const out = new Map<Destination, { total: Sent; by: Map<string, Sent> }>();
  for (const kind of ['server and our nodes', 'scripted players', 'attackers\' own sockets', 'never asked'] as const) {
    out.set(kind, { total: { datagrams: 0, bytes: 0 }, by: new Map() });
  }
  for (const [address, s] of ctx.watch?.nodeSent() ?? []) {
    const entry = out.get(destination(address))!;
    entry.total.datagrams += s.datagrams;
    entry.total.bytes += s.bytes;
    entry.by.set(address, s);
  }
  return out;
}

/** Datagrams our nodes may send to addresses that never asked: the victims' bound, summed. */
function nodeBound(ctx: RunContext): number {
  return PER_SPOOFED_REQUEST * ctx.victims.reduce((n, v) => n + v.spoofs, 0);
}
