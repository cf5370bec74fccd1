import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startPlayer } from '../ci/harness/processes.ts';
import { preparePlayers } from '../ci/harness/prepare.ts';
import { SERVER_BUNDLE } from '../ci/harness/server-build.ts';
preparePlayers();
const child = spawn(process.execPath, [SERVER_BUNDLE, '--port', '41234', '--relay-ports', '41235-41238', '--bind', '127.0.0.1', '--public-ip', '127.0.0.1', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
const key = await new Promise<string>((done) => createInterface({ input: child.stdout! }).on('line', (l) => { const m = /server key: ([a-z]{12})/.exec(l); if (m) done(m[1]!); }));
const dir = mkdtempSync(join(tmpdir(), 'tl-'));
const goFile = join(dir, 'go'), sessionFile = join(dir, 'session');
const host = startPlayer({ role: 'host', alias: 'host', serverKey: key, goFile, timeout: 20, trace: true, managed: !!process.env.MANAGED });
const client = startPlayer({ role: 'join', alias: 'client', sessionFile, timeout: 20, trace: true, managed: !!process.env.MANAGED });
await Promise.all([host, client].map((p) => p.waitForEvent('ready', 30_000)));
writeFileSync(goFile, 'go');
writeFileSync(sessionFile, String((await host.waitForEvent('start_session', 20_000)).key));
await Promise.all([host, client].map((p) => p.exited));
const begin = host.eventsNamed('begin')[0]!.wall;
const rows: [number, string][] = [];
for (const [name, p] of [['H', host], ['C', client]] as const) {
  const ev = p.events; const off = ev[0]!.wall * 1000 - (ev[0]!.ticks as number);
  for (const l of p.lines) {
    let m;
    if (l.startsWith('SHP_EVENT ')) { const e = JSON.parse(l.slice(10)); rows.push([e.wall * 1000, `${name} EVENT ${e.event}`]); }
    else if ((m = /^SHP_TRACE ([\d.]+) (.*)/.exec(l))) rows.push([Number(m[1]) * 1000, `${name} trace ${m[2]}`]);
    else if ((m = /^HolePunch (\d+) (.*)/.exec(l))) rows.push([Number(m[1]) + off, `${name} ${m[2]}`]);
  }
}
rows.sort((a, b) => a[0] - b[0]);
for (const [t, s] of rows) if (t - begin * 1000 > -5) console.log(`${(t - begin * 1000).toFixed(0).padStart(5)} ${s.slice(0, 150)}`);
child.kill(); host.kill(); client.kill();
