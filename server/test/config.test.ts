import { describe, expect, it } from 'vitest';
import { ConfigError, helpText, readConfig } from '../src/config.ts';
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
  it('has sensible defaults', () => {
    expect(config(['--public-ip', '203.0.113.7'])).toEqual({
      port: 7788, bind: '0.0.0.0', publicIp: '203.0.113.7', publicIpGuessed: false, publicPort: 0,
      suffixBigrams: 4, expiryMs: 60_000, sweepIntervalMs: 10_000, maxPeers: 32, maxSessions: 100_000, sessionsPerIp: 32,
      rate: 50, burst: 100, maxTracked: 100_000, logLevel: 'info', metrics: '',
      maxJoiners: 400_000, confirmWindowMs: 15_000, joinWindowMs: 15_000, matchesPerIp: 30, matchesPerNet: 120,
      failedJoinsPerIp: 30, failedJoinsPerNet: 120, failedJoins: 3000,
      relayPorts: [7789, 7790, 7791, 7792], relayBandwidth: 262_144, relayTotalBandwidth: 4_194_304, relayIdleMs: 30_000,
      relayLifetimeMs: 7_200_000, relaysPerIp: 16, maxRelays: 1024, relaysPerSubnet: 64, relayRequestsPerIp: 64,
    });
    expect(config(['--relay-ports=off', '--relay-bandwidth=1mb'])).toMatchObject({ relayPorts: null, relayBandwidth: 1_048_576 });
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
    expect(error(['--relay-bandwidth=fast'])).toBe('--relay-bandwidth=fast: expected bytes a second like 256kb or 4mb');
    expect(error(['--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(error(['stray'])).toMatch(/stray/);
  });

  it('answers --help with every option, its variable and its default', () => {
    expect(readConfig({}, ['--help'])).toEqual({ help: true });
    const text = helpText();
    for (const flag of ['--port', '--bind', '--public-ip', '--public-port', '--suffix-bigrams', '--expiry', '--sweep-interval', '--max-peers',
      '--max-sessions', '--sessions-per-ip', '--rate', '--burst', '--max-tracked', '--log-level', '--metrics', '--max-joiners', '--confirm-window',
      '--join-window', '--matches-per-ip', '--matches-per-net', '--failed-joins-per-ip', '--failed-joins-per-net', '--failed-joins']) {
      expect(text).toContain(flag);
    }
    expect(text).toMatch(/--expiry\s+SHP_EXPIRY\s+default 1m/);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m and h, and nothing else', () => {
    expect([parseDuration('500ms'), parseDuration('30s'), parseDuration('1.5m'), parseDuration('1h')]).toEqual([500, 30_000, 90_000, 3_600_000]);
    expect([parseDuration('30'), parseDuration('s'), parseDuration('-1s'), parseDuration('1d')]).toEqual([null, null, null, null]);
  });
});
