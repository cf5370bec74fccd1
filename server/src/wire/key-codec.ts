/**
 * Keys and tokens on the wire: bytes written as bigrams, two letters a byte. The schema decides
 * the bigram table; the codec is the same for any table, so it is written here once and the
 * generated protocol module builds it from the schema's table.
 */

/** An IPv4 address and UDP port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Letters in a key: six bigrams, the four octets of the address, then port / 256 and port % 256. */
export const KEY_LENGTH = 12;
/** Letters in a token: eight bigrams. */
export const TOKEN_LENGTH = 16;

export interface KeyCodec {
  /** True when every two letters of the text are a bigram. */
  isBigramText(text: string): boolean;
  /** A key: 12 letters, six bigrams. */
  isKey(text: string): boolean;
  /** A token: 16 letters, eight bigrams. */
  isToken(text: string): boolean;
  /** The key of an IPv4 address and port; throws a RangeError for anything else. */
  encodeKey(endpoint: Endpoint): string;
  /** The address and port a key names, or null when it is not a key. */
  decodeKey(key: string): Endpoint | null;
}

export function keyCodec(bigrams: readonly string[]): KeyCodec {
  if (bigrams.length !== 256 || new Set(bigrams).size !== 256) throw new RangeError('a bigram table has 256 distinct entries');
  const value = new Map<string, number>(bigrams.map((b, i) => [b, i]));
  // Letter pair -> whether it is a bigram, indexed by the two letters: no string is cut to check one.
  const isPair = new Uint8Array(26 * 26);
  for (const b of bigrams) {
    const first = b.charCodeAt(0) - 0x61;
    const second = b.charCodeAt(1) - 0x61;
    if (b.length === 2 && first >= 0 && first < 26 && second >= 0 && second < 26) isPair[first * 26 + second] = 1;
  }
  const isBigramText = (text: string): boolean => {
    if (text.length % 2 !== 0) return false;
    for (let i = 0; i < text.length; i += 2) {
      const first = text.charCodeAt(i) - 0x61;
      const second = text.charCodeAt(i + 1) - 0x61;
      if (first < 0 || first >= 26 || second < 0 || second >= 26 || isPair[first * 26 + second] === 0) return false;
    }
    return true;
  };
  return {
    isBigramText,
    isKey: (text) => text.length === KEY_LENGTH && isBigramText(text),
    isToken: (text) => text.length === TOKEN_LENGTH && isBigramText(text),
    encodeKey(endpoint) {
      const octets = endpoint.address.split('.').map(Number);
      if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
        throw new RangeError(`not an IPv4 address: ${endpoint.address}`);
      }
      if (!Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 65535) {
        throw new RangeError(`not a port: ${endpoint.port}`);
      }
      return [...octets, endpoint.port >> 8, endpoint.port & 255].map((b) => bigrams[b]).join('');
    },
    decodeKey(key) {
      if (key.length !== KEY_LENGTH) return null;
      const bytes: number[] = [];
      for (let i = 0; i < KEY_LENGTH; i += 2) {
        const byte = value.get(key.slice(i, i + 2));
        if (byte === undefined) return null;
        bytes.push(byte);
      }
      const [a, b, c, d, high, low] = bytes as [number, number, number, number, number, number];
      return { address: `${a}.${b}.${c}.${d}`, port: high * 256 + low };
    },
  };
}
