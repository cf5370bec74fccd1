/** The server as a real process: its key line, a UDP round trip, clean shutdown, plain errors. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Watched } from '../../ci/harness/processes.ts';
import { UdpClient } from '../../ci/harness/udp-client.ts';

const ROOT = resolve(import.meta.dirname, '../..');

afterEach(() => UdpClient.closeAll());

/** The server from its source, as `npm start` runs it, read line by line. */
function startCli(args: string[]): Watched {
  return new Watched(spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), 'server');
}

/** What [cli] wrote to stderr. */
const err = (cli: Watched) => cli.lines.filter((l) => l.startsWith('[stderr] ')).join('\n');

describe('the server command', () => {
  it('prints its key, answers HS, and exits 0 with a summary on SIGTERM', async () => {
    const cli = startCli(['--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1']);
    const [, port, key] = await cli.waitForLine(/listening on 127\.0\.0\.1:(\d+), public 127\.0\.0\.1:\d+, server key: ([a-z]{12})/, 15_000);
    const client = await UdpClient.open();
    const answer = await client.ask({ address: '127.0.0.1', port: Number(port) }, 'HS:qucycyahjiuv');
    expect(answer).toMatch(new RegExp(`^HR:[a-z]{12}:${key}[a-z]{8}$`));
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    await cli.waitForLine(/stopped on SIGTERM: received 1 \(HS=1\), sent 1 \(HR=1\)/, 5000); // Its output may end after its exit.
  });

  it('says plainly when the port is taken', async () => {
    const holder = await UdpClient.open();
    const { port } = holder;
    const cli = startCli(['--port', String(port), '--bind', '127.0.0.1', '--public-ip', '127.0.0.1']);
    expect(await cli.exited).toBe(1);
    holder.close();
    expect(err(cli)).toContain(`port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
  });

  it('says the metrics port is taken, not the UDP port', async () => {
    const holder = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const port = (holder.address() as AddressInfo).port;
    const cli = startCli(['--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--metrics', `127.0.0.1:${port}`]);
    expect(await cli.exited).toBe(1);
    holder.close();
    expect(err(cli)).toContain(`metrics port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
    expect(err(cli)).not.toContain('port 0');
  });

  it('a second SIGTERM while stopping does not kill it by signal', async () => {
    const cli = startCli(['--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1']);
    await cli.waitForLine(/server key/, 15_000);
    // A second signal right behind the first (an impatient supervisor), while it is stopping. Not
    // one at the instant of exit: no process can promise anything about a signal that lands then.
    cli.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1)); // Two signals of one kind sent at once arrive as one.
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.child.signalCode).toBeNull();
  });

  it('exits 2 naming the bad option', async () => {
    const cli = startCli(['--expiry=abc']);
    expect(await cli.exited).toBe(2);
    expect(err(cli)).toContain('--expiry=abc: expected a duration like 30s or 20m (see --help)');
  });

  it('exits 2 naming a bad --public-ip6 or --probe-port', async () => {
    const bad6 = startCli(['--public-ip6', 'ff02::1']);
    expect(await bad6.exited).toBe(2);
    expect(err(bad6)).toContain('--public-ip6=ff02::1: expected an IPv6 address players can reach');
    const badProbe = startCli(['--probe-port', '7788']);
    expect(await badProbe.exited).toBe(2);
    expect(err(badProbe)).toContain('--probe-port=7788: is --port');
  });

  it('with --public-ip6 listens there too and answers NP over IPv6 with IA; an address not its own stops it, named', async () => {
    const cli = startCli(['--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--public-ip6', '::1', '--relay-ports', 'off']);
    const [, port] = await cli.waitForLine(/listening on 127\.0\.0\.1:(\d+), .*, IPv6 \[::1\]:(\d+)/, 15_000);
    const client = await UdpClient.open('::1');
    const answer = await client.ask({ address: '::1', port: Number(port) }, `NP:cycycycycycy:cycycycycycy:abababababababab:${'cy'.repeat(8)}:${'cy'.repeat(8)}`);
    expect(answer).toMatch(/^IA:[a-z]{16}:[a-z]{16}:[a-z]{16}:abababababababab$/);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);

    const elsewhere = startCli(['--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--public-ip6', '2001:db8::7']);
    expect(await elsewhere.exited).toBe(1);
    expect(err(elsewhere)).toMatch(/cannot listen on IPv6 port \d+ on 2001:db8::7: .*EADDRNOTAVAIL/);
  });

  it('says plainly when the probe port is taken', async () => {
    const holder = await UdpClient.open();
    const { port } = holder;
    const cli = startCli(['--port', '0', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--relay-ports', 'off', '--probe-port', String(port)]);
    expect(await cli.exited).toBe(1);
    holder.close();
    expect(err(cli)).toContain(`probe port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
  });
});
