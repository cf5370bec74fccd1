/**
 * A joiner holds a peer slot only while it keeps asking: once it has sent nothing for
 * --join-window, its slot goes to the next joiner that needs one. A joiner that resends JS keeps it.
 */
import { describe, expect, it } from 'vitest';
import { decodeKey } from '../src/generated/protocol.ts';
import { closeAfterEach, LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';

closeAfterEach();
let running: Running;
const client = (address?: string): Promise<UdpClient> => UdpClient.open(address);

describe('peer slots', () => {
  it('one-datagram joiners do not hold a session full while its host is alive', async () => {
    running = await startTestServer({ maxPeers: 2, joinWindowMs: 15_000 });
    const host = await client();
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    // Given two griefers that joined once, and one that keeps re-sending JS
    const [stays, goes] = [await client(), await client()];
    await stays.request(running.address, `JS:${LOCAL_KEY}:${id}`);
    await goes.request(running.address, `JS:${LOCAL_KEY}:${id}`);
    const player = await client();
    expect(await player.request(running.address, `JS:${LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
    running.clock.now += 10_000;
    await settle(running, host, `KA:${id}`); // The host is alive (an original one keeps alive every second).
    await stays.request(running.address, `JS:${LOCAL_KEY}:${id}`);
    // When the silent one's window has passed
    running.clock.now += 6_000;
    await settle(running, host, `KA:${id}`);
    // Then the player takes its slot, and the one that kept asking keeps its own
    expect((await player.request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
    const peers = [...running.server.store.get(id)!.peers.keys()];
    expect(peers.sort()).toEqual([stays.key, player.key].sort());
    expect(await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
  });

  it('logs at most --max-peers joins a session, however many slots are reclaimed', async () => {
    running = await startTestServer({ maxPeers: 2, joinWindowMs: 1_000 });
    const host = await client();
    const [hr] = await host.request(running.address, `HS:${LOCAL_KEY}`);
    const id = hr!.split(':')[2]!;
    for (let i = 0; i < 8; i++) {
      running.clock.now += 2_000;
      expect((await (await client()).request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]).toMatch(/^JR:/);
    }
    expect(running.events.filter((e) => e.event === 'joined')).toHaveLength(2);
    expect(running.server.stats.slotsReclaimed).toBe(6);
  });

  it('past --max-joiners in all sessions, a new joiner takes a silent joiner\'s slot of its session, or is refused', async () => {
    running = await startTestServer({ maxPeers: 32, maxJoiners: 2, joinWindowMs: 15_000 });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await (await client()).request(running.address, `HS:${LOCAL_KEY}`))[0]!.split(':')[2]!);
    await (await client()).request(running.address, `JS:${LOCAL_KEY}:${ids[0]}`);
    await (await client()).request(running.address, `JS:${LOCAL_KEY}:${ids[1]}`);
    expect(await (await client()).request(running.address, `JS:${LOCAL_KEY}:${ids[0]}`)).toEqual([`BK:${ids[0]}`]);
    running.clock.now += 16_000;
    expect((await (await client()).request(running.address, `JS:${LOCAL_KEY}:${ids[0]}`))[0]).toMatch(/^JR:/);
    expect(running.server.store.joiners).toBe(2);
  });

  it('joiners of one /24 that keep resending JS give way to players from other networks, down to a fair share', async () => {
    running = await startTestServer({ maxPeers: 4, joinWindowMs: 15_000 });
    const host = await client();
    const id = (await host.request(running.address, `HS:${LOCAL_KEY}`))[0]!.split(':')[2]!;
    // Given four joiners of one /24 holding every slot, and never silent
    for (let i = 0; i < 4; i++) await (await client(`127.0.5.${i + 1}`)).request(running.address, `JS:${LOCAL_KEY}:${id}`);
    // When players from four other networks join
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push((await (await client(`127.0.${6 + i}.1`)).request(running.address, `JS:${LOCAL_KEY}:${id}`))[0]!);
    // Then three get in (each taking a slot of the /24), and the fourth finds every network at one slot
    expect(answers.map((a) => a.slice(0, 2))).toEqual(['JR', 'JR', 'JR', 'BK']);
    const nets = [...running.server.store.get(id)!.peers.keys()].map((k) => decodeKey(k)!.address.split('.')[2]);
    expect(nets.sort()).toEqual(['5', '6', '7', '8']);
  });
});
