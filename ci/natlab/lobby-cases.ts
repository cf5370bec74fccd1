/**
 * The public lobby list from behind NATs: two hosts publish their sessions (different modes), a
 * player behind a NAT of its own lists the mode it wants, finds the one host among the two, and
 * joins it with the short code the list gives, as a lobby screen does.
 */
import { type Case, expect } from './expectations.ts';
import { type Lab, SERVER_IP } from './lab.ts';
import { SERVER_PORT, startLabPlayer } from './sessions.ts';

export const LOBBY_CASES: Case[] = [{
  name: '9a. a listed lobby found and joined from behind NATs: two hosts publish, a player lists its mode and joins the right one by short code',
  spec: { routers: [{ name: 'r1', nat: 'preserving', hosts: ['h1'] }, { name: 'r2', nat: 'preserving', hosts: ['c1'] }, { name: 'r3', nat: 'preserving', hosts: ['c2'] }] },
  run: async (lab: Lab) => {
    const server = `${SERVER_IP}:${SERVER_PORT}`;
    const players = [];
    try {
      const other = startLabPlayer(lab, 'c2', { role: 'host', alias: 'olga', server, publish: 'Other game', mode: 'ffa', timeout: 30 });
      const host = startLabPlayer(lab, 'h1', { role: 'host', alias: 'hana', server, publish: 'Friday fun', mode: 'ctf', expectPeers: 1, timeout: 30 });
      players.push(other, host);
      expect((await host.waitForEvent('published', 20_000)).result === 'OK', 'the host published its session');
      await other.waitForEvent('published', 20_000);
      const player = startLabPlayer(lab, 'c1', { role: 'list', alias: 'lee', server, mode: 'ctf', timeout: 30 });
      players.push(player);
      const codes = await Promise.all([host.exited, player.exited]);
      expect(codes.every((c) => c === 0), `exit codes ${codes.join(',')}\nhost:\n${host.tail(15)}\nplayer:\n${player.tail(15)}`);
      const page = player.eventsNamed('sessions_listed').find((e) => (e.sessions as unknown[]).length > 0);
      const listed = (page?.sessions ?? []) as Array<Record<string, unknown>>;
      const started = host.eventsNamed('start_session')[0]!;
      expect(listed.length === 1 && listed[0]!.short_code === started.short_code && listed[0]!.name === 'Friday fun',
        `the list held the ctf host alone: ${JSON.stringify(listed)}`);
      expect(host.eventsNamed('player_joined').map((e) => e.alias).join() === 'lee', 'the host saw the player join');
      expect(host.eventsNamed('enet_connected').some((e) => e.peer_address === lab.wan('r2')), `the host's ENet saw the player at its NAT's address ${lab.wan('r2')}`);
      expect(host.eventsNamed('rpc_pong').length === 1, 'RPCs both ways');
    } finally {
      for (const p of players) p.kill();
    }
  },
}];
