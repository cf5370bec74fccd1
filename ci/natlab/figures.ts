/**
 * Time-to-connect figures through two port-preserving NATs, with and without impairment: p50 and
 * p95 of host_session to both ENet peers connected, over RUNS sessions each, and what the server
 * received and sent per session. A report, not a test. Needs root.
 * Usage: `node --import tsx ci/natlab/figures.ts [runs] [all|direct|relay|birthday|nat|rtt|realistic|hardhost|twohard|cone|two-nats|same-nat|public|four-players|late]`
 * (default 20 all).
 * `nat` measures the NAT-traversal plans: a port-randomising client against a port-preserving host
 * (birthday probing), and port-randomising NATs on both sides (the relay at once).
 * `cone` measures the clean direct cases one after another: `two-nats` (port-preserving), `same-nat` (host
 * and client behind one NAT), `public` (a host with a public address, its client behind a NAT) and
 * `four-players` (a host and three clients, each behind its own NAT), all port-preserving.
 * `birthday` measures birthday probing with plain sockets (ci/natlab/udp_check.mjs), not the node.
 * `rtt`: the clean two-NAT case with a fixed delay on each home's WAN link (no loss, no jitter), its
 * time to connect and each step of it stated in round trips, the node running the game's ENet
 * (manage_game_peer, as the README's snippet); `realistic`: the same with 2% loss, 1% duplication
 * and 30±10 ms.
 * `hardhost`: a random session whose port-randomising stranger is the host, against a
 * port-preserving one (birthday probing from the host, its game peer managed), timed from the
 * second stranger's request. `twohard`: a port-preserving host and two port-randomising clients,
 * probed at once.
 * `late`: players behind a port-randomising NAT joining a running game one after another (relayed), then
 * the same behind a port-preserving one (direct).
 */
import { type Impairment, labUnavailable, type LabSpec, type NatKind, removeOrphans, withLab } from './lab.ts';
import { IMPAIRED } from './run.ts';
import { birthday } from './nat-checks.ts';
import { preparePlayers } from '../harness/prepare.ts';
import { runSession, type SessionRun, startLabServer, stopLabServer } from './sessions.ts';
import { runRandomHardHost } from './nat-probing.ts';
import { measureLateJoiners } from './late-figures.ts';
import { percentile } from './percentile.ts';

async function measure(runs: number, impair?: Impairment, relayed = false): Promise<string> {
  const times: number[] = [];
  const handovers: number[] = [];
  let failures = 0;
  let datagrams = { received: 0, sent: 0 };
  const clientNat = relayed ? 'random' as const : 'preserving' as const;
  await withLab({ routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: clientNat, hosts: ['c1'] }], impair }, async (lab) => {
    // Back-to-back sessions from the same two addresses: each relay idles out only after 30 s,
    // so the per-address relay limit is raised here to measure rather than to refuse.
    const server = await startLabServer(lab, relayed ? ['--relays-per-ip', '50'] : []);
    for (let i = 0; i < runs; i++) {
      // Done once the host's first RPC reaches the client: the figure is the time to connect. The
      // relay figure is the fallback's, without NAT diagnosis (with it, this pair probes directly).
      const run = await runSession(lab, server.key, 'h1', ['c1'], { timeout: 30, until: 'connected', noNatDiagnosis: relayed });
      const begin = run.host.eventsNamed('begin')[0]?.wall;
      const handed = [run.host, ...run.clients].flatMap((p) => [...p.eventsNamed('start_server'), ...p.eventsNamed('start_client')]);
      if (begin !== undefined && handed.length === 1 + run.clients.length) handovers.push((Math.max(...handed.map((e) => e.wall)) - begin) * 1000);
      if (run.secondsToConnect === null) failures++;
      else times.push(run.secondsToConnect * 1000);
    }
    datagrams = await stopLabServer(server);
  });
  times.sort((a, b) => a - b);
  handovers.sort((a, b) => a - b);
  const label = (relayed ? 'through the relay without NAT diagnosis (client behind a port-randomising NAT, default punch_timeout 3 s), ' : '')
    + (impair ? `impaired (${impair.loss * 100}% loss, ${impair.duplicate * 100}% dup, ${impair.delayMs}±${impair.jitterMs} ms)` : 'clean');
  const stats = times.length ? `p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms` : 'no run connected';
  const ours = handovers.length ? `p50 ${percentile(handovers, 50).toFixed(0)} ms, p95 ${percentile(handovers, 95).toFixed(0)} ms` : 'none';
  return `${label}\n  to both ENet peers connected: ${times.length}/${runs}; ${stats}\n  to start_server and start_client (the datagram exchange alone): ${handovers.length}/${runs}; ${ours}\n  server per session: ${(datagrams.received / runs).toFixed(1)} in, ${(datagrams.sent / runs).toFixed(1)} out${failures ? `; ${failures} failed` : ''}`;
}

/** Birthday probing with plain sockets: how often 256 mappings x [probes] probes meet, and how fast. */
async function measureBirthday(runs: number, probes: number): Promise<string> {
  const times: number[] = [];
  await withLab({ routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] }, async (lab) => {
    for (let i = 0; i < runs; i++) {
      const ms = await birthday(lab, 'h1', 'r1', 'c1', 'r2', 256, probes);
      if (ms !== null) times.push(ms);
    }
  });
  times.sort((a, b) => a - b);
  const stats = times.length ? `; p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms to the hard side's first answer` : '';
  return `birthday probing, plain sockets, 256 mappings x ${probes} probes over 1.5 s: ${times.length}/${runs} met${stats}`;
}

/** Sessions between a host behind [hostNat] and a client behind [clientNat], default settings. */
function measurePlan(runs: number, hostNat: NatKind, clientNat: NatKind, label: string): Promise<string> {
  return measureSessions(runs, { routers: [{ name: 'r1', nat: hostNat, hosts: ['h1'] }, { name: 'r2', nat: clientNat, hosts: ['c1'] }] }, ['c1'], label);
}

/** Sessions of host h1 with [clients] in the lab [spec], default settings: connected, direct, how fast. */
async function measureSessions(runs: number, spec: LabSpec, clients: readonly string[], label: string): Promise<string> {
  const times: number[] = [];
  let direct = 0;
  await withLab(spec, async (lab) => {
    const server = await startLabServer(lab, ['--relays-per-ip', '50']);
    for (let i = 0; i < runs; i++) {
      const run = await runSession(lab, server.key, 'h1', clients, { timeout: 30, until: 'connected' });
      if (run.secondsToConnect === null) continue;
      times.push(run.secondsToConnect * 1000);
      // Direct: every player named its path to each of its peers (host: each client; client: the host), none the relay.
      const paths = [run.host, ...run.clients].flatMap((p) => p.eventsNamed('peer_path').map((e) => String(e.path)));
      if (paths.length >= 2 * clients.length && !paths.includes('relay')) direct++;
    }
    await stopLabServer(server);
  });
  times.sort((a, b) => a - b);
  const stats = times.length ? `p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms` : 'no run connected';
  const peers = clients.length === 1 ? 'both ENet peers' : `all ${clients.length + 1} ENet peers`;
  return `${label}\n  to ${peers} connected: ${times.length}/${runs}, ${direct}/${runs} without the relay; ${stats}`;
}

/** Birthday probing from a hard random host (`hardhost`), or towards two hard clients at once (`twohard`). */
async function measureProbing(runs: number, which: 'hardhost' | 'twohard'): Promise<string> {
  const times: number[] = [];
  let direct = 0;
  const routers = which === 'hardhost'
    ? [{ name: 'r1', nat: 'random' as const, hosts: ['s1'] }, { name: 'r2', nat: 'preserving' as const, hosts: ['s2'] }]
    : [{ name: 'r1', nat: 'preserving' as const, hosts: ['h1'] }, { name: 'r2', nat: 'random' as const, hosts: ['c1'] }, { name: 'r3', nat: 'random' as const, hosts: ['c2'] }];
  await withLab({ routers }, async (lab) => {
    const server = await startLabServer(lab, ['--relays-per-ip', '50']);
    for (let i = 0; i < runs; i++) {
      const run: SessionRun = which === 'hardhost'
        ? await runRandomHardHost(lab, server.key, 's1', 's2', { timeout: 30, until: 'connected', managed: true })
        : await runSession(lab, server.key, 'h1', ['c1', 'c2'], { timeout: 30, until: 'connected' });
      if (run.secondsToConnect === null) continue;
      times.push(run.secondsToConnect * 1000);
      if (![run.host, ...run.clients].some((p) => p.eventsNamed('peer_path').some((e) => e.path === 'relay'))) direct++;
    }
    await stopLabServer(server);
  });
  times.sort((a, b) => a - b);
  const label = which === 'hardhost'
    ? 'random session, the stranger behind a port-randomising NAT hosts, the other behind a port-preserving one (birthday probing from the host)'
    : 'host behind a port-preserving NAT, two clients behind port-randomising ones (both probed at once)';
  const stats = times.length ? `p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms` : 'no run connected';
  return `${label}\n  to every ENet peer connected: ${times.length}/${runs}, ${direct} without the relay; ${stats}`;
}
/** One way on each home's WAN link: the server is two of these away (a round trip of 60 ms), the other player four (120 ms). */
const WAN_DELAY_MS = 30;
/** A realistic home link: a little loss and duplication, and jitter. */
const REALISTIC: Impairment = { loss: 0.02, duplicate: 0.01, delayMs: WAN_DELAY_MS, jitterMs: 10 };

/**
 * The steps of a session, from the host's host_session: the host's code (HS answered), the hole
 * punched (the joiner's first peer_path: the code passed on, JS answered, NJ to the host, pings
 * both ways), the handover (start_client), ENet connected on the joiner, and the host's first RPC
 * reaching it.
 */
const STEPS: ReadonlyArray<[label: string, at: (run: SessionRun) => number | undefined]> = [
  ['code (HS to HR)', (run) => run.host.eventsNamed('start_session')[0]?.wall],
  ['punched', (run) => run.clients[0]!.eventsNamed('peer_path')[0]?.wall],
  ['handover', (run) => run.clients[0]!.eventsNamed('start_client')[0]?.wall],
  ['ENet connected', (run) => run.clients[0]!.eventsNamed('enet_connected')[0]?.wall],
  ['first RPC', (run) => run.clients[0]!.eventsNamed('rpc_pong')[0]?.wall ?? run.clients[0]!.eventsNamed('done')[0]?.wall],
];

/**
 * Sessions through two port-preserving NATs whose WAN links carry [impair]: time to connect, and
 * the median of each step after the one before, in milliseconds and in round trips between the
 * players ([WAN_DELAY_MS] four times over).
 */
async function measureSteps(runs: number, impair: Impairment, label: string): Promise<string> {
  const peerRtt = 4 * impair.delayMs;
  const times: number[] = [];
  const steps: number[][] = STEPS.map(() => []);
  await withLab({ routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'preserving', hosts: ['c1'] }], impair }, async (lab) => {
    const server = await startLabServer(lab);
    for (let i = 0; i < runs; i++) {
      const run = await runSession(lab, server.key, 'h1', ['c1'], { timeout: 30, until: 'connected', managed: true });
      if (run.secondsToConnect === null) continue;
      times.push(run.secondsToConnect * 1000);
      let before = run.host.eventsNamed('begin')[0]?.wall;
      STEPS.forEach(([, at], k) => {
        const when = at(run);
        if (before !== undefined && when !== undefined) steps[k]!.push((when - before) * 1000);
        before = when ?? before;
      });
    }
    await stopLabServer(server);
  });
  times.sort((a, b) => a - b);
  const rtts = (ms: number) => `${(ms / peerRtt).toFixed(1)} RTT`;
  const stats = times.length ? `p50 ${percentile(times, 50).toFixed(0)} ms (${rtts(percentile(times, 50))}), p95 ${percentile(times, 95).toFixed(0)} ms (${rtts(percentile(times, 95))})` : 'no run connected';
  const lines = STEPS.map(([name], k) => {
    const sorted = steps[k]!.sort((a, b) => a - b);
    return sorted.length ? `    ${name}: +${percentile(sorted, 50).toFixed(0)} ms (${rtts(percentile(sorted, 50))}), p95 +${percentile(sorted, 95).toFixed(0)} ms` : `    ${name}: none`;
  });
  return [`${label}; the players' round trip (RTT) ${peerRtt} ms, the server's ${peerRtt / 2} ms`,
    `  to both ENet peers connected: ${times.length}/${runs}; ${stats}`, '  each step after the one before, median and p95:', ...lines].join('\n');
}

/** The clean direct cases, all port-preserving NATs, by the name figures.ts takes for each. */
const CONE_CASES: Record<string, { spec: LabSpec; clients: string[]; label: string }> = {
  'two-nats': {
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'preserving', hosts: ['c1'] }] },
    clients: ['c1'], label: 'two port-preserving NATs, clean',
  },
  'same-nat': {
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1', 'c1'] }] },
    clients: ['c1'], label: 'host and client behind the same port-preserving NAT, clean',
  },
  public: {
    spec: { publicHosts: ['h1'], routers: [{ name: 'r1', nat: 'preserving', hosts: ['c1'] }] },
    clients: ['c1'], label: 'host with a public address, client behind a port-preserving NAT, clean',
  },
  'four-players': {
    spec: { routers: ['h1', 'c1', 'c2', 'c3'].map((host, i) => ({ name: `r${i + 1}`, nat: 'preserving' as const, hosts: [host] })) },
    clients: ['c1', 'c2', 'c3'], label: 'a host and three clients, each behind its own port-preserving NAT, clean',
  },
};

async function main(): Promise<void> {
  const why = labUnavailable();
  if (why) throw new Error(why);
  removeOrphans();
  preparePlayers();
  const runs = Number(process.argv[2] ?? 20);
  const which = process.argv[3] ?? 'all';
  if (which === 'nat') {
    console.log(await measurePlan(runs, 'preserving', 'random', 'client behind a port-randomising NAT, host behind a port-preserving one (birthday probing)'));
    console.log(await measurePlan(runs, 'random', 'random', 'port-randomising NATs on both sides (the relay at once)'));
    return;
  }
  if (which === 'rtt' || which === 'realistic') {
    console.log(which === 'rtt'
      ? await measureSteps(runs, { loss: 0, duplicate: 0, delayMs: WAN_DELAY_MS, jitterMs: 0 }, `two port-preserving NATs, ${WAN_DELAY_MS} ms each way on each WAN link, no loss`)
      : await measureSteps(runs, REALISTIC, `two port-preserving NATs, realistic links (${REALISTIC.loss * 100}% loss, ${REALISTIC.duplicate * 100}% duplication, ${REALISTIC.delayMs}±${REALISTIC.jitterMs} ms)`));
    return;
  }
  if (which === 'hardhost' || which === 'twohard') {
    console.log(await measureProbing(runs, which));
    return;
  }
  const cones = which === 'cone' ? Object.keys(CONE_CASES) : which in CONE_CASES ? [which] : [];
  if (cones.length) {
    for (const name of cones) {
      const c = CONE_CASES[name]!;
      console.log(await measureSessions(runs, c.spec, c.clients, c.label));
    }
    return;
  }
  if (which === 'late') {
    console.log(await measureLateJoiners(runs, 'random'));
    console.log(await measureLateJoiners(runs, 'preserving'));
    return;
  }
  if (which === 'birthday') {
    for (const probes of [256, 1024]) console.log(await measureBirthday(runs, probes));
    return;
  }
  console.log(`host_session to both ENet peers connected, ${runs} runs each`);
  if (which !== 'relay') {
    console.log(await measure(runs));
    console.log(await measure(runs, IMPAIRED));
  }
  if (which !== 'direct') console.log(await measure(runs, undefined, true));
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
