/**
 * A game set up with the server's name and port (the node's `server` setting): the host needs no
 * server key and shares the short code (ABCD-EFGH); a player set up the same way joins with it,
 * and one with the full code alone still joins. The real server and headless Godot players on
 * loopback; the name resolves through /etc/hosts to 127.0.0.1 (a line this test adds and removes),
 * or, where /etc/hosts cannot be written, is `localhost`. A listed game that keeps its session
 * open for late joiners stays on the list while it runs.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, appendFileSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startPlayer, startServer } from '../ci/harness/processes.ts';
import { cleanedAfterEach, succeeded } from './test-processes.ts';

const { running } = cleanedAfterEach();
const HOSTS = '/etc/hosts';
const added: string[] = [];

afterEach(() => {
  // Only the lines this test added go: whatever else the file holds stays as it is.
  if (added.length === 0) return;
  const lines = readFileSync(HOSTS, 'utf8').split('\n');
  writeFileSync(HOSTS, lines.filter((line) => !added.includes(line)).join('\n'));
  added.length = 0;
});

/** A name for 127.0.0.1: a fresh one in /etc/hosts when it can be written, else `localhost`. */
function serverName(): string {
  try {
    accessSync(HOSTS, constants.W_OK);
  } catch {
    return 'localhost';
  }
  const name = `shp-${randomBytes(4).toString('hex')}.test`;
  const line = `127.0.0.1 ${name}`;
  const text = readFileSync(HOSTS, 'utf8');
  appendFileSync(HOSTS, `${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n`);
  added.push(line);
  return name;
}

describe('a server by name, short codes and the public lobby list', () => {
  it('the host shares the short code, a player with the same server setting joins with it, and the full code still works', async () => {
    const server = await startServer();
    running.push(server.process);
    const name = serverName();
    const address = `${name}:${server.port}`;
    // The host has no key, only the server's name and port
    const host = startPlayer({ role: 'host', alias: 'hana', server: address, expectPeers: 2, timeout: 40 });
    running.push(host);
    const started = await host.waitForEvent('start_session', 20_000);
    const code = String(started.key);
    const short = String(started.short_code);
    expect(code.startsWith(server.key), `${code} is a code of the server ${server.key}`).toBe(true);
    expect(short).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(short.replace('-', '').toLowerCase()).toBe(code.slice(12));
    // A player set up with the same name types the short code as a person would; another has the full code alone
    const jo = startPlayer({ role: 'join', alias: 'jo', server: address, session: short.toLowerCase().replace('-', ' '), timeout: 40 });
    const kim = startPlayer({ role: 'join', alias: 'kim', session: code, timeout: 40 });
    running.push(jo, kim);
    await Promise.all([host, jo, kim].map(succeeded));
    expect(host.eventsNamed('player_joined').map((e) => e.alias).sort()).toEqual(['jo', 'kim']);
  });

  it('a host publishes its session; a player lists sessions of its mode with room, finds it among others and joins it', async () => {
    const server = await startServer();
    running.push(server.process);
    const address = `${serverName()}:${server.port}`;
    const other = startPlayer({ role: 'host', alias: 'olga', server: address, publish: 'Other game', mode: 'ffa', timeout: 40 });
    const host = startPlayer({ role: 'host', alias: 'Zoë', server: address, publish: 'Friday fun', mode: 'ctf', expectPeers: 1, timeout: 40 });
    running.push(other, host);
    expect(await host.waitForEvent('published', 20_000)).toMatchObject({ result: 'OK' });
    await other.waitForEvent('published', 20_000);
    const lister = startPlayer({ role: 'list', alias: 'lee', server: address, mode: 'ctf', timeout: 40 });
    running.push(lister);
    await Promise.all([host, lister].map(succeeded));
    const page = lister.eventsNamed('sessions_listed').find((e) => (e.sessions as unknown[]).length > 0)!;
    const code = String(host.eventsNamed('start_session')[0]!.key);
    expect(page.sessions).toEqual([{
      code, short_code: String(host.eventsNamed('start_session')[0]!.short_code), alias: 'Zoë', players: 1, cap: 33, nat: expect.any(String),
      name: 'Friday fun', mode: 'ctf', map: '', version: '',
    }]);
    expect(host.eventsNamed('player_joined').map((e) => e.alias)).toEqual(['lee']);
  });
});

describe('a listed game that takes late joiners', () => {
  it('stays on the list while its game runs, and a player who finds it there joins the running game', async () => {
    const server = await startServer();
    running.push(server.process);
    const address = `127.0.0.1:${server.port}`;
    const dir = mkdtempSync(join(tmpdir(), 'shp-listed-late-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const sessionFile = join(dir, 'session');
    const host = startPlayer({ role: 'host', alias: 'Zoë', server: address, publish: 'Drop in', mode: 'coop', expectPeers: 1, latePeers: 1, timeout: 40 });
    // The first player stays in the game until it exchanged RPCs with the next one, through the host.
    const first = startPlayer({ role: 'join', alias: 'first', server: address, sessionFile, managed: true, expectOthers: 1, timeout: 40 });
    running.push(host, first);
    expect(await host.waitForEvent('published', 20_000)).toMatchObject({ result: 'OK' });
    writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
    // Given the game running (the host's first RPC answered)
    await host.waitForEvent('rpc_pong', 20_000);
    // When a player lists the mode's sessions with room
    const lister = startPlayer({ role: 'list', alias: 'lee', server: address, mode: 'coop', managed: true, expectOthers: 1, timeout: 40 });
    running.push(lister);
    // Then it finds the running game and joins it
    await Promise.all([host, first, lister].map(succeeded));
    const page = lister.eventsNamed('sessions_listed').find((e) => (e.sessions as unknown[]).length > 0)!;
    expect(page.sessions).toMatchObject([{ alias: 'Zoë', name: 'Drop in', mode: 'coop', players: 2 }]);
    expect(host.eventsNamed('player_joined').map((e) => e.alias)).toEqual(['first', 'lee']);
  });
});
