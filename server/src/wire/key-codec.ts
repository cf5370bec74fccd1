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
  // Letter pair -> byte value (-1: not a bigram), indexed by the two letters: no string is cut to read one.
  const valueOf = new Int16Array(26 * 26).fill(-1);
  bigrams.forEach((b, i) => {
    const first = b.charCodeAt(0) - 0x61;
    const second = b.charCodeAt(1) - 0x61;
    if (b.length === 2 && first >= 0 && first < 26 && second >= 0 && second < 26) valueOf[first * 26 + second] = i;
  });
  const pairValue = (text: string, at: number): number => {
    const first = text.charCodeAt(at) - 0x61;
    const second = text.charCodeAt(at + 1) - 0x61;
    return first >= 0 && first < 26 && second >= 0 && second < 26 ? valueOf[first * 26 + second]! : -1;
  };
  const isBigramText = (text: string): boolean => {
    if (text.length % 2 !== 0) return false;
    for (let i = 0; i < text.length; i += 2) {
      const first = text.charCodeAt(i) - 0x61;
      const second = text.charCodeAt(i + 1) - 0x61;
      if (first < 0 || first >= 26 || second < 0 || second >= 26 || valueOf[first * 26 + second]! < 0) return false;
    }
    return true;
  };
  return {
    isBigramText,
    isKey: (text) => text.length === KEY_LENGTH && isBigramText(text),
    isToken: (text) => text.length === TOKEN_LENGTH && isBigramText(text),
    encodeKey(endpoint) {
      // Every datagram's source is keyed: a dotted address of plain digits is read without cutting strings.
      const fast = dottedKey(endpoint.address, endpoint.port, bigrams);
      if (fast !== null) return fast;
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
      const a = pairValue(key, 0);
      const b = pairValue(key, 2);
      const c = pairValue(key, 4);
      const d = pairValue(key, 6);
      const high = pairValue(key, 8);
      const low = pairValue(key, 10);
      if ((a | b | c | d | high | low) < 0) return null;
      return { address: `${a}.${b}.${c}.${d}`, port: high * 256 + low };
    },
  };
}

/**
 * The key of [address]:[port] when the address is four dot-separated decimal octets (digits only,
 * none empty) and the port an integer in range; null for anything else, which the general path
 * then reads (or refuses).
 */
function dottedKey(address: string, port: number, bigrams: readonly string[]): string | null {
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  let key = '';
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return null;
      key += bigrams[octet];
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  if (digits === 0 || dots !== 3) return null;
  return key + bigrams[octet] + bigrams[port >> 8] + bigrams[port & 255];
}
