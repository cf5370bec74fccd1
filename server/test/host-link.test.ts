/**
 * HL, the host's link: a host of ours that keeps its session open while its game runs hands its
 * registered address to the game and talks to the server from another socket. Joiners still
 * punch to the registered address; NJ goes to the link; KA and CS count from it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_KEY, OTHER_LOCAL_KEY, type Running, settle, startTestServer, UdpClient } from './fixtures.ts';
import { relayPorts } from './relay-fixtures.ts';

const HOST_NONCE = 'cyahjcdumwwhrvyq';
const OTHER_NONCE = 'babxsmcomseatorb';

let running: Running;
const clients: UdpClient[] = [];

async function client(address?: string): Promise<UdpClient> {
  const c = await UdpClient.open(address);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running.server.close();
});

/** A session hosted from [game] (the address that will be the game's), and its id. */
async function hosted(game: UdpClient): Promise<string> {
  const [hr] = await game.request(running.address, `HS:${LOCAL_KEY}:${HOST_NONCE}`);
  const id = hr!.split(':')[2]!;
  game.send(running.address, `KA:${id}:${HOST_NONCE}`);
  return id;
}

describe('the host link (HL)', () => {
  it('moves NJ to the link while joiners still punch to the game\'s address', async () => {
    // Given a session hosted from the game's socket, and the host's node on a socket of its own
    running = await startTestServer();
    const game = await client();
    const link = await client();
    const joiner = await client('127.0.0.2');
    const id = await hosted(game);
    // When the node links from its own socket with the host's nonce
    expect(await link.request(running.address, `HL:${id}:${HOST_NONCE}`)).toEqual([`HR:${game.key}:${id}:${HOST_NONCE}`]);
    // Then a late joiner learns the game's address, and the link hears of the joiner
    const linkBefore = link.received.length;
    const gameBefore = game.received.length;
    const [jr] = await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`);
    expect(jr).toBe(`JR:${joiner.key}:${game.key}:${LOCAL_KEY}`);
    expect(await link.next(linkBefore)).toEqual([`NJ:${joiner.key}:${OTHER_LOCAL_KEY}:${HOST_NONCE}`]);
    expect(await game.quiet(gameBefore)).toEqual([]);
  });

  it('keeps the session alive and closes it from the link', async () => {
    running = await startTestServer();
    const game = await client();
    const link = await client();
    const id = await hosted(game);
    await link.request(running.address, `HL:${id}:${HOST_NONCE}`);
    // KA from the link keeps the session past the expiry of its registered address's silence
    running.clock.now += 50_000;
    await settle(running, link, `KA:${id}:${HOST_NONCE}`);
    running.clock.now += 50_000;
    running.server.rendezvous.expire(running.clock.now - 60_000);
    const joiner = await client('127.0.0.2');
    const [jr] = await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`);
    expect(jr).toMatch(/^JR:/);
    await settle(running, link, `CS:${id}:${HOST_NONCE}`);
    expect(await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`)).toEqual([`BK:${id}`]);
  });

  it('is refused without the host\'s nonce, and for an original host', async () => {
    running = await startTestServer();
    const game = await client();
    const thief = await client();
    const id = await hosted(game);
    thief.send(running.address, `HL:${id}:${OTHER_NONCE}`);
    expect(await thief.quiet(0)).toEqual([]);
    const original = await client();
    const [hr] = await original.request(running.address, `HS:${LOCAL_KEY}`);
    const plain = hr!.split(':')[2]!;
    thief.send(running.address, `HL:${plain}:${OTHER_NONCE}`);
    expect(await thief.quiet(0)).toEqual([]);
    // NJ still goes to the registered host
    const joiner = await client('127.0.0.2');
    const before = game.received.length;
    await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`);
    expect((await game.next(before))[0]).toMatch(/^NJ:/);
  });

  it('grants a relay to the link for the game\'s address when a late joiner asks too', async () => {
    // Given a linked session with relays on, and a late joiner that could not punch
    running = await startTestServer({ relayPorts: relayPorts(2) });
    const game = await client();
    const link = await client();
    const joiner = await client('127.0.0.2');
    const id = await hosted(game);
    await link.request(running.address, `HL:${id}:${HOST_NONCE}`);
    await joiner.request(running.address, `JS:${OTHER_LOCAL_KEY}:${id}`);
    // When the link asks for the game's side and the joiner for its own
    const before = link.received.length;
    link.send(running.address, `RQ:${id}:${joiner.key}:${HOST_NONCE}`);
    const [joinerGrant] = await joiner.request(running.address, `RQ:${id}:${game.key}`);
    // Then both get a grant for the same relay: the joiner's names the game's address
    expect(joinerGrant).toMatch(new RegExp(`^RG:${game.key}:[a-z]{12}:[a-z]{16}$`));
    const [linkGrant] = await link.next(before);
    expect(linkGrant).toMatch(new RegExp(`^RG:${joiner.key}:${joinerGrant!.split(':')[2]}:[a-z]{16}:${HOST_NONCE}$`));
  });
});
