/**
 * Attack suite: the real server bundle, relays on, on loopback; every attack we know of, played
 * at once from a /24 of attacker addresses and spoofed sources, while legitimate
 * hosts, joiners, random pairs and relayed pairs carry on, scripted and as real nodes of ours
 * (headless Godot), which further attacks aim at third parties. Bounded in count and time; prints
 * the share of each kind of legitimate flow that completed, what each attack got and what the
 * server counted, every datagram our nodes sent by destination, and the server's peak RSS. Exits 1
 * when a legitimate flow failed, a third party was sent anything (a victim of our nodes: more than
 * a small bound per spoofed request), or the server died.
 * Usage: `npm run attack [-- --seconds 70] [--skip port-0,hs-flood] [--only lan-keys] [--extra] [--bundle other/main.mjs]`
 * (as root for the spoofing attacks, the count of what our nodes send and the relayed game of
 * nodes; --extra adds two harsher variants; --bundle runs
 * another build of the server as it is).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Attack } from './attack/attacks/attack.ts';
import { CodeGuessing } from './attack/attacks/code-guessing.ts';
import { EnetFlood } from './attack/attacks/enet-flood.ts';
import { HsFlood } from './attack/attacks/hs-flood.ts';
import { JunkNeighbour } from './attack/attacks/junk-neighbour.ts';
import { LanKeys } from './attack/attacks/lan-keys.ts';
import { LateJoinSpoof } from './attack/attacks/late-join-spoof.ts';
import { MalformedCodes } from './attack/attacks/malformed-codes.ts';
import { NatClaim } from './attack/attacks/nat-claim.ts';
import { PendingRelays } from './attack/attacks/pending-relays.ts';
import { PortZero } from './attack/attacks/port-zero.ts';
import { RandomHogging } from './attack/attacks/random-hogging.ts';
import { RelayBandwidth } from './attack/attacks/relay-bandwidth.ts';
import { RelayHolding } from './attack/attacks/relay-holding.ts';
import { SlotFilling } from './attack/attacks/slot-filling.ts';
import { SpoofedBind } from './attack/attacks/spoofed-bind.ts';
import { SpoofedJoin } from './attack/attacks/spoofed-join.ts';
import { SpoofedRefresh } from './attack/attacks/spoofed-refresh.ts';
import { RelayInjection } from './attack/attacks/relay-injection.ts';
import { LeakBoard, type RunContext } from './attack/context.ts';
import { type FlowResult, hostedFlow, JunkedHost, mistypedJoinFlow } from './attack/legit.ts';
import { lateJoinFlow, nodeGameFlow } from './attack/legit-nodes.ts';
import { randomPairFlow, relayedPairFlow } from './attack/legit-pairs.ts';
import { Canary, sleep } from './attack/net.ts';
import { NodeWatch } from './attack/node-watch.ts';
import { Nodes, Turns } from './attack/nodes.ts';
import { RawSender } from './attack/raw.ts';
import { type FlowTally, printReport, tally, verdict } from './attack/report.ts';
import { preparePlayers } from './harness/prepare.ts';
import { alive, cpuSeconds, memoryMb, scrapeMetrics, startServer, stopServer } from './attack/server.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '70' }, skip: { type: 'string', default: '' }, only: { type: 'string', default: '' },
    bundle: { type: 'string' }, extra: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
/** Legitimate flows begin once the attacks are set up, and stop starting this long before the end. */
const LEGIT_FROM_MS = 6000;
const LEGIT_TAIL_MS = 12_000;
/** Attacks on our nodes take turns (a few Godot processes each): the run waits this long at most for the last. */
const NODE_ATTACKS_GRACE_MS = 40_000;

/** The attacks; with --extra, also two more. */
function allAttacks(): Attack[] {
  const attacks = [new PortZero(), new RelayHolding(), new PendingRelays(), new SpoofedBind(), new LanKeys(), new RandomHogging(),
    new JunkNeighbour(), new SlotFilling(), new HsFlood(), new RelayBandwidth(), new CodeGuessing(), new MalformedCodes(),
    new SpoofedRefresh(), new RelayInjection(), new SpoofedJoin(), new NatClaim(), new EnetFlood(), new LateJoinSpoof()];
  return args.extra ? [...attacks, new SlotFilling(true), new RandomHogging(8)] : attacks;
}

/** Runs [flow] once and tallies it. */
async function once(t: FlowTally, flow: () => Promise<FlowResult>): Promise<void> {
  t.started++;
  const result = await flow().catch((error: unknown) => `threw: ${(error as Error).message}`);
  if (result === null) t.completed++;
  else t.failures.set(result, (t.failures.get(result) ?? 0) + 1);
}

/** Runs [flow] again and again (a few at once when [parallel] > 1) until [until]. */
async function loop(t: FlowTally, parallel: number, until: () => boolean, flow: (n: number) => Promise<FlowResult>, pauseMs = 200): Promise<void> {
  let n = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (until()) {
      const k = n++;
      await once(t, () => flow(k));
      await sleep(pauseMs);
    }
  }));
}

/** Our real nodes' flows, one at a time (each starts two or three Godot processes), round after round until [until]. */
async function nodeRounds(until: () => boolean, rounds: Array<[FlowTally, (n: number) => Promise<FlowResult>]>): Promise<void> {
  for (let n = 0; until(); n++) {
    for (const [t, flow] of rounds) {
      if (!until()) return;
      await once(t, () => flow(n));
    }
  }
}

async function main(): Promise<number> {
  if (!(SECONDS >= 40)) throw new Error('--seconds must be at least 40 (the junk must outlast the 20 s expiry)');
  preparePlayers();
  const watch = NodeWatch.create();
  const server = await startServer(args.bundle, watch?.serverGid);
  watch?.install(server.main.port, server.relayPorts);
  process.once('exit', () => { if (alive(server)) server.child.kill('SIGKILL'); });
  const t0 = Date.now();
  let running = true;
  const ctx: RunContext = {
    server, main: server.main, serverKey: server.serverKey,
    raw: RawSender.available() ? RawSender.open() : null,
    lanCanary: await Canary.open('127.99.0.1'),
    relayVictim: await Canary.open('127.99.0.2'),
    leaks: new LeakBoard(), legitKeys: new Set(), thirdPartyPings: 0,
    nodes: new Nodes(watch), watch, victims: [], randomTurns: new Turns(),
    elapsed: () => Date.now() - t0,
    running: () => running,
  };
  const skip = new Set(args.skip.split(',').filter(Boolean));
  const only = new Set(args.only.split(',').filter(Boolean));
  const attacks = allAttacks().filter((a) => !skip.has(a.name) && (only.size === 0 || only.has(a.name)));
  const skipped = allAttacks().map((a) => a.name).filter((n) => !attacks.some((a) => a.name === n));

  let sampledRss = 0;
  let cpu = 0;
  let peakRss = 0;
  let counters = new Map<string, number>();
  let countersAt = 0;
  const sampler = setInterval(() => {
    if (!alive(server)) return;
    const m = memoryMb(server.child.pid!);
    sampledRss = Math.max(sampledRss, m.rss);
    peakRss = Math.max(peakRss, m.peak);
    cpu = cpuSeconds(server.child.pid!);
  }, 500);
  const scraper = setInterval(() => void scrapeMetrics(server).then((c) => {
    if (c.size > 0) [counters, countersAt] = [c, ctx.elapsed()];
  }), 5000);

  // The junked host registers before its neighbour's junk begins.
  const junked = await JunkedHost.start(ctx);
  const attacking = Promise.all(attacks.map((a) => a.run(ctx).catch((error: unknown) => console.error(`${a.name} threw:`, error))));

  const flows = {
    hosted: tally('hosted: host + 2 joiners, RD both ways'),
    leaked: tally('hosted, code known to griefers (retyped on BK)'),
    random: tally('random pairs'),
    relayed: tally('relayed pairs (RQ, RB, 95% of data each way)'),
    junked: tally('host keeping alive under 900/s junk from its IP'),
    mistyped: tally('mistyped code answered BK (original client)'),
    nodeGame: tally('our nodes: host + joiner, node runs ENet, RPCs'),
    nodeLate: tally('our nodes: late joiner into a running game'),
    ...(watch ? { nodeRelayed: tally('our nodes: relayed game (direct paths blocked)') } : {}),
  };
  const lateJoinSeconds: number[] = [];
  const nodeFlows: Array<[FlowTally, (n: number) => Promise<FlowResult>]> = [
    [flows.nodeGame, (n) => nodeGameFlow(ctx, n)],
    [flows.nodeLate, (n) => lateJoinFlow(ctx, n, lateJoinSeconds)],
  ];
  if (flows.nodeRelayed) nodeFlows.push([flows.nodeRelayed, (n) => nodeGameFlow(ctx, n, true)]);
  await sleep(LEGIT_FROM_MS);
  const legitUntil = () => ctx.elapsed() < SECONDS * 1000 - LEGIT_TAIL_MS;
  await Promise.all([
    loop(flows.hosted, 2, legitUntil, (n) => hostedFlow(ctx, n, false)),
    loop(flows.leaked, 2, legitUntil, (n) => hostedFlow(ctx, n, true)),
    loop(flows.random, 1, legitUntil, (n) => ctx.randomTurns.take(() => randomPairFlow(ctx, n))),
    loop(flows.relayed, 2, legitUntil, (n) => relayedPairFlow(ctx, n)),
    loop(flows.mistyped, 1, legitUntil, (n) => mistypedJoinFlow(ctx, n), 1000),
    nodeRounds(legitUntil, nodeFlows),
  ]);
  flows.junked.started++;
  const junkResult = typeof junked === 'string' ? junked : await junked.check();
  if (junkResult === null) flows.junked.completed++;
  else flows.junked.failures.set(junkResult, 1);

  await sleep(Math.max(0, SECONDS * 1000 - ctx.elapsed()));
  running = false;
  // Attacks on our nodes are one-shot and bounded by their own timeouts: their figures are waited for.
  await Promise.race([ctx.nodes.idle(), sleep(NODE_ATTACKS_GRACE_MS)]);
  await Promise.race([attacking, sleep(5000)]);
  ctx.nodes.killAll();
  await sleep(500);
  const last = await scrapeMetrics(server);
  if (last.size > 0) [counters, countersAt] = [last, ctx.elapsed()];
  clearInterval(sampler);
  clearInterval(scraper);
  if (alive(server)) {
    const m = memoryMb(server.child.pid!);
    peakRss = Math.max(peakRss, m.peak);
    sampledRss = Math.max(sampledRss, m.rss);
    cpu = cpuSeconds(server.child.pid!);
  }
  const diedAt = server.exitedAt === null ? null : server.exitedAt - t0;
  const summary = await stopServer(server);
  // Counters the summary has and /metrics may not (evictions, reclaimed slots, and the like).
  for (const [, name, value] of summary.matchAll(/(ignored|unconfirmed|evicted|slots reclaimed) (\d+)/g)) {
    counters.set(`summary: ${name}`, Number(value));
  }
  await ctx.raw?.close();
  const figures = {
    seconds: SECONDS, commit: args.bundle ?? execFileSync('git', ['log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim(),
    serverArgs: server.args, diedAt, exit: server.exit, stderrTail: server.stderr.slice(-6),
    flows: Object.values(flows), attacks, skipped, counters, countersAt, warnings: server.events,
    lateJoinSeconds, peakRssMb: peakRss, sampledRssMb: sampledRss, cpuSeconds: cpu, elapsedSeconds: ctx.elapsed() / 1000, summary,
  };
  watch?.freeze();
  printReport(ctx, figures);
  const failures = verdict(ctx, figures);
  watch?.close();
  console.log(failures.length === 0 ? '\nattack suite passed' : `\nattack suite FAILED: ${failures.join('; ')}`);
  return failures.length === 0 ? 0 : 1;
}

// Interrupted, the run still ends its server and nodes and removes its nftables table (on 'exit').
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
