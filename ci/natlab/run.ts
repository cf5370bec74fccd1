/**
 * The NAT lab test cases: real NATs in network namespaces, the real server, headless Godot.
 * Prints one line per case and ends with `N passed, N failed`. Skips (and says why) when it
 * cannot build namespaces here. Usage: `node --import tsx ci/natlab/run.ts [case-name-filter]`.
 */
import { type Impairment, labUnavailable, type LabSpec, type NatKind, removeOrphans, SERVER_IP, withLab } from './lab.ts';
import {
  type Case, expect, expectClientsConnectedTo, expectConnected, expectDirect, expectHostSaw, expectRelayed, expectWithin, goal, IMPAIRED, IMPAIRED_BOUND,
} from './expectations.ts';
import { NAT_CASES, NAT_CHECKS, probed } from './nat-cases.ts';
import { preparePlayers } from '../harness/prepare.ts';
import { gameCases } from './game-cases.ts';
import { LOBBY_CASES } from './lobby-cases.ts';
import { RELAY_NODE_CASES } from './relay-node-cases.ts';
import { runRandom, runSession, type SessionRun, startLabServer, stopLabServer } from './sessions.ts';

export { type Case, IMPAIRED };

const twoNats = (impair?: Impairment): LabSpec => ({
  routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'preserving', hosts: ['c1'] }], impair,
});
const sameNat = (impair?: Impairment): LabSpec => ({ routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1', 'c1'] }], impair });
const publicHost = (impair?: Impairment): LabSpec => ({ publicHosts: ['h1'], routers: [{ name: 'r1', nat: 'preserving', hosts: ['c1'] }], impair });
const fourNats = (impair?: Impairment): LabSpec => ({
  routers: ['h1', 'c1', 'c2', 'c3'].map((host, i) => ({ name: `r${i + 1}`, nat: 'preserving' as const, hosts: [host] })), impair,
});

function coneCases(suffix: string, impair?: Impairment): Case[] {
  // Every clean cone case connects directly: a relay there would mean punching broke. (On an
  // impaired link a peer may go unheard past punch_timeout now and then; case 1 still asserts it.)
  const directInTime = (run: SessionRun) => {
    if (impair) expectWithin(run, IMPAIRED_BOUND);
    else expectDirect(run);
  };
  const { until, timeout, check } = goal(impair);
  return [
    {
      name: `1. two port-preserving NATs${suffix}`, spec: twoNats(impair),
      run: async (lab, key) => {
        const run = await runSession(lab, key, 'h1', ['c1'], { timeout, until });
        check(run);
        expectHostSaw(run, [lab.wan('r2')]);
        expectClientsConnectedTo(run, lab.wan('r1'));
        expectDirect(run);
        directInTime(run);
      },
    },
    {
      name: `2. host and client behind the same NAT: the LAN path${suffix}`, spec: sameNat(impair),
      run: async (lab, key) => {
        const run = await runSession(lab, key, 'h1', ['c1'], { timeout, until });
        check(run);
        expectHostSaw(run, [lab.address('c1')]);
        expectClientsConnectedTo(run, lab.address('h1'));
        directInTime(run);
      },
    },
    {
      name: `3. host on the public segment, client behind a NAT${suffix}`, spec: publicHost(impair),
      run: async (lab, key) => {
        const run = await runSession(lab, key, 'h1', ['c1'], { timeout, until });
        check(run);
        expectHostSaw(run, [lab.wan('r1')]);
        expectClientsConnectedTo(run, lab.address('h1'));
        directInTime(run);
      },
    },
    {
      name: `4. one host and three clients, each behind its own NAT${suffix}`, spec: fourNats(impair),
      run: async (lab, key) => {
        const run = await runSession(lab, key, 'h1', ['c1', 'c2', 'c3'], { timeout, until });
        check(run);
        expectHostSaw(run, [lab.wan('r2'), lab.wan('r3'), lab.wan('r4')]);
        expectClientsConnectedTo(run, lab.wan('r1'));
        directInTime(run);
      },
    },
  ];
}

/**
 * Port-randomising NATs with relays off: punching alone cannot connect; both sides must say so, in
 * time. With the probe port off too the NAT types stay unknown and the pair punches for
 * punch_timeout first; with it on, two port-randomising NATs ask for the (missing) relay at once.
 */
function randomCase(name: string, hostNat: 'preserving' | 'random', probePort: 'off' | 'on'): Case {
  const punchTimeout = 3;
  const punched = probePort === 'off' ? punchTimeout : 0;
  return {
    name, spec: { routers: [{ name: 'r1', nat: hostNat, hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    server: ['--relay-ports', 'off', ...(probePort === 'off' ? ['--probe-port', 'off'] : [])],
    run: async (lab, key) => {
      const run = await runSession(lab, key, 'h1', ['c1'], { punchTimeout, timeout: 20 });
      for (const p of [run.host, ...run.clients]) {
        const failed = p.eventsNamed('punch_failed');
        expect(p.child.exitCode === 3 && failed.length === 1, `${p.label} should end in punch_failed:\n${p.tail(12)}`);
        expect(p.eventsNamed('enet_connected').length === 0, `${p.label} connected, which punching alone cannot do here`);
        const started = p.eventsNamed('start_session')[0]!.wall;
        const waited = failed[0]!.wall - started;
        // punch_timeout (unless the plan is the relay at once), then relay_timeout (5 s) spent asking a server that has no relays
        expect(waited >= punched + 4.8 && waited < punched + 7, `${p.label} gave up after ${waited.toFixed(2)} s`);
      }
    },
  };
}

/**
 * Port-randomising NATs with relays on: the pair connects through the server's relay. With
 * [noNatDiagnosis] the players punch first and ask for the relay after punch_timeout, as before
 * NAT traversal (a port-preserving host would otherwise reach the client by birthday probing).
 */
function relayCase(name: string, hostNat: NatKind, clientNat: NatKind, impair?: Impairment, noNatDiagnosis = false): Case {
  return {
    name, spec: { routers: [{ name: 'r1', nat: hostNat, hosts: ['h1'] }, { name: 'r2', nat: clientNat, hosts: ['c1'] }], impair },
    run: async (lab, key) => {
      const { until, timeout, check } = goal(impair);
      const run = await runSession(lab, key, 'h1', ['c1'], { punchTimeout: 2, timeout, until, noNatDiagnosis });
      check(run);
      expectHostSaw(run, [SERVER_IP]);
      expectClientsConnectedTo(run, SERVER_IP);
      expectRelayed(run, 1);
      if (impair) expectWithin(run, IMPAIRED_BOUND);
    },
  };
}

/** Two strangers paired at random, one or both behind port-randomising NATs: through the relay. */
function randomRelayCase(name: string, firstNat: NatKind, secondNat: NatKind, noNatDiagnosis = false): Case {
  return {
    name, spec: { routers: [{ name: 'r1', nat: firstNat, hosts: ['s1'] }, { name: 'r2', nat: secondNat, hosts: ['s2'] }] },
    run: async (lab, key) => {
      const run = await runRandom(lab, key, ['s1', 's2'], { punchTimeout: 2, timeout: 20, noNatDiagnosis });
      expectConnected(run);
      expectHostSaw(run, [SERVER_IP]);
      expectClientsConnectedTo(run, SERVER_IP);
      expectRelayed(run, 1);
    },
  };
}

/**
 * A host with three clients behind port-randomising NATs and one behind a port-preserving NAT:
 * three relays, each on its own relay port (the host's ENet tells peers apart by address), and
 * one direct path.
 */
const mixedCase: Case = {
  name: '5i. one host, three clients through the relay and one direct, without NAT diagnosis: all four connect',
  spec: {
    routers: [
      { name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] },
      { name: 'r3', nat: 'random', hosts: ['c2'] }, { name: 'r4', nat: 'random', hosts: ['c3'] }, { name: 'r5', nat: 'preserving', hosts: ['c4'] },
    ],
  },
  run: async (lab, key) => {
    const run = await runSession(lab, key, 'h1', ['c1', 'c2', 'c3', 'c4'], { punchTimeout: 2, timeout: 25, noNatDiagnosis: true });
    expectConnected(run);
    expectHostSaw(run, [SERVER_IP, lab.wan('r5')]);
    expectRelayed(run, 3);
    const direct = run.clients[3]!;
    expect(direct.eventsNamed('start_client')[0]?.ip === lab.wan('r1'), `the direct client connected to ${String(direct.eventsNamed('start_client')[0]?.ip)}`);
  },
};

export const CASES: Case[] = [
  ...coneCases(''),
  relayCase('5a. joiner behind a port-randomising NAT, without NAT diagnosis: connects through the relay', 'preserving', 'random', undefined, true),
  relayCase('5b. port-randomising NATs on both sides: connects through the relay', 'random', 'random'),
  relayCase('5f. host behind a port-randomising NAT: connects through the relay', 'random', 'preserving'),
  // With NAT diagnosis the pair goes direct by birthday probing, whichever stranger the server
  // makes the host (7f): 5g tests the relay.
  randomRelayCase('5g. random session, one stranger behind a port-randomising NAT, without NAT diagnosis: through the relay', 'preserving', 'random', true),
  randomRelayCase('5h. random session, both strangers behind port-randomising NATs: through the relay', 'random', 'random'),
  mixedCase,
  randomCase('5c. relays and probe port off, port-randomising NAT on one side: clear punch_failed on both', 'preserving', 'off'),
  randomCase('5d. relays off, port-randomising NATs on both sides: clear punch_failed on both, the relay asked at once', 'random', 'on'),
  {
    name: '5j. relays off, port-randomising client, port-preserving host: direct by birthday probing (the probe port stays on)',
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    server: ['--relay-ports', 'off'],
    run: async (lab, key) => {
      const run = await probed(() => runSession(lab, key, 'h1', ['c1'], { timeout: 20 }));
      expectConnected(run);
      expectDirect(run);
      expectClientsConnectedTo(run, lab.wan('r1'));
    },
  },
  ...RELAY_NODE_CASES,
  ...LOBBY_CASES,
  ...NAT_CHECKS,
  ...NAT_CASES,
  ...coneCases(' (20% loss, 5% duplication, 30±10 ms delay)', IMPAIRED),
  relayCase('5e. port-randomising NAT, without NAT diagnosis, through the relay (20% loss, 5% duplication, 30±10 ms delay)', 'preserving', 'random', IMPAIRED, true),
  ...gameCases(IMPAIRED),
];

async function main(): Promise<number> {
  const why = labUnavailable();
  if (why) {
    console.log(`skipped: ${why}`);
    console.log('0 passed, 0 failed');
    return 0;
  }
  removeOrphans();
  preparePlayers();
  const filter = process.argv[2] ?? '';
  let passed = 0;
  let failed = 0;
  for (const c of CASES.filter((k) => k.name.includes(filter))) {
    const started = Date.now();
    try {
      await withLab(c.spec, async (lab) => {
        await c.before?.(lab);
        const server = await startLabServer(lab, c.server);
        try {
          await c.run(lab, server.key);
        } finally {
          await stopLabServer(server).catch(() => undefined);
        }
      });
      passed++;
      console.log(`  ok   ${c.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      console.log(`  FAIL ${c.name}\n${(error as Error).message}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
