/**
 * Where a server's CPU time goes: a V8 CPU profile (`node --cpu-prof`) summed by self time per
 * function group (the server's own modules by directory, Node's socket code, native code, GC).
 * Usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }

export interface GroupShare { group: string; ms: number; share: number; top: Array<{ name: string; share: number }> }

/** The group of a function: by the server module it lives in, or by what Node runs it for. */
function groupOf(frame: ProfileNode['callFrame']): string {
  const { functionName: name, url } = frame;
  if (name === '(idle)') return 'idle (waiting for datagrams)';
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'V8 and libuv outside JavaScript';
  const at = url.indexOf('/server/src/');
  if (at >= 0) {
    const path = url.slice(at + '/server/src/'.length);
    if (path.startsWith('generated/') || path.startsWith('wire/')) return 'wire codec (generated/, wire/)';
    if (path.startsWith('limits/')) return 'rate limits and budgets (limits/)';
    if (path.startsWith('sessions/')) return 'session store and rules (sessions/)';
    if (path.startsWith('relay/')) return 'relay (relay/)';
    if (path.startsWith('nat/')) return 'NAT reports and probes (nat/)';
    if (path === 'rendezvous.ts' || path === 'handlers.ts' || path === 'rendezvous-server.ts') return 'dispatch and handlers (rendezvous*.ts, handlers.ts)';
    return `other server code (${path})`;
  }
  if (url === 'node:dgram' || url.startsWith('node:internal/dgram')) return 'Node socket layer (node:dgram)';
  if (url.startsWith('node:internal/crypto')) return 'crypto (return-path cookies, tokens)';
  if (url === '') return 'native calls (socket send and receive, buffers, crypto)';
  if (url.startsWith('node:')) return 'other Node internals (events, buffers, timers)';
  return 'other JavaScript';
}

/**
 * Self time per group in [file], counting only samples within [window] (µs of the monotonic clock,
 * as process.hrtime and V8's profiler read it), so that start-up and set-up stay out.
 */
export function summarise(file: string, window?: { from: number; to: number }, top = 3): { totalMs: number; busyMs: number; groups: GroupShare[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.from || at > window.to)) return;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const groups = new Map<string, { us: number; fns: Map<string, number> }>();
  let total = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const group = groupOf(frame);
    const entry = groups.get(group) ?? { us: 0, fns: new Map<string, number>() };
    groups.set(group, entry);
    entry.us += us;
    const file = frame.url.split('/').pop() || 'native';
    // Line numbers only for Node's own modules: the server runs from source through a loader that moves its lines.
    const line = frame.url.startsWith('node:') ? `:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} (${file}${line})`;
    entry.fns.set(name, (entry.fns.get(name) ?? 0) + us);
    total += us;
  }
  const idle = groups.get('idle (waiting for datagrams)')?.us ?? 0;
  const busy = total - idle;
  const list = [...groups].filter(([g]) => !g.startsWith('idle')).map(([group, e]) => ({
    group, ms: e.us / 1000, share: e.us / busy,
    top: [...e.fns].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, share: us / busy })),
  })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, busyMs: busy / 1000, groups: list };
}

export function summaryMarkdown(s: ReturnType<typeof summarise>): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = ['| group | share of busy time | its heaviest functions (self time) |', '|---|---:|---|'];
  for (const g of s.groups) {
    if (g.share < 0.005) continue;
    lines.push(`| ${g.group} | ${pct(g.share)} | ${g.top.map((f) => `\`${f.name}\` ${pct(f.share)}`).join(', ')} |`);
  }
  return `${lines.join('\n')}\n\nBusy ${(s.busyMs / 1000).toFixed(2)} s of ${(s.totalMs / 1000).toFixed(2)} s profiled (the rest idle).\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(summaryMarkdown(summarise(process.argv[2]!)));
