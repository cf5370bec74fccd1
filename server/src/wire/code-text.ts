/**
 * Session codes as people read and type them. A code is the server key (12 letters, the server's
 * public address and port) and a random suffix; whoever knows the server's address can rebuild
 * the key, so players need only the suffix: shown grouped in capitals (`ABCD-EFGH`), typed in any
 * case with spaces, dashes, dots or underscores anywhere. Pure functions over the schema's
 * bigram table, for the server, its tools and tests alike (the addon has the same rules).
 */
import { isBigramText, isKey, KEY_LENGTH, LIMITS } from '../generated/protocol.ts';

/** Letters per group in the display form. */
const GROUP = 4;
/**
 * Longest short part, in letters (8 bigrams, --suffix-bigrams up to 8). A full code is at least
 * 16 letters, so only a text of exactly 16 can be either: it is a full code when it begins with
 * the server's own key.
 */
export const MAX_SHORT_LETTERS = 16;

/** What a person typed: lowercased, without the spaces, dashes, dots and underscores between letters. */
export function normalizeCode(text: string): string {
  return text.toLowerCase().replace(/[\s._-]/g, '');
}

/** Whether [text] (normalized) is a session-id suffix: whole bigrams, as many as a server may draw. */
export function isSuffix(text: string): boolean {
  const bigrams = text.length / 2;
  return Number.isInteger(bigrams) && bigrams >= LIMITS.minSuffixBigrams && bigrams <= LIMITS.maxSuffixBigrams && isBigramText(text);
}

/** Whether [text] (normalized) is a full session id: a key, then a suffix. */
export function isFullCode(text: string): boolean {
  return isKey(text.slice(0, KEY_LENGTH)) && isSuffix(text.slice(KEY_LENGTH));
}

/**
 * The session id [typed] names, or null when it names none. A full code is taken as it is (it
 * names its own server); with the key of the server the player is set up for ([serverKey]), a
 * short part of up to 16 letters gets that key in front.
 */
export function parseCode(typed: string, serverKey?: string): string | null {
  const text = normalizeCode(typed);
  const full = isFullCode(text);
  if (serverKey === undefined) return full ? text : null;
  if (full && (text.length > MAX_SHORT_LETTERS || text.startsWith(serverKey))) return text;
  if (text.length <= MAX_SHORT_LETTERS && isSuffix(text)) return serverKey + text;
  return null;
}

/**
 * How to show [sessionId] to players of the server whose key is [serverKey]: its suffix in
 * capitals, in groups of four (`ABCD-EFGH`). A code of another server is shown in full, as it is.
 */
export function displayCode(sessionId: string, serverKey: string): string {
  if (!sessionId.startsWith(serverKey) || sessionId.length - KEY_LENGTH > MAX_SHORT_LETTERS) return sessionId;
  const suffix = sessionId.slice(KEY_LENGTH).toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < suffix.length; i += GROUP) groups.push(suffix.slice(i, i + GROUP));
  return groups.join('-');
}
