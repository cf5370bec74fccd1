/**
 * The server's options: one entry each (help text, default, parser, and how --help shows the
 * default). Everything else derives from this table (config.ts): the Config field (the flag in
 * camelCase, or `field`), the environment variable (SHP_ and the flag in capitals), the defaults,
 * --help, and the README's option table (`npm run codegen` writes it).
 */
import {
  byteRate, duration, hostPort, integer, ipv4, logLevel, type OptionSpec, portRange, probePort, publicIpv6, reachableIpv4, redisUrl, region, relaySecret, type Role, role, showPorts,
} from './config-values.ts';
import { LIMITS } from './generated/protocol.ts';
import { formatDuration } from './units.ts';

/** The probe port when relays are off and none is given: the port after the rendezvous port's default. */
export const PROBE_PORT_WITHOUT_RELAYS = 7789;

export const OPTIONS = {
  port: { help: 'UDP port to listen on (0 picks a free one, and free relay and probe ports unless they are given)', default: 7788, parse: integer(0, 65535, 'a port') },
  bind: { help: 'address to listen on', default: '0.0.0.0', parse: ipv4 },
  'public-ip': {
    help: 'public IPv4 that session codes embed (default: the bind address, else the first non-internal IPv4)',
    default: '', parse: reachableIpv4, show: (v: string) => v || 'guessed',
  },
  'public-ip6': {
    help: 'the server\'s own global IPv6 address: binds the rendezvous port there too, where nodes prove theirs; without it no IPv6 address is passed to peers',
    default: '', parse: publicIpv6, show: (v: string) => v || 'none',
  },
  'public-port': {
    help: 'public UDP port that session codes embed, when a port forward differs from --port (0: same as the bound port)',
    default: 0, parse: integer(0, 65535, 'a port'),
  },
  'suffix-bigrams': {
    help: 'random bigrams after the server key in a session code (2 is what original clients expect)',
    default: 4, parse: integer(LIMITS.minSuffixBigrams, LIMITS.maxSuffixBigrams, 'a count'),
  },
  expiry: {
    field: 'expiryMs', help: 'drop a session whose host has sent nothing for this long',
    default: 60_000, parse: duration, show: formatDuration,
  },
  'sweep-interval': {
    field: 'sweepIntervalMs', help: 'how often to look for expired sessions',
    default: 10_000, parse: duration, show: formatDuration,
  },
  'max-peers': { help: 'joiners per session', default: 32, parse: integer(1, 1000, 'a count') },
  'max-sessions': {
    help: 'sessions in all; past it new registrations are refused, existing sessions go on',
    default: 100_000, parse: integer(1, 10_000_000, 'a count'),
  },
  'sessions-per-ip': {
    help: 'sessions hosted from one IP address (players behind one NAT share it)',
    default: 32, parse: integer(1, 100_000, 'a count'),
  },
  rate: {
    help: 'valid requests a second accepted from one IP address (malformed datagrams have a bucket of their own), and datagrams sent to one address and port (4 times that to one IP address) (0: no limit)',
    default: 50, parse: integer(0, 1_000_000, 'a rate'),
  },
  burst: { help: 'datagrams one IP address may send at once above --rate', default: 100, parse: integer(1, 1_000_000, 'a count') },
  'max-joiners': {
    help: 'joiners in all sessions together (about 240 bytes each); past it a new joiner takes a silent one\'s slot or is refused',
    default: 400_000, parse: integer(1, 100_000_000, 'a count'),
  },
  'confirm-window': {
    field: 'confirmWindowMs', help: 'a registration whose host sent no KA (proving it got HR) within this is dropped; until then it gives way to new ones',
    default: 15_000, parse: duration, show: formatDuration,
  },
  'join-window': {
    field: 'joinWindowMs', help: 'a joiner that sent nothing for this long gives its peer slot to the next joiner of a full session',
    default: 15_000, parse: duration, show: formatDuration,
  },
  'host-silence': {
    field: 'hostSilenceMs', help: 'a session whose host sent nothing (a live node of ours answers each NJ with KA) for this long after a joiner came ends: that joiner, and every later one, gets BK',
    default: 5_000, parse: duration, show: formatDuration,
  },
  'matches-per-ip': {
    help: 'random matches a minute one IP address may take part in',
    default: 30, parse: integer(1, 1_000_000, 'a count'),
  },
  'matches-per-net': {
    help: 'random matches a minute one /24 network may take part in',
    default: 120, parse: integer(1, 1_000_000, 'a count'),
  },
  'lists-per-ip': {
    help: 'lobby list requests (LS) a minute answered for one IP address; past it, its requests go unanswered',
    default: 600, parse: integer(1, 1_000_000, 'a count'),
  },
  'lists-per-net': {
    help: 'lobby list requests a minute answered for one /24 network',
    default: 2400, parse: integer(1, 10_000_000, 'a count'),
  },
  'failed-joins-per-ip': {
    help: 'joins of unknown sessions (code guesses) a minute from one IP address; past it, joins from it go unanswered',
    default: 30, parse: integer(1, 1_000_000, 'a count'),
  },
  'failed-joins-per-net': {
    help: 'joins of unknown sessions a minute from one /24 network',
    default: 120, parse: integer(1, 1_000_000, 'a count'),
  },
  'failed-joins': {
    help: 'joins of unknown sessions a minute in total (networks that failed lately stop being answered past it)',
    default: 3000, parse: integer(1, 10_000_000, 'a count'),
  },
  'max-tracked': {
    help: 'IP addresses whose rate is tracked at once (bounds memory)',
    default: 100_000, parse: integer(1, 10_000_000, 'a count'),
  },
  'relay-ports': {
    help: 'UDP ports every relay shares, or off (a pair that neither punching nor birthday probing connects then gets punch_failed). A host gets a '
      + 'different relay port for each relayed client, so their count is the most relayed clients one host can have; '
      + 'a further one is refused (host_ports_full) and gets punch_failed',
    default: [7789, 7790, 7791, 7792] as readonly number[] | null, parse: portRange, show: showPorts,
  },
  'probe-port': {
    help: `UDP port of the NAT diagnosis's second answer (nodes compare what the two ports saw), or off (their NAT type then stays unknown); `
      + `default the first relay port, ${PROBE_PORT_WITHOUT_RELAYS} with relays off`,
    default: undefined as number | null | undefined, parse: probePort, show: (v: number | null | undefined) => (v === undefined ? 'first relay port' : String(v ?? 'off')),
  },
  'relay-bandwidth': {
    help: 'bytes a second one relay forwards, both ways together, counting 28 bytes of headers per datagram; more is dropped',
    default: 256 * 1024, parse: byteRate, show: (v: number) => `${v / 1024}kb`,
  },
  'relay-total-bandwidth': {
    help: 'bytes a second all relays forward together, shared fairly among the relays in use',
    default: 4 * 1024 * 1024, parse: byteRate, show: (v: number) => `${v / 1024 / 1024}mb`,
  },
  'relay-idle': { field: 'relayIdleMs', help: 'close a relay that forwarded nothing for this long (RB keep-alives do not count)', default: 30_000, parse: duration, show: formatDuration },
  'relay-lifetime': { field: 'relayLifetimeMs', help: 'close any relay after this long; also how long after its grant a relayed pair may move off a dead relay node (RR)', default: 7_200_000, parse: duration, show: formatDuration },
  'max-relays': {
    help: 'relays open at once in all; all share --relay-total-bandwidth, so the default leaves each busy relay at least 4kb a second',
    default: 1024, parse: integer(1, 1_000_000, 'a count'),
  },
  'relays-per-ip': {
    help: 'relays open at once with a side at one IP address (players behind one carrier NAT share it)',
    default: 16, parse: integer(1, 1_000_000, 'a count'),
  },
  'relays-per-subnet': {
    help: 'relays open at once with a side in one /24 network',
    default: 64, parse: integer(1, 1_000_000, 'a count'),
  },
  'relay-requests-per-ip': {
    help: 'relay requests from one IP address waiting for the other side to ask (4 times this per /24)',
    default: 64, parse: integer(1, 1_000_000, 'a count'),
  },
  role: {
    help: 'all: rendezvous and relays in one process; rendezvous: no relay ports (with --relay-secret, relays are granted on relay nodes); relay: a relay node, only relay ports (needs --redis-url and --relay-secret)',
    default: 'all' as Role, parse: role,
  },
  'relay-secret': {
    help: 'secret that rendezvous instances and relay nodes share to sign and check relay grants (at least 16 characters; off when empty)',
    default: '', parse: relaySecret, show: (v: string) => (v ? '***' : 'off'),
  },
  region: {
    help: 'a relay node\'s region, and the region whose nodes an instance grants first (any when empty)',
    default: '', parse: region, show: (v: string) => v || 'any',
  },
  'redis-url': {
    help: 'Redis shared by several instances (redis://host:port): random strangers are then matched across all of them (off when empty: everything stays in memory)',
    default: '', parse: redisUrl, show: (v: string) => (v ? v.replace(/\/\/[^@/]*@/, '//***@') : 'off'),
  },
  'drain-timeout': {
    field: 'drainTimeoutMs', help: 'on SIGTERM, take no new sessions and answer the ones there are until they end or this long has passed, then stop (0: stop at once; a second signal stops at once)',
    default: 0, parse: duration, show: formatDuration,
  },
  'log-level': { help: 'fatal, error, warn, info, debug or trace', default: 'info', parse: logLevel },
  metrics: {
    help: 'HOST:PORT for Prometheus metrics at /metrics and a health check at /health (off when empty)',
    default: '', parse: hostPort, show: (v: string) => v || 'off',
  },
} satisfies Record<string, OptionSpec<string> | OptionSpec<number> | OptionSpec<readonly number[] | null> | OptionSpec<number | null | undefined>>;

