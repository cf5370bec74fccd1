/**
 * The server's configuration: one pure function from environment and arguments to a validated
 * Config. Every option is a flag (`--port 7788` or `--port=7788`) or an environment variable
 * (`SHP_PORT`); a flag wins. Bad values throw a ConfigError that names the option and the value.
 * Config, its defaults and --help all derive from OPTIONS (config-options.ts).
 */
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { OPTIONS, PROBE_PORT_WITHOUT_RELAYS } from './config-options.ts';
import { ConfigError, type LogLevel, type OptionSpec, showPorts } from './config-values.ts';

export { ConfigError, type LogLevel };

type Options = typeof OPTIONS;
export type Flag = keyof Options & string;
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
/** The Config field of [F]: its `field`, else the flag in camelCase. */
type FieldOf<F extends Flag> = Options[F] extends { readonly field: infer N extends string } ? N : CamelCase<F>;

/**
 * One field per option (see its help in config-options.ts), and whether publicIp was guessed.
 * After readConfig, publicIp is never empty and probePort is never undefined (null: off; 0: a free
 * port); a server built from DEFAULT_CONFIG takes undefined as the first relay port.
 */
export type Config = { readonly [F in Flag as FieldOf<F>]: Options[F]['default'] } & {
  /** True when --public-ip was not given and publicIp was guessed. */
  readonly publicIpGuessed: boolean;
};

export const FLAGS = Object.keys(OPTIONS) as Flag[];
const spec = (flag: Flag) => OPTIONS[flag] as OptionSpec<unknown>;

/** The Config field an option sets. */
export function fieldOf(flag: Flag): string {
  return spec(flag).field ?? flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/** The environment variable an option is read from when its flag is absent. */
export function envOf(flag: Flag): string {
  return `SHP_${flag.toUpperCase().replaceAll('-', '_')}`;
}

function configOf(value: (flag: Flag) => unknown, publicIpGuessed: boolean): Config {
  return { ...Object.fromEntries(FLAGS.map((flag) => [fieldOf(flag), value(flag)])), publicIpGuessed } as Config;
}

/**
 * Every option at its default, for servers built without readConfig (tests, benchmarks): they
 * spread it and name what they change. publicIp is empty here; such a server names its own.
 */
export const DEFAULT_CONFIG: Config = configOf((flag) => spec(flag).default, false);

export type ConfigResult = { readonly help: true } | { readonly help: false; readonly config: Config };

export function readConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): ConfigResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(FLAGS.map((k) => [k, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    throw new ConfigError((error as Error).message.replace(/\. To specify .*$/s, ''));
  }
  if (parsed.values.help) return { help: true };
  const given = parsed.values as Record<string, string | undefined>;
  const values = new Map<Flag, unknown>();
  for (const flag of FLAGS) {
    const text = given[flag] ?? env[envOf(flag)];
    values.set(flag, text === undefined || text === '' ? spec(flag).default
      : spec(flag).parse(text, given[flag] === undefined ? `${flag} (${envOf(flag)})` : flag));
  }
  const v = configOf((flag) => values.get(flag), false);
  let { relayPorts } = v;
  const relayPortsGiven = (given['relay-ports'] ?? env[envOf('relay-ports')] ?? '') !== '';
  if (v.role === 'relay') {
    if (!v.redisUrl || !v.relaySecret) throw new ConfigError('--role relay: needs --redis-url and --relay-secret');
    if (!relayPorts) throw new ConfigError('--role relay: needs relay ports');
  }
  if (v.relaySecret && !v.redisUrl) throw new ConfigError('--relay-secret: needs --redis-url (relay nodes are found through Redis)');
  if (v.role === 'rendezvous') {
    if (relayPortsGiven && relayPorts) throw new ConfigError(`--relay-ports=${showPorts(relayPorts)}: --role rendezvous opens no relay ports`);
    relayPorts = null;
  }
  if (v.port === 0 && !relayPortsGiven && relayPorts) {
    // A server on a free port (tests, benchmarks, several on one machine) takes free relay ports too.
    relayPorts = relayPorts.map(() => 0);
  } else if (v.port !== 0 && relayPorts?.includes(v.port)) {
    throw new ConfigError(`--relay-ports=${showPorts(relayPorts)}: includes --port ${v.port}; relays need ports of their own`);
  }
  const probePort = v.probePort !== undefined ? v.probePort : relayPorts?.[0] ?? (v.port === 0 ? 0 : PROBE_PORT_WITHOUT_RELAYS);
  if (probePort !== null && probePort !== 0 && probePort === v.port) {
    throw new ConfigError(v.probePort === undefined
      ? `--port=${v.port}: is the probe port's default with relays off; give --probe-port another port, or off`
      : `--probe-port=${probePort}: is --port; the probe port needs a port of its own (or a relay port)`);
  }
  const guessed = v.publicIp === '';
  return {
    help: false,
    config: { ...v, relayPorts, probePort, publicIp: guessed ? guessPublicIp(v.bind) : v.publicIp, publicIpGuessed: guessed },
  };
}

function guessPublicIp(bind: string): string {
  if (bind !== '0.0.0.0') return bind;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function helpText(): string {
  const lines = ['Usage: simple-hole-punch [options]', '', 'Options (flag, environment variable, default):'];
  for (const flag of FLAGS) {
    lines.push(`  --${flag.padEnd(22)} ${envOf(flag).padEnd(26)} default ${shownDefault(flag)}`, `      ${spec(flag).help}`);
  }
  lines.push(`  --help, -h`, '      show this help');
  return lines.join('\n');
}

/** An option's default as --help and the README show it. */
export function shownDefault(flag: Flag): string {
  const { show, default: value } = spec(flag);
  return show ? show(value) : String(value);
}
