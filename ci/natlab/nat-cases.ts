/** Lab cases for NAT traversal: the diagnosis, birthday probing, the relay at once, IPv6. */
import { birthday, checkDiagnosis, checkIpv6Firewall } from './nat-checks.ts';
import { expectGameOnWinner, runRandomHardHost } from './nat-probing.ts';
import {
  type Case, expectClientsConnectedTo, expectConnected, expectDirect, expect, expectHostSaw, expectNat, expectRelayed, expectWithin, paths, sameIpv6,
} from './expectations.ts';
import { runSession, type SessionRun } from './sessions.ts';

/**
 * Birthday probing misses by design about once in 50 per pair (256 mappings, 1,024 probes), and
 * the pair then takes the relay (or, with relays off, fails to punch), which other cases test: a
 * second session is allowed when the first one relayed or failed. Two misses in a row are about
 * 1 in 2,500 per pair; probing that never works fails both.
 */
export async function probed(session: () => Promise<SessionRun>): Promise<SessionRun> {
  const first = await session();
  return paths(first).includes('relay') || first.codes.some((code) => code !== 0) ? session() : first;
}

export const NAT_CASES: Case[] = [
  {
    name: '7a. every player reports the NAT type of its router (open, port-preserving, port-randomising)',
    spec: { publicHosts: ['h1'], routers: [{ name: 'r1', nat: 'preserving', hosts: ['c1'] }, { name: 'r2', nat: 'random', hosts: ['c2'] }] },
    run: async (lab, key) => {
      const run = await probed(() => runSession(lab, key, 'h1', ['c1', 'c2'], { timeout: 20 }));
      expectConnected(run);
      expectNat(run, { 'host@h1': 'open', 'client1@c1': 'port_preserving', 'client2@c2': 'port_randomising' });
    },
  },
  {
    name: '7b. client behind a port-randomising NAT, host behind a port-preserving one: direct by birthday probing',
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    run: async (lab, key) => {
      const run = await probed(() => runSession(lab, key, 'h1', ['c1'], { timeout: 20 }));
      expectConnected(run);
      expectDirect(run);
      expectNat(run, { 'host@h1': 'port_preserving', 'client1@c1': 'port_randomising' });
      expectClientsConnectedTo(run, lab.wan('r1'));
      expectWithin(run, 3);
    },
  },
  {
    name: '7c. port-randomising NATs on both sides: the relay at once, not after punch_timeout',
    spec: { routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    run: async (lab, key) => {
      const run = await runSession(lab, key, 'h1', ['c1'], { timeout: 20 });
      expectConnected(run);
      expectRelayed(run, 1);
      expectWithin(run, 1.5); // punch_timeout is 3 s: a relay asked for only after it would take longer.
    },
  },
  {
    // Debian's Godot links the system ENet, which cannot connect over IPv6: the node then keeps
    // IPv6 out of it (its game could not use the path) and relays at once. A Godot with the
    // bundled ENet takes the direct IPv6 path here.
    name: '7d. port-randomising IPv4 NATs on both sides, global IPv6 on both: connects (over IPv6 when ENet can use it, else relayed at once)',
    spec: { ipv6: true, routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    run: async (lab, key) => {
      const run = await runSession(lab, key, 'h1', ['c1'], { timeout: 20 });
      expectConnected(run);
      const seen = run.host.eventsNamed('enet_connected').map((e) => String(e.peer_address));
      if (!seen.some((s) => sameIpv6(s, lab.address6('c1')))) expectRelayed(run, 1);
      expectWithin(run, 1.5);
    },
  },
  {
    name: '7e. the same homes, IPv6 used although ENet cannot: punched over IPv6 on both sides, and the client handed the host\'s IPv6 address',
    spec: { ipv6: true, routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    run: async (lab, key) => {
      // ENet itself cannot connect over IPv6 with this Godot: only the punch and the handover are checked.
      const run = await runSession(lab, key, 'h1', ['c1'], { timeout: 4, ipv6WithoutEnet: true });
      expectDirect(run);
      for (const p of [run.host, ...run.clients]) {
        expect(p.eventsNamed('peer_path').some((e) => e.path === 'public'), `${p.label} never reached its peer: ${paths(run).join(', ')}`);
      }
      const handed = String(run.clients[0]!.eventsNamed('start_client')[0]?.ip);
      expect(sameIpv6(handed, lab.address6('h1')), `the client was handed ${handed}, not the host's IPv6 address ${lab.address6('h1')}`);
    },
  },
  {
    name: '7f. random session, the stranger behind a port-randomising NAT ends up host, the other behind a port-preserving one: direct by birthday probing, the host\'s game server on the winning socket\'s port',
    spec: { routers: [{ name: 'r1', nat: 'random', hosts: ['s1'] }, { name: 'r2', nat: 'preserving', hosts: ['s2'] }] },
    run: async (lab, key) => {
      const run = await probed(() => runRandomHardHost(lab, key, 's1', 's2', { timeout: 20, managed: true }));
      expectConnected(run);
      expectDirect(run);
      expectNat(run, { 'stranger1@s1': 'port_randomising', 'stranger2@s2': 'port_preserving' });
      expectHostSaw(run, [lab.wan('r2')]);
      expectClientsConnectedTo(run, lab.wan('r1'));
      await expectGameOnWinner(lab, run, 's1', 'r1', 'r2');
      expectWithin(run, 3);
    },
  },
  {
    name: '7g. host behind a port-preserving NAT, two clients behind port-randomising ones: both direct, probed at once',
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }, { name: 'r3', nat: 'random', hosts: ['c2'] }] },
    run: async (lab, key) => {
      const run = await probed(() => runSession(lab, key, 'h1', ['c1', 'c2'], { timeout: 20 }));
      expectConnected(run);
      expectDirect(run);
      expectHostSaw(run, [lab.wan('r2'), lab.wan('r3')]);
      expectClientsConnectedTo(run, lab.wan('r1'));
      expectWithin(run, 3.5); // One after the other, the second would take the relay after punch_timeout (3 s).
    },
  },
];

/** The same, with plain sockets: what the lab's routers do, before any node is involved. */
export const NAT_CHECKS: Case[] = [
  {
    name: '8a. NAT diagnosis (NP / NA) through each kind of router: one mapping behind port-preserving, two behind port-randomising, none on the public segment',
    spec: { publicHosts: ['p1'], routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    run: (lab) => checkDiagnosis(lab, [['p1', 'open'], ['h1', 'port_preserving'], ['c1', 'port_randomising']]),
  },
  {
    name: '8b. dual stack: each home firewall drops unsolicited IPv6, and a send from both sides gets through',
    spec: { ipv6: true, routers: [{ name: 'r1', nat: 'random', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    run: (lab) => checkIpv6Firewall(lab, 'h1', 'c1'),
  },
  {
    // Each attempt misses with probability (1 - 256/64512)^1024, about 2%: one of three must connect.
    name: '8c. birthday probing with plain sockets (256 mappings x 1,024 probes) through a port-randomising NAT against a port-preserving one',
    spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'random', hosts: ['c1'] }] },
    run: async (lab) => {
      for (let attempt = 0; attempt < 3; attempt++) if (await birthday(lab, 'h1', 'r1', 'c1', 'r2') !== null) return;
      throw new Error('three birthday attempts all missed');
    },
  },
];
