/**
 * The server's configuration: one pure function from environment and arguments to a validated
 * Config. Every option is a flag (`--port 7788` or `--port=7788`) or an environment variable
 * (`SHP_PORT`); a flag wins. Bad values throw a ConfigError that names the option and the value.
 */
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULTS, OPTIONS, PROBE_PORT_WITHOUT_RELAYS } from './config-options.ts';
import { ConfigError, type LogLevel, type OptionSpec, type Role, showPorts } from './config-values.ts';

export { ConfigError, DEFAULTS, type LogLevel };

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
  /** The server's own IPv6 address, where nodes prove theirs; empty: none (no IPv6 address is passed on). */
  readonly publicIp6: string;
  /** The NAT diagnosis's second port (0: a free one); null: off. */
  readonly probePort: number | null;
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
  /** A session ends when its host sent nothing for this long after a joiner came. */
  readonly hostSilenceMs: number;
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
  /** all: rendezvous and relays; rendezvous: no relay ports. */
  readonly role: Role;
  /** Redis shared by several instances, or empty: in memory alone. */
  readonly redisUrl: string;
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
  if (v.role === 'rendezvous') {
    if (relayPortsGiven && v['relay-ports']) throw new ConfigError(`--relay-ports=${showPorts(v['relay-ports'])}: --role rendezvous opens no relay ports`);
    v['relay-ports'] = null;
  }
  if (v.port === 0 && !relayPortsGiven && v['relay-ports']) {
    // A server on a free port (tests, benchmarks, several on one machine) takes free relay ports too.
    v['relay-ports'] = v['relay-ports'].map(() => 0);
  } else if (v.port !== 0 && v['relay-ports']?.includes(v.port)) {
    throw new ConfigError(`--relay-ports=${showPorts(v['relay-ports'])}: includes --port ${v.port}; relays need ports of their own`);
  }
  const probePort = v['probe-port'] !== undefined ? v['probe-port']
    : v['relay-ports']?.[0] ?? (v.port === 0 ? 0 : PROBE_PORT_WITHOUT_RELAYS);
  if (probePort !== null && probePort !== 0 && probePort === v.port) {
    throw new ConfigError(v['probe-port'] === undefined
      ? `--port=${v.port}: is the probe port's default with relays off; give --probe-port another port, or off`
      : `--probe-port=${probePort}: is --port; the probe port needs a port of its own (or a relay port)`);
  }
  const guessed = v['public-ip'] === '';
  return {
    help: false,
    config: {
      port: v.port, bind: v.bind,
      publicIp: guessed ? guessPublicIp(v.bind) : v['public-ip'],
      publicIpGuessed: guessed,
      publicPort: v['public-port'],
      publicIp6: v['public-ip6'],
      probePort,
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
      hostSilenceMs: v['host-silence'],
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
      role: v.role,
      redisUrl: v.redis,
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
