/**
 * Parsers of option values: each takes the text of a flag or environment variable and returns the
 * value, or throws a ConfigError that names the option and the value.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isUnicastAddress } from './addresses.ts';
import { ip6Bytes, isUsableIp6 } from './nat/ip6-address.ts';
import { parseDuration } from './units.ts';

export class ConfigError extends Error {}

export interface OptionSpec<T> {
  /** The Config field, when not the flag in camelCase: durations are held in milliseconds and say so. */
  readonly field?: `${string}Ms`;
  readonly help: string;
  readonly default: T;
  readonly parse: (text: string, flag: string) => T;
  readonly show?: (value: T) => string;
}

export function integer(min: number, max: number, what: string) {
  return (text: string, flag: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
      throw new ConfigError(`--${flag}=${text}: expected ${what} from ${min} to ${max}`);
    }
    return value;
  };
}

export function duration(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw new ConfigError(`--${flag}=${text}: expected a duration like 30s or 20m`);
  return ms;
}

export function ipv4(text: string, flag: string): string {
  if (!isIPv4(text)) throw new ConfigError(`--${flag}=${text}: expected an IPv4 address like 203.0.113.7`);
  return text;
}

/** An address players can send to: session codes embed it, so 0.0.0.0 would make a useless key. */
export function reachableIpv4(text: string, flag: string): string {
  if (!isUnicastAddress(ipv4(text, flag))) {
    throw new ConfigError(`--${flag}=${text}: expected an address players can reach, not unspecified, multicast or broadcast`);
  }
  return text;
}

/** The server's own IPv6 address: one a node can send to and be answered from (no zone, so not link-local). */
export function publicIpv6(text: string, flag: string): string {
  const bytes = isIPv6(text) ? ip6Bytes(text) : null;
  if (!bytes) throw new ConfigError(`--${flag}=${text}: expected an IPv6 address like 2001:db8::7`);
  if (!isUsableIp6(bytes)) {
    throw new ConfigError(`--${flag}=${text}: expected an IPv6 address players can reach, not unspecified, multicast, link-local or IPv4-mapped`);
  }
  return text;
}

/** A port, or off. */
export function probePort(text: string, flag: string): number | null {
  if (text === 'off') return null;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > 65535) throw new ConfigError(`--${flag}=${text}: expected a port from 0 to 65535, or off`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function logLevel(text: string, flag: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) throw new ConfigError(`--${flag}=${text}: expected one of ${LOG_LEVELS.join(', ')}`);
  return text as LogLevel;
}

/** Relay ports are shared by every pair, so a few suffice; each is one socket and one firewall rule. */
export const MAX_RELAY_PORTS = 64;

export function portRange(text: string, flag: string): readonly number[] | null {
  if (text === 'off') return null;
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  const [first, last] = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [0, 0];
  if (!match || first < 1 || last > 65535 || first > last || last - first >= MAX_RELAY_PORTS) {
    throw new ConfigError(`--${flag}=${text}: expected a port range of 1 to ${MAX_RELAY_PORTS} ports like 7789-7792, or off`);
  }
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export const showPorts = (v: readonly number[] | null) => (v ? (v.length > 1 ? `${v[0]}-${v.at(-1)}` : `${v[0]}`) : 'off');

export function byteRate(text: string, flag: string): number {
  const match = /^(\d+)(b|kb|mb)$/.exec(text.trim().toLowerCase());
  if (!match || Number(match[1]) <= 0) throw new ConfigError(`--${flag}=${text}: expected bytes a second like 256kb or 4mb`);
  return Number(match[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2] as 'b' | 'kb' | 'mb'];
}

export function hostPort(text: string, flag: string): string {
  const match = /^([\d.]+):(\d+)$/.exec(text);
  if (!match || !isIPv4(match[1]!) || Number(match[2]) > 65535) {
    throw new ConfigError(`--${flag}=${text}: expected an address and port like 127.0.0.1:9090`);
  }
  return text;
}

export const ROLES = ['all', 'rendezvous', 'relay'] as const;
export type Role = (typeof ROLES)[number];

export function role(text: string, flag: string): Role {
  if (!(ROLES as readonly string[]).includes(text)) throw new ConfigError(`--${flag}=${text}: expected one of ${ROLES.join(', ')}`);
  return text as Role;
}

/** A Redis URL: redis://[user:password@]host[:port][/db]. */
export function redisUrl(text: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--${flag}=${text}: expected a URL such as redis://127.0.0.1:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError(`--${flag}=${text}: expected a redis:// or rediss:// URL`);
  return text;
}

/** The secret instances and relay nodes share to sign relay grants: long enough not to be guessed. */
export function relaySecret(text: string, flag: string): string {
  if (text.length < 16) throw new ConfigError(`--${flag}: expected at least 16 characters`);
  return text;
}

/** A region name: lowercase letters, digits and dashes (eu, us-east). */
export function region(text: string, flag: string): string {
  if (!/^[a-z0-9-]{1,32}$/.test(text)) throw new ConfigError(`--${flag}=${text}: expected a name of lowercase letters, digits and dashes`);
  return text;
}
