import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, helpText, readConfig } from '../src/config.ts';
import { parseDuration } from '../src/units.ts';

function config(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const result = readConfig(env, argv);
  if (result.help) throw new Error('unexpected --help');
  return result.config;
}

function error(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    readConfig(env, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  it('has sensible defaults: the table\'s, with the probe port on the first relay port', () => {
    const defaults = config(['--public-ip', '203.0.113.7']);
    expect(defaults).toEqual({ ...DEFAULT_CONFIG, publicIp: '203.0.113.7', probePort: 7789 });
    expect(defaults).toMatchObject({
      port: 7788, bind: '0.0.0.0', publicIp: '203.0.113.7', publicIpGuessed: false, publicPort: 0, publicIp6: '', probePort: 7789,
      suffixBigrams: 4, expiryMs: 60_000, sweepIntervalMs: 10_000, maxPeers: 32, maxSessions: 100_000, sessionsPerIp: 32,
      rate: 50, burst: 100, maxTracked: 100_000, logLevel: 'info', metrics: '',
      maxJoiners: 400_000, confirmWindowMs: 15_000, joinWindowMs: 15_000, hostSilenceMs: 5_000, matchesPerIp: 30, matchesPerNet: 120,
      failedJoinsPerIp: 30, failedJoinsPerNet: 120, failedJoins: 3000,
      relayPorts: [7789, 7790, 7791, 7792], relayBandwidth: 262_144, relayTotalBandwidth: 4_194_304, relayIdleMs: 30_000,
      relayLifetimeMs: 7_200_000, relaysPerIp: 16, maxRelays: 1024, relaysPerSubnet: 64, relayRequestsPerIp: 64,
      role: 'all', redisUrl: '',
    });
    expect(config(['--relay-ports=off', '--relay-bandwidth=1mb'])).toMatchObject({ relayPorts: null, relayBandwidth: 1_048_576 });
  });

  it('puts the probe port on the first relay port, on 7789 with relays off, on a free port with --port 0, or where it is told', () => {
    expect(config(['--relay-ports=8000-8003']).probePort).toBe(8000);
    expect(config(['--relay-ports=off']).probePort).toBe(7789);
    expect(config(['--relay-ports=off', '--port=0']).probePort).toBe(0);
    expect(config(['--port=0']).probePort).toBe(0);
    expect(config(['--probe-port=9000', '--relay-ports=off']).probePort).toBe(9000);
    expect(config(['--probe-port=off']).probePort).toBeNull();
    expect(config([], { SHP_PROBE_PORT: '7790' }).probePort).toBe(7790);
    expect(config(['--public-ip6=2001:DB8::7']).publicIp6).toBe('2001:DB8::7');
  });

  it('takes a role and a Redis URL; the rendezvous role opens no relay ports', () => {
    expect(config(['--role=rendezvous'])).toMatchObject({ role: 'rendezvous', relayPorts: null });
    expect(config([], { SHP_REDIS_URL: 'redis://10.0.0.5:6379' }).redisUrl).toBe('redis://10.0.0.5:6379');
    expect(() => config(['--role=relay-ish'])).toThrow(/--role=relay-ish: expected one of all, rendezvous/);
    expect(() => config(['--redis-url=http://x'])).toThrow(/expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => config(['--role=rendezvous', '--relay-ports=8000-8001'])).toThrow(/--role rendezvous opens no relay ports/);
  });

  it('takes flags in both forms, and environment variables, with flags winning', () => {
    const c = config(['--port=9000', '--expiry', '20m'], { SHP_PORT: '1', SHP_SUFFIX_BIGRAMS: '2', SHP_BIND: '127.0.0.1' });
    expect(c).toMatchObject({ port: 9000, expiryMs: 1_200_000, suffixBigrams: 2, bind: '127.0.0.1' });
  });

  it('uses the bind address as the public address when none is given', () => {
    expect(config(['--bind', '198.51.100.4'])).toMatchObject({ publicIp: '198.51.100.4', publicIpGuessed: true });
  });

  it('names the option and the value in every error', () => {
    expect(error(['--expiry=abc'])).toBe('--expiry=abc: expected a duration like 30s or 20m');
    expect(error(['--port=70000'])).toBe('--port=70000: expected a port from 0 to 65535');
    expect(error(['--port=-1'])).toBe('--port=-1: expected a port from 0 to 65535');
    expect(error(['--suffix-bigrams=1'])).toBe('--suffix-bigrams=1: expected a count from 2 to 16');
    expect(error(['--public-ip=example.com'])).toBe('--public-ip=example.com: expected an IPv4 address like 203.0.113.7');
    for (const address of ['0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1']) {
      expect(error([`--public-ip=${address}`])).toBe(`--public-ip=${address}: expected an address players can reach, not unspecified, multicast or broadcast`);
    }
    expect(error([], { SHP_EXPIRY: '10 minutes' })).toBe('--expiry (SHP_EXPIRY)=10 minutes: expected a duration like 30s or 20m');
    expect(error(['--log-level=loud'])).toBe('--log-level=loud: expected one of fatal, error, warn, info, debug, trace');
    expect(error(['--metrics=9090'])).toBe('--metrics=9090: expected an address and port like 127.0.0.1:9090');
    expect(error(['--rate=fast'])).toBe('--rate=fast: expected a rate from 0 to 1000000');
    expect(error(['--relay-ports=9000-8000'])).toBe('--relay-ports=9000-8000: expected a port range of 1 to 64 ports like 7789-7792, or off');
    expect(error(['--probe-port=7788'])).toBe('--probe-port=7788: is --port; the probe port needs a port of its own (or a relay port)');
    expect(error(['--probe-port=7800', '--port=7800'])).toBe('--probe-port=7800: is --port; the probe port needs a port of its own (or a relay port)');
    expect(error(['--port=7789', '--relay-ports=off'])).toBe('--port=7789: is the probe port\'s default with relays off; give --probe-port another port, or off');
    expect(config(['--port=7789', '--relay-ports=off', '--probe-port=7790']).probePort).toBe(7790);
    expect(error(['--probe-port=70000'])).toBe('--probe-port=70000: expected a port from 0 to 65535, or off');
    expect(error(['--probe-port=on'])).toBe('--probe-port=on: expected a port from 0 to 65535, or off');
    for (const address of ['203.0.113.7', '2001:db8::zz', 'example.com', '::ffff:1.2.3.4', 'fe80::1%eth0']) {
      expect(error([`--public-ip6=${address}`])).toBe(`--public-ip6=${address}: expected an IPv6 address like 2001:db8::7`);
    }
    for (const address of ['::', 'ff02::1', 'fe80::1', '::ffff:102:304']) {
      expect(error([`--public-ip6=${address}`])).toBe(`--public-ip6=${address}: expected an IPv6 address players can reach, not unspecified, multicast, link-local or IPv4-mapped`);
    }
    expect(error([], { SHP_PUBLIC_IP6: 'nope' })).toBe('--public-ip6 (SHP_PUBLIC_IP6)=nope: expected an IPv6 address like 2001:db8::7');
    expect(error(['--relay-bandwidth=fast'])).toBe('--relay-bandwidth=fast: expected bytes a second like 256kb or 4mb');
    expect(error(['--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(error(['stray'])).toMatch(/stray/);
  });

  it('answers --help with every option, its variable and its default', () => {
    expect(readConfig({}, ['--help'])).toEqual({ help: true });
    const text = helpText();
    for (const flag of ['--port', '--bind', '--public-ip', '--public-port', '--suffix-bigrams', '--expiry', '--sweep-interval', '--max-peers',
      '--max-sessions', '--sessions-per-ip', '--rate', '--burst', '--max-tracked', '--log-level', '--metrics', '--max-joiners', '--confirm-window',
      '--join-window', '--matches-per-ip', '--matches-per-net', '--failed-joins-per-ip', '--failed-joins-per-net', '--failed-joins',
      '--public-ip6', '--probe-port']) {
      expect(text).toContain(flag);
    }
    expect(text).toMatch(/--expiry\s+SHP_EXPIRY\s+default 1m/);
    expect(text).toMatch(/--probe-port\s+SHP_PROBE_PORT\s+default first relay port/);
    expect(text).toMatch(/--public-ip6\s+SHP_PUBLIC_IP6\s+default none/);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m and h, and nothing else', () => {
    expect([parseDuration('500ms'), parseDuration('30s'), parseDuration('1.5m'), parseDuration('1h')]).toEqual([500, 30_000, 90_000, 3_600_000]);
    expect([parseDuration('30'), parseDuration('s'), parseDuration('-1s'), parseDuration('1d')]).toEqual([null, null, null, null]);
  });
});
