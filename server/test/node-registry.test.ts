/** Relay nodes in a real Redis: picked by room, their region first, and gone within the stated bound once they stop refreshing. */
import { describe, expect, it } from 'vitest';
import { deregisterNode, listNodes, NodeAnnouncer, pickNode, registerNode, type RelayNodeEntry } from '../src/cluster/node-registry.ts';
import { redisPerFile } from './support/redis-server.ts';

const shared = redisPerFile();

const node = (id: string, over: Partial<RelayNodeEntry> = {}): RelayNodeEntry => ({
  id, publicIp: '192.0.2.1', ports: [7789, 7790], region: 'eu', capacity: 100, load: 0, ...over,
});

describe('relay node registry', () => {
  it('spreads grants over the nodes by load, counting grants made since the last refresh', async () => {
    await registerNode(shared.link.commands, node('a'));
    await registerNode(shared.link.commands, node('b', { load: 4 }));
    const picks: string[] = [];
    for (let i = 0; i < 12; i++) picks.push((await pickNode(shared.link.commands))!.id);
    // a takes the first four (b holds four already), then they alternate.
    expect(picks.filter((id) => id === 'a')).toHaveLength(8);
    expect(picks.filter((id) => id === 'b')).toHaveLength(4);
  });

  it('prefers a node in the asker\'s region while one there has room, and never picks a full node', async () => {
    await registerNode(shared.link.commands, node('eu1', { region: 'eu', capacity: 2 }));
    await registerNode(shared.link.commands, node('ap1', { region: 'ap', capacity: 2, load: 1 }));
    expect((await pickNode(shared.link.commands, 'ap'))!.id).toBe('ap1');
    expect((await pickNode(shared.link.commands, 'ap'))!.id).toBe('eu1'); // ap1 is full now.
    expect((await pickNode(shared.link.commands, 'ap'))!.id).toBe('eu1');
    expect(await pickNode(shared.link.commands, 'ap')).toBeNull();
  });

  it('never picks the node a rebind moves off, preferred or the least loaded', async () => {
    await registerNode(shared.link.commands, node('silent'));
    await registerNode(shared.link.commands, node('other', { load: 50 }));
    for (let i = 0; i < 3; i++) {
      expect((await pickNode(shared.link.commands, '', ['silent'], 'silent'))!.id).toBe('other');
      expect((await pickNode(shared.link.commands, '', [], 'silent'))!.id).toBe('other');
    }
    // The control: the least loaded by far, it is picked when not excluded.
    expect((await pickNode(shared.link.commands, '', [], 'other'))!.id).toBe('silent');
  });

  it('a node that stops refreshing drops out within its lifetime; one that drains leaves at once', async () => {
    await registerNode(shared.link.commands, node('dying'), 300);
    await registerNode(shared.link.commands, node('draining'));
    await registerNode(shared.link.commands, node('alive'), 10_000);
    await deregisterNode(shared.link.commands, 'draining');
    expect((await listNodes(shared.link.commands)).map((n) => n.id).sort()).toEqual(['alive', 'dying']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await listNodes(shared.link.commands)).map((n) => n.id)).toEqual(['alive']);
    for (let i = 0; i < 3; i++) expect((await pickNode(shared.link.commands))!.id).toBe('alive');
  });

  it('an announcer refreshes its node\'s load while it runs, and takes it out when it stops', async () => {
    let load = 3;
    const announcer = new NodeAnnouncer(shared.link.commands, () => node('n', { load }), 50, 300);
    await announcer.start();
    expect((await listNodes(shared.link.commands))[0]!.load).toBe(3);
    load = 7;
    await new Promise((resolve) => setTimeout(resolve, 400)); // Past one lifetime: alive only because it was refreshed.
    expect((await listNodes(shared.link.commands)).map((n) => n.load)).toEqual([7]);
    await announcer.stop();
    expect(await listNodes(shared.link.commands)).toEqual([]);
  });
});
