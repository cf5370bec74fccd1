/**
 * A host whose game runs keeps its session open for late joiners, and its relayed players come
 * and go: the relay of a player whose game ended (silent, where ENet would send every half
 * second) gives way to a new relayed player, instead of holding one of the host's relay ports
 * until it idles out 30 s later. Before the game, quiet relays keep their ports.
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_KEY, type Running, UdpClient } from './fixtures.ts';
import { bindBoth, grant, relayPerTest, settle } from './relay-fixtures.ts';

const { start } = relayPerTest();
const HOST_NONCE = 'cyahjcdumwwhrvyq';

/** A session hosted from [game] with its node linked from [link] when [running] is set (its game runs). */
async function hosted(r: Running, game: UdpClient, link: UdpClient, gameRuns: boolean): Promise<string> {
  const hr = await game.ask(r.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`);
  const id = hr.split(':')[2]!;
  if (gameRuns) await link.ask(r.address, `HL:${id}:${HOST_NONCE}`);
  return id;
}

/** [player] joins [id] and is relayed to the host's game socket; one datagram of game each way. */
async function relayedPlayer(r: Running, game: UdpClient, link: UdpClient, id: string, player: UdpClient) {
  const notified = [game, link].map((c) => c.received.length);
  await player.ask(r.address, `JS:${LOCAL_KEY}:${id}`);
  await Promise.race([game.nth(notified[0]!), link.nth(notified[1]!)]);
  const g = await grant(r, game, player, id);
  await bindBoth(game, player, g);
  await settle(r, player, g.b.relay, 'game');
  await settle(r, game, g.a.relay, 'game');
  return g;
}

async function fourGone(r: Running, gameRuns: boolean) {
  const game = await UdpClient.open();
  const link = await UdpClient.open();
  const id = await hosted(r, game, link, gameRuns);
  // Given four relayed players from four networks, every relay port of the host taken
  for (let n = 1; n <= 4; n++) await relayedPlayer(r, game, link, id, await UdpClient.open(`127.0.${10 + n}.1`));
  expect(r.server.relays.active).toBe(4);
  // And all four silent for 5 s (their games ended, or they wait before the game)
  r.clock.now += 5_000;
  await settle(r, game, r.address, `KA:${id}:${HOST_NONCE}`);
  return { game, link, id };
}

/** A fifth player of [id] and the host's [game] socket ask for a relay; none gives way to them. */
async function expectRefused(r: Running, game: UdpClient, id: string): Promise<void> {
  const fifth = await UdpClient.open('127.0.20.1');
  await fifth.ask(r.address, `JS:${LOCAL_KEY}:${id}`);
  await settle(r, game, r.address, `RQ:${id}:${fifth.key}`);
  await settle(r, fifth, r.address, `RQ:${id}:${game.key}`);
  expect(r.server.stats.relayDropped.get('host_ports_full')).toBe(1);
  expect(r.server.relays.active).toBe(4);
}

describe('a relay whose game ended', () => {
  // At the relay limits too (every relay the instance may hold, and every relay the host's address
  // may have, one of the host's four): the new player's relay takes the place of the one that gives way.
  for (const [title, limits] of [
    ['gives way to a new relayed player while the host\'s game runs', {}],
    ['gives way at the relay limits too', { maxRelays: 4, relaysPerIp: 4 }],
  ] as const) {
    it(title, async () => {
      const r = await start(limits);
      const { game, link, id } = await fourGone(r, true);
      // When a fifth player joins the running game and both sides ask for a relay
      const fifth = await UdpClient.open('127.0.20.1');
      const g = await relayedPlayer(r, game, link, id, fifth);
      // Then it gets one at once: a silent relay gave way
      const at = game.received.length;
      fifth.send(g.b.relay, 'hello');
      expect((await game.nth(at)).toString()).toBe('hello');
      expect(r.server.relays.active).toBe(4);
      expect(r.events.filter((e) => e.event === 'relay_closed').map((e) => e.fields.reason)).toEqual(['gave_way']);
    });
  }

  it('does not give way while it still carries a game', async () => {
    const r = await start();
    const game = await UdpClient.open();
    const link = await UdpClient.open();
    const id = await hosted(r, game, link, true);
    const grants = [];
    for (let n = 1; n <= 4; n++) grants.push(await relayedPlayer(r, game, link, id, await UdpClient.open(`127.0.${10 + n}.1`)));
    // Given four games that ran 5 s and still send
    r.clock.now += 5_000;
    for (const g of grants) await settle(r, game, g.a.relay, 'still playing');
    // When a fifth player asks for a relay, then none gives way: the host's ports are full
    await expectRefused(r, game, id);
  });

  it('keeps its port before the game, however quiet', async () => {
    const r = await start();
    const { game, id } = await fourGone(r, false);
    await expectRefused(r, game, id);
  });
});
