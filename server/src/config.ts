/**
 * The server's configuration: one pure function from environment and arguments to a validated
 * Config. Every option is a flag (`--port 7788` or `--port=7788`) or an environment variable
 * (`SHP_PORT`); a flag wins. Bad values throw a ConfigError that names the option and the value.
 */
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import {
  byteRate, ConfigError, duration, hostPort, integer, ipv4, logLevel, type LogLevel, type OptionSpec, portRange, reachableIpv4, showPorts,
} from './config-values.ts';
import { LIMITS } from './generated/protocol.ts';
import { formatDuration } from './units.ts';

export { ConfigError, type LogLevel };

/** Defaults of the abuse limits, shared with servers built without readConfig (tests, benchmarks). */
export const DEFAULTS = {
  maxJoiners: 400_000,
  confirmWindowMs: 15_000,
  joinWindowMs: 15_000,
  matchesPerIp: 30,
  matchesPerNet: 120,
  failedJoinsPerIp: 30,
  failedJoinsPerNet: 120,
  failedJoins: 3000,
} as const;

const OPTIONS = {
  port: { env: 'SHP_PORT', help: 'UDP port to listen on (0 picks a free one, and free relay ports unless --relay-ports is given)', default: 7788, parse: integer(0, 65535, 'a port') },
  bind: { env: 'SHP_BIND', help: 'address to listen on', default: '0.0.0.0', parse: ipv4 },
  'public-ip': {
    env: 'SHP_PUBLIC_IP', help: 'public IPv4 that session codes embed (default: the bind address, else the first non-internal IPv4)',
    default: '', parse: reachableIpv4, show: (v: string) => v || 'guessed',
  },
  'public-port': {
    env: 'SHP_PUBLIC_PORT', help: 'public UDP port that session codes embed, when a port forward differs from --port (0: same as the bound port)',
    default: 0, parse: integer(0, 65535, 'a port'),
  },
  'suffix-bigrams': {
    env: 'SHP_SUFFIX_BIGRAMS', help: 'random bigrams after the server key in a session code (2 is what original clients expect)',
    default: 4, parse: integer(LIMITS.minSuffixBigrams, LIMITS.maxSuffixBigrams, 'a count'),
  },
  expiry: {
    env: 'SHP_EXPIRY', help: 'drop a session whose host has sent nothing for this long',
    default: 60_000, parse: duration, show: formatDuration,
  },
  'sweep-interval': {
    env: 'SHP_SWEEP_INTERVAL', help: 'how often to look for expired sessions',
    default: 10_000, parse: duration, show: formatDuration,
  },
  'max-peers': { env: 'SHP_MAX_PEERS', help: 'joiners per session', default: 32, parse: integer(1, 1000, 'a count') },
  'max-sessions': {
    env: 'SHP_MAX_SESSIONS', help: 'sessions in all; past it new registrations are refused, existing sessions go on',
    default: 100_000, parse: integer(1, 10_000_000, 'a count'),
  },
  'sessions-per-ip': {
    env: 'SHP_SESSIONS_PER_IP', help: 'sessions hosted from one IP address (players behind one NAT share it)',
    default: 32, parse: integer(1, 100_000, 'a count'),
  },
  rate: {
    env: 'SHP_RATE', help: 'valid requests a second accepted from one IP address (malformed datagrams have a bucket of their own), and datagrams sent to one address and port (4 times that to one IP address) (0: no limit)',
    default: 50, parse: integer(0, 1_000_000, 'a rate'),
  },
  burst: { env: 'SHP_BURST', help: 'datagrams one IP address may send at once above --rate', default: 100, parse: integer(1, 1_000_000, 'a count') },
  'max-joiners': {
    env: 'SHP_MAX_JOINERS', help: 'joiners in all sessions together (about 240 bytes each); past it a new joiner takes a silent one\'s slot or is refused',
    default: DEFAULTS.maxJoiners, parse: integer(1, 100_000_000, 'a count'),
  },
  'confirm-window': {
    env: 'SHP_CONFIRM_WINDOW', help: 'a registration whose host sent no KA (proving it got HR) within this is dropped; until then it gives way to new ones',
    default: DEFAULTS.confirmWindowMs, parse: duration, show: formatDuration,
  },
  'join-window': {
    env: 'SHP_JOIN_WINDOW', help: 'a joiner that sent nothing for this long gives its peer slot to the next joiner of a full session',
    default: DEFAULTS.joinWindowMs, parse: duration, show: formatDuration,
  },
  'matches-per-ip': {
    env: 'SHP_MATCHES_PER_IP', help: 'random matches a minute one IP address may take part in',
    default: DEFAULTS.matchesPerIp, parse: integer(1, 1_000_000, 'a count'),
  },
  'matches-per-net': {
    env: 'SHP_MATCHES_PER_NET', help: 'random matches a minute one /24 network may take part in',
    default: DEFAULTS.matchesPerNet, parse: integer(1, 1_000_000, 'a count'),
  },
  'failed-joins-per-ip': {
    env: 'SHP_FAILED_JOINS_PER_IP', help: 'joins of unknown sessions (code guesses) a minute from one IP address; past it, joins from it go unanswered',
    default: DEFAULTS.failedJoinsPerIp, parse: integer(1, 1_000_000, 'a count'),
  },
  'failed-joins-per-net': {
    env: 'SHP_FAILED_JOINS_PER_NET', help: 'joins of unknown sessions a minute from one /24 network',
    default: DEFAULTS.failedJoinsPerNet, parse: integer(1, 1_000_000, 'a count'),
  },
  'failed-joins': {
    env: 'SHP_FAILED_JOINS', help: 'joins of unknown sessions a minute in total (networks that failed lately stop being answered past it)',
    default: DEFAULTS.failedJoins, parse: integer(1, 10_000_000, 'a count'),
  },
  'max-tracked': {
    env: 'SHP_MAX_TRACKED', help: 'IP addresses whose rate is tracked at once (bounds memory)',
    default: 100_000, parse: integer(1, 10_000_000, 'a count'),
  },
  'relay-ports': {
    env: 'SHP_RELAY_PORTS',
    help: 'UDP ports every relay shares, or off (players behind port-randomising NATs then get punch_failed). A host gets a '
      + 'different relay port for each relayed client, so their count is the most relayed clients one host can have; '
      + 'a further one is refused (host_ports_full) and gets punch_failed',
    default: [7789, 7790, 7791, 7792] as readonly number[] | null, parse: portRange, show: showPorts,
  },
  'relay-bandwidth': {
    env: 'SHP_RELAY_BANDWIDTH', help: 'bytes a second one relay forwards, both ways together, counting 28 bytes of headers per datagram; more is dropped',
    default: 256 * 1024, parse: byteRate, show: (v: number) => `${v / 1024}kb`,
  },
  'relay-total-bandwidth': {
    env: 'SHP_RELAY_TOTAL_BANDWIDTH', help: 'bytes a second all relays forward together, shared fairly among the relays in use',
    default: 4 * 1024 * 1024, parse: byteRate, show: (v: number) => `${v / 1024 / 1024}mb`,
  },
  'relay-idle': { env: 'SHP_RELAY_IDLE', help: 'close a relay that forwarded nothing for this long (RB keep-alives do not count)', default: 30_000, parse: duration, show: formatDuration },
  'relay-lifetime': { env: 'SHP_RELAY_LIFETIME', help: 'close any relay after this long', default: 7_200_000, parse: duration, show: formatDuration },
  'max-relays': {
    env: 'SHP_MAX_RELAYS',
    help: 'relays open at once in all; all share --relay-total-bandwidth, so the default leaves each busy relay at least 4kb a second',
    default: 1024, parse: integer(1, 1_000_000, 'a count'),
  },
  'relays-per-ip': {
    env: 'SHP_RELAYS_PER_IP', help: 'relays open at once with a side at one IP address (players behind one carrier NAT share it)',
    default: 16, parse: integer(1, 1_000_000, 'a count'),
  },
  'relays-per-subnet': {
    env: 'SHP_RELAYS_PER_SUBNET', help: 'relays open at once with a side in one /24 network',
    default: 64, parse: integer(1, 1_000_000, 'a count'),
  },
  'relay-requests-per-ip': {
    env: 'SHP_RELAY_REQUESTS_PER_IP', help: 'relay requests from one IP address waiting for the other side to ask (4 times this per /24)',
    default: 64, parse: integer(1, 1_000_000, 'a count'),
  },
  'log-level': { env: 'SHP_LOG_LEVEL', help: 'fatal, error, warn, info, debug or trace', default: 'info', parse: logLevel },
  metrics: {
    env: 'SHP_METRICS', help: 'HOST:PORT for Prometheus metrics at /metrics and a health check at /health (off when empty)',
    default: '', parse: hostPort, show: (v: string) => v || 'off',
  },
} satisfies Record<string, OptionSpec<string> | OptionSpec<number> | OptionSpec<readonly number[] | null>>;

type Options = typeof OPTIONS;
type Values = { -readonly [K in keyof Options]: ReturnType<Options[K]['parse']> };

export interface Config {
  readonly port: number;
  readonly bind: string;
  /** The public address session codes embed; never empty. */
  readonly publicIp: string;
  /** True when --public-ip was not given and publicIp was guessed. */
  readonly publicIpGuessed: boolean;
  readonly publicPort: number;
  readonly suffixBigrams: number;
  readonly expiryMs: number;
  readonly sweepIntervalMs: number;
  readonly maxPeers: number;
  readonly maxSessions: number;
  readonly sessionsPerIp: number;
  readonly rate: number;
  readonly burst: number;
  readonly maxTracked: number;
  readonly maxJoiners: number;
  readonly confirmWindowMs: number;
  readonly joinWindowMs: number;
  /** Random matches a minute per IP address and per /24 network. */
  readonly matchesPerIp: number;
  readonly matchesPerNet: number;
  /** Failed joins a minute per IP address, per /24 network and in total. */
  readonly failedJoinsPerIp: number;
  readonly failedJoinsPerNet: number;
  readonly failedJoins: number;
  readonly logLevel: LogLevel;
  /** `host:port` of the metrics endpoint, or empty when off. */
  readonly metrics: string;
  /** The relay ports, in order; null with relays off. */
  readonly relayPorts: readonly number[] | null;
  readonly relayBandwidth: number;
  readonly relayTotalBandwidth: number;
  readonly relayIdleMs: number;
  readonly relayLifetimeMs: number;
  readonly maxRelays: number;
  readonly relaysPerIp: number;
  readonly relaysPerSubnet: number;
  readonly relayRequestsPerIp: number;
}

export type ConfigResult = { readonly help: true } | { readonly help: false; readonly config: Config };

export function readConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): ConfigResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(OPTIONS).map((k) => [k, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    throw new ConfigError((error as Error).message.replace(/\. To specify .*$/s, ''));
  }
  if (parsed.values.help) return { help: true };
  const values = {} as Record<string, unknown>;
  for (const [flag, spec] of Object.entries(OPTIONS) as Array<[string, OptionSpec<unknown>]>) {
    const given = (parsed.values as Record<string, unknown>)[flag] as string | undefined;
    const text = given ?? env[spec.env];
    values[flag] = text === undefined || text === '' ? spec.default : spec.parse(text, given === undefined ? `${flag} (${spec.env})` : flag);
  }
  const v = values as Values;
  const relayPortsGiven = ((parsed.values as Record<string, unknown>)['relay-ports'] ?? env.SHP_RELAY_PORTS ?? '') !== '';
  if (v.port === 0 && !relayPortsGiven && v['relay-ports']) {
    // A server on a free port (tests, benchmarks, several on one machine) takes free relay ports too.
    v['relay-ports'] = v['relay-ports'].map(() => 0);
  } else if (v.port !== 0 && v['relay-ports']?.includes(v.port)) {
    throw new ConfigError(`--relay-ports=${showPorts(v['relay-ports'])}: includes --port ${v.port}; relays need ports of their own`);
  }
  const guessed = v['public-ip'] === '';
  return {
    help: false,
    config: {
      port: v.port, bind: v.bind,
      publicIp: guessed ? guessPublicIp(v.bind) : v['public-ip'],
      publicIpGuessed: guessed,
      publicPort: v['public-port'],
      suffixBigrams: v['suffix-bigrams'],
      expiryMs: v.expiry,
      sweepIntervalMs: v['sweep-interval'],
      maxPeers: v['max-peers'],
      maxSessions: v['max-sessions'],
      sessionsPerIp: v['sessions-per-ip'],
      rate: v.rate,
      burst: v.burst,
      maxTracked: v['max-tracked'],
      maxJoiners: v['max-joiners'],
      confirmWindowMs: v['confirm-window'],
      joinWindowMs: v['join-window'],
      matchesPerIp: v['matches-per-ip'],
      matchesPerNet: v['matches-per-net'],
      failedJoinsPerIp: v['failed-joins-per-ip'],
      failedJoinsPerNet: v['failed-joins-per-net'],
      failedJoins: v['failed-joins'],
      logLevel: v['log-level'],
      metrics: v.metrics,
      relayPorts: v['relay-ports'],
      relayBandwidth: v['relay-bandwidth'],
      relayTotalBandwidth: v['relay-total-bandwidth'],
      relayIdleMs: v['relay-idle'],
      relayLifetimeMs: v['relay-lifetime'],
      maxRelays: v['max-relays'],
      relaysPerIp: v['relays-per-ip'],
      relaysPerSubnet: v['relays-per-subnet'],
      relayRequestsPerIp: v['relay-requests-per-ip'],
    },
  };
}

/** The relay options' defaults, for servers built without readConfig (tests, benchmarks). */
export const RELAY_DEFAULTS = {
  relayPorts: OPTIONS['relay-ports'].default, relayBandwidth: OPTIONS['relay-bandwidth'].default,
  relayTotalBandwidth: OPTIONS['relay-total-bandwidth'].default, relayIdleMs: OPTIONS['relay-idle'].default,
  relayLifetimeMs: OPTIONS['relay-lifetime'].default, maxRelays: OPTIONS['max-relays'].default,
  relaysPerIp: OPTIONS['relays-per-ip'].default, relaysPerSubnet: OPTIONS['relays-per-subnet'].default,
  relayRequestsPerIp: OPTIONS['relay-requests-per-ip'].default,
} satisfies Partial<Config>;

function guessPublicIp(bind: string): string {
  if (bind !== '0.0.0.0') return bind;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function helpText(): string {
  const lines = ['Usage: simple-hole-punch [options]', '', 'Options (flag, environment variable, default):'];
  for (const [flag, spec] of Object.entries(OPTIONS) as Array<[string, OptionSpec<unknown>]>) {
    const shown = spec.show ? spec.show(spec.default) : String(spec.default);
    lines.push(`  --${flag.padEnd(22)} ${spec.env.padEnd(26)} default ${shown}`, `      ${spec.help}`);
  }
  lines.push(`  --help, -h`, '      show this help');
  return lines.join('\n');
}
