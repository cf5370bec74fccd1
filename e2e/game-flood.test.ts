/**
 * A stranger floods a running game's port with ENet connect requests: the real server, a headless
 * Godot host whose node owns ENet and keeps its session open, a player in its game, a late joiner,
 * and the stranger's own UDP socket.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enetConnectRequest } from '../ci/harness/enet.ts';
import { type Player, startPlayer, startServer } from '../ci/harness/processes.ts';
import { UdpClient } from '../ci/harness/udp-client.ts';

const running: Array<{ kill(): void }> = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** More than the 32 slots of the host's ENet server. */
const FLOOD = 40;

describe('a running game under a flood of ENet connect requests', () => {
  it('lets a late joiner in within seconds and sends the stranger nothing', async () => {
    // Given a host whose game runs with one player and keeps its session open
    const server = await startServer();
    running.push(server.process);
    const dir = mkdtempSync(join(tmpdir(), 'shp-flood-'));
    dirs.push(dir);
    const sessionFile = join(dir, 'session');
    const host = startPlayer({ role: 'host', alias: 'hana', serverKey: server.key, expectPeers: 1, latePeers: 1, timeout: 40 });
    const first = startPlayer({ role: 'join', alias: 'jo', sessionFile, managed: true, timeout: 40 });
    running.push(host, first);
    const code = String((await host.waitForEvent('start_session', 20_000)).key);
    writeFileSync(sessionFile, code);
    await host.waitForEvent('rpc_pong', 20_000);
    const gamePort = Number(host.eventsNamed('start_server')[0]!.port);
    // When a stranger sends connect requests to the game's port, a burst of new connections every
    // second, from one socket
    const stranger = await UdpClient.open();
    running.push({ kill: () => stranger.close() });
    let next = 0;
    const burst = () => { for (let i = 0; i < FLOOD; i++) stranger.send({ address: '127.0.0.1', port: gamePort }, enetConnectRequest(0x5000 + next++)); };
    burst();
    const bursts = setInterval(burst, 1000);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // ENet has read them.
    try {
      // And a player joins the running game with the same code
      const late = startPlayer({ role: 'join', alias: 'kim', session: code, managed: true, timeout: 30 });
      running.push(late);
      const exits = await Promise.all([host, first, late].map((p: Player) => p.exited));
      expect(exits, `exit codes; host:\n${host.tail(15)}\nlate:\n${late.tail(15)}`).toEqual([0, 0, 0]);
      // Then the late joiner came in as without the flood, the stranger never did, and the host
      // sent it nothing
      const handover = late.eventsNamed('start_client')[0]!.wall;
      const connected = late.eventsNamed('game_connected')[0]!.wall;
      console.log(`late joiner under ${next} connect requests: handover to game_connected ${((connected - handover) * 1000).toFixed(0)} ms; datagrams to the stranger: ${stranger.arrivals.length}`);
      expect(connected - handover).toBeLessThan(5);
      expect(host.eventsNamed('enet_connected')).toHaveLength(2);
      expect(host.eventsNamed('player_joined').map((e) => e.alias)).toEqual(['jo', 'kim']);
      expect(stranger.arrivals.length).toBe(0);
    } finally {
      clearInterval(bursts);
    }
  });
});
