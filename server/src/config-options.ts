/**
 * The server's options: flag, environment variable, help text, default and parser of each. One
 * table, read by readConfig (config.ts) and printed by --help.
 */
import {
  byteRate, duration, hostPort, integer, ipv4, logLevel, type OptionSpec, portRange, probePort, publicIpv6, reachableIpv4, redisUrl, role, showPorts,
} from './config-values.ts';
import type { Role } from './config-values.ts';
import { LIMITS } from './generated/protocol.ts';
import { formatDuration } from './units.ts';

/** Defaults of the abuse limits, shared with servers built without readConfig (tests, benchmarks). */
export const DEFAULTS = {
  maxJoiners: 400_000,
  confirmWindowMs: 15_000,
  joinWindowMs: 15_000,
  hostSilenceMs: 5_000,
  matchesPerIp: 30,
  matchesPerNet: 120,
  failedJoinsPerIp: 30,
  failedJoinsPerNet: 120,
  failedJoins: 3000,
} as const;

/** The probe port when relays are off and none is given: the port after the rendezvous port's default. */
export const PROBE_PORT_WITHOUT_RELAYS = 7789;

export const OPTIONS = {
  port: { env: 'SHP_PORT', help: 'UDP port to listen on (0 picks a free one, and free relay and probe ports unless they are given)', default: 7788, parse: integer(0, 65535, 'a port') },
  bind: { env: 'SHP_BIND', help: 'address to listen on', default: '0.0.0.0', parse: ipv4 },
  'public-ip': {
    env: 'SHP_PUBLIC_IP', help: 'public IPv4 that session codes embed (default: the bind address, else the first non-internal IPv4)',
    default: '', parse: reachableIpv4, show: (v: string) => v || 'guessed',
  },
  'public-ip6': {
    env: 'SHP_PUBLIC_IP6', help: 'the server\'s own global IPv6 address: binds the rendezvous port there too, where nodes prove theirs; without it no IPv6 address is passed to peers',
    default: '', parse: publicIpv6, show: (v: string) => v || 'none',
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
  'host-silence': {
    env: 'SHP_HOST_SILENCE', help: 'a session whose host sent nothing (a live node of ours answers each NJ with KA) for this long after a joiner came ends: that joiner, and every later one, gets BK',
    default: DEFAULTS.hostSilenceMs, parse: duration, show: formatDuration,
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
    help: 'UDP ports every relay shares, or off (a pair that neither punching nor birthday probing connects then gets punch_failed). A host gets a '
      + 'different relay port for each relayed client, so their count is the most relayed clients one host can have; '
      + 'a further one is refused (host_ports_full) and gets punch_failed',
    default: [7789, 7790, 7791, 7792] as readonly number[] | null, parse: portRange, show: showPorts,
  },
  'probe-port': {
    env: 'SHP_PROBE_PORT',
    help: `UDP port of the NAT diagnosis's second answer (nodes compare what the two ports saw), or off (their NAT type then stays unknown); `
      + `default the first relay port, ${PROBE_PORT_WITHOUT_RELAYS} with relays off`,
    default: undefined as number | null | undefined, parse: probePort, show: (v: number | null | undefined) => (v === undefined ? 'first relay port' : String(v ?? 'off')),
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
  role: {
    env: 'SHP_ROLE', help: 'all: rendezvous and relays in one process; rendezvous: no relay ports',
    default: 'all', parse: role,
  },
  redis: {
    env: 'SHP_REDIS_URL', help: 'Redis URL (redis://host:port) shared by several instances: random strangers are then matched across all of them (off when empty: everything stays in memory)',
    default: '', parse: redisUrl, show: (v: string) => (v ? v.replace(/\/\/[^@/]*@/, '//***@') : 'off'),
  },
  'log-level': { env: 'SHP_LOG_LEVEL', help: 'fatal, error, warn, info, debug or trace', default: 'info', parse: logLevel },
  metrics: {
    env: 'SHP_METRICS', help: 'HOST:PORT for Prometheus metrics at /metrics and a health check at /health (off when empty)',
    default: '', parse: hostPort, show: (v: string) => v || 'off',
  },
} satisfies Record<string, OptionSpec<string> | OptionSpec<number> | OptionSpec<readonly number[] | null> | OptionSpec<number | null | undefined> | OptionSpec<Role>>;

